/**
 * Checks on schemas and collected rows that every connector test (and the contract kit) uses.
 * Each returns what is wrong, or throws with all of it at once via the assert* form.
 */
import type { z } from 'zod';
import { descriptionOf, objectShape, unwrap } from '../schema-meta.ts';

type Schema = z.core.$ZodType;

/** Dotted paths of fields (nested objects and arrays of objects included) with no description. */
export function undescribedFields(schema: Schema, prefix = ''): string[] {
  const shape = objectShape(schema);
  if (!shape) return [];
  const missing: string[] = [];
  for (const [name, field] of Object.entries(shape)) {
    const path = `${prefix}${name}`;
    if (!descriptionOf(field)) missing.push(path);
    const inner = unwrap(field);
    const def = inner._zod.def as z.core.$ZodTypeDef & { element?: Schema };
    const nested = def.type === 'array' && def.element ? def.element : inner;
    missing.push(...undescribedFields(nested, `${path}${def.type === 'array' ? '[]' : ''}.`));
  }
  return missing;
}

export function assertEveryFieldDescribed(schema: Schema, label: string): void {
  if (!objectShape(schema)) throw new Error(`${label}: the schema is not a z.object()`);
  const missing = undescribedFields(schema);
  if (missing.length) throw new Error(`${label}: fields without .describe(): ${missing.join(', ')}`);
}

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !(v instanceof Date) && Object.keys(v as object).length === 0);

/**
 * Top-level fields empty (absent, null, "", [] or {}) in every row: a mapping bug, or fixtures that
 * do not exercise the field. No rows at all is reported as every field.
 */
export function alwaysEmptyFields(schema: Schema, rows: readonly Record<string, unknown>[]): string[] {
  const shape = objectShape(schema) ?? {};
  return Object.keys(shape).filter((f) => rows.every((r) => isEmpty(r[f])));
}

/** Key values that occur more than once, as JSON (composite keys as arrays). */
export function duplicateKeys(rows: readonly Record<string, unknown>[], key: string | readonly string[]): string[] {
  const fields = typeof key === 'string' ? [key] : [...key];
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const r of rows) {
    const k = JSON.stringify(fields.length === 1 ? r[fields[0]!] : fields.map((f) => r[f]));
    if (seen.has(k)) dups.add(k);
    seen.add(k);
  }
  return [...dups];
}
