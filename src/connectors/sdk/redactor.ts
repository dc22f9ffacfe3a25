/**
 * Secret redaction for every string that leaves a connector run: log lines, error messages,
 * error details and the cause chain. A redactor knows the secret values of one run (from the
 * config, plus tokens an auth provider obtains later) and replaces each occurrence — also in the
 * encodings a secret commonly travels in (URL-encoded in a query string, JSON-escaped in a body).
 */
import { VigilError, isVigilError } from '../../lib/errors.ts';

export const REDACTED = '[REDACTED]';

export interface Redactor {
  /** Add secret values; empty and non-string values are ignored. */
  add(...secrets: unknown[]): void;
  redact(text: string): string;
  /** A deep copy of a JSON-like value with every string redacted. */
  redactDeep<T>(value: T): T;
  /** True when `text` contains a known secret (in any encoding the redactor knows). */
  contains(text: string): boolean;
}

export function createRedactor(secrets: Iterable<unknown> = []): Redactor {
  let variants: string[] = [];
  const known = new Set<string>();

  const add = (...values: unknown[]) => {
    let changed = false;
    for (const v of values) {
      if (typeof v !== 'string' || v.length === 0 || known.has(v)) continue;
      known.add(v);
      changed = true;
    }
    if (!changed) return;
    const all = new Set<string>();
    for (const s of known) {
      all.add(s);
      all.add(encodeURIComponent(s));
      all.add(JSON.stringify(s).slice(1, -1));
    }
    // Longest first, so a secret that contains another is replaced whole.
    variants = [...all].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
  };

  const redact = (text: string): string => {
    let out = text;
    for (const v of variants) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  };

  const redactDeep = <T>(value: T): T => deepMapStrings(value, redact, new WeakMap()) as T;

  add(...secrets);
  return { add, redact, redactDeep, contains: (text) => variants.some((v) => text.includes(v)) };
}

function deepMapStrings(value: unknown, fn: (s: string) => string, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return fn(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(deepMapStrings(v, fn, seen));
    return out;
  }
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [k, v] of Object.entries(value)) out[k] = deepMapStrings(v, fn, seen);
  return out;
}

/**
 * A copy of an error that is safe to print: message, stack, where, hint, details and every cause
 * in the chain are redacted. Causes become plain errors keeping their name and `code`, because the
 * originals (fetch's, a driver's) may hold request objects with headers.
 */
export function sanitizeError(error: unknown, redactor: Redactor, depth = 0): Error {
  const cause = depth < 8 ? causeOf(error) : undefined;
  const safeCause = cause === undefined ? undefined : sanitizeError(cause, redactor, depth + 1);
  if (isVigilError(error)) {
    const copy = new VigilError(error._tag, redactor.redact(error.message), {
      ...(error.where ? { where: redactor.redact(error.where) } : {}),
      ...(error.hint ? { hint: redactor.redact(error.hint) } : {}),
      ...(error.details ? { details: redactor.redactDeep(error.details) } : {}),
      ...(safeCause ? { cause: safeCause } : {}),
    });
    if (error.stack) copy.stack = redactor.redact(error.stack);
    return copy;
  }
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(redactor.redact(source.message), safeCause ? { cause: safeCause } : undefined);
  copy.name = source.name;
  if (source.stack) copy.stack = redactor.redact(source.stack);
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  return copy;
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}
