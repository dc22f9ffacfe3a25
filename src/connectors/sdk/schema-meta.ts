/**
 * What the SDK reads from zod schemas: secret tags, descriptions, and a walk over a value guided
 * by its schema. The zod internals (`_zod.def`) are touched only here, so a zod upgrade has one
 * file to check.
 */
import { z } from 'zod';

type Schema = z.core.$ZodType;

/** The metadata key that marks a secret; it also appears in the config's JSON Schema. */
export const SECRET_META_KEY = 'x-secret';

/**
 * A secret config field: a non-empty string by default. Tagged through zod metadata, so the tag
 * survives `.describe()`, `.optional()` and `.default()`, and shows in the JSON Schema as
 * `"x-secret": true, "writeOnly": true` (the dashboard renders it as a password input).
 */
export function secret(description: string, schema: z.ZodString = z.string().min(1)): z.ZodString {
  return schema.meta({ [SECRET_META_KEY]: true, writeOnly: true, description });
}

/** Wrappers that do not change what a value is: their inner schema says what it is. */
const wrapperTypes = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

/** The schema itself, then each schema it wraps (optional → default → string …). */
export function* layers(schema: Schema): Generator<Schema> {
  let s: Schema | undefined = schema;
  for (let depth = 0; s && depth < 16; depth++) {
    yield s;
    const def = s._zod.def as z.core.$ZodTypeDef & { innerType?: Schema; in?: Schema; getter?: () => Schema };
    if (wrapperTypes.has(def.type)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else if (def.type === 'lazy') s = def.getter?.();
    else s = undefined;
  }
}

/** The innermost schema under optional/default/nullable/pipe wrappers. */
export function unwrap(schema: Schema): Schema {
  let last = schema;
  for (const s of layers(schema)) last = s;
  return last;
}

const metaOf = (s: Schema): Record<string, unknown> | undefined =>
  z.globalRegistry.get(s) as Record<string, unknown> | undefined;

export function isSecret(schema: Schema): boolean {
  for (const s of layers(schema)) if (metaOf(s)?.[SECRET_META_KEY] === true) return true;
  return false;
}

/** Whether a schema has a secret field anywhere (objects, arrays, records, unions followed). */
export function hasSecretFields(schema: Schema, depth = 0): boolean {
  if (isSecret(schema)) return true;
  if (depth > 16) return false;
  const def = unwrap(schema)._zod.def as z.core.$ZodTypeDef;
  const children: Schema[] = [];
  if (def.type === 'object') children.push(...Object.values((def as z.core.$ZodObjectDef).shape));
  else if (def.type === 'array') children.push((def as z.core.$ZodArrayDef).element);
  else if (def.type === 'record') children.push((def as z.core.$ZodRecordDef).valueType);
  else if (def.type === 'union') children.push(...(def as z.core.$ZodUnionDef).options);
  else if (def.type === 'intersection') children.push((def as z.core.$ZodIntersectionDef).left, (def as z.core.$ZodIntersectionDef).right);
  return children.some((c) => hasSecretFields(c, depth + 1));
}

/** The description given by `.describe()` (or `.meta({ description })`) on any layer. */
export function descriptionOf(schema: Schema): string | undefined {
  for (const s of layers(schema)) {
    const d = metaOf(s)?.description;
    if (typeof d === 'string' && d.trim() !== '') return d;
  }
  return undefined;
}

/** The fields of an object schema (after unwrapping), or undefined when it is not an object. */
export function objectShape(schema: Schema): Record<string, Schema> | undefined {
  const inner = unwrap(schema);
  const def = inner._zod.def as z.core.$ZodTypeDef & { shape?: Record<string, Schema> };
  return def.type === 'object' ? def.shape : undefined;
}

/**
 * Rebuild `value` following `schema`, calling `onSecret` for each value at a secret position and
 * using what it returns. Objects, arrays, records, tuples, intersections and unions are followed
 * (a union by the first option the value parses as, or by all when none does). Values are copied,
 * never mutated.
 */
export function mapSecrets(schema: Schema, value: unknown, onSecret: (value: unknown, path: string) => unknown, path = ''): unknown {
  if (isSecret(schema)) return value === undefined || value === null ? value : onSecret(value, path);
  if (value === null || typeof value !== 'object') return value;
  const inner = unwrap(schema);
  const def = inner._zod.def as z.core.$ZodTypeDef;
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  switch (def.type) {
    case 'object': {
      const { shape } = def as z.core.$ZodObjectDef;
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [key, field] of Object.entries(shape)) {
        if (key in out) out[key] = mapSecrets(field, out[key], onSecret, at(key));
      }
      return out;
    }
    case 'record': {
      const { valueType } = def as z.core.$ZodRecordDef;
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) out[key] = mapSecrets(valueType, v, onSecret, at(key));
      return out;
    }
    case 'array': {
      if (!Array.isArray(value)) return value;
      const { element } = def as z.core.$ZodArrayDef;
      return value.map((v, i) => mapSecrets(element, v, onSecret, at(i)));
    }
    case 'tuple': {
      if (!Array.isArray(value)) return value;
      const { items, rest } = def as z.core.$ZodTupleDef;
      return value.map((v, i) => {
        const item = items[i] ?? rest;
        return item ? mapSecrets(item, v, onSecret, at(i)) : v;
      });
    }
    case 'intersection': {
      const { left, right } = def as z.core.$ZodIntersectionDef;
      return mapSecrets(right, mapSecrets(left, value, onSecret, path), onSecret, path);
    }
    case 'union': {
      const { options } = def as z.core.$ZodUnionDef;
      const match = options.find((o) => z.safeParse(o, value).success);
      if (match) return mapSecrets(match, value, onSecret, path);
      // A value no option accepts (a config not yet validated) still has its secrets found:
      // every option's secret positions are applied in turn.
      return options.reduce<unknown>((v, o) => mapSecrets(o, v, onSecret, path), value);
    }
    default:
      return value;
  }
}
