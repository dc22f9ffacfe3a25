/**
 * RFC 8785 JSON Canonicalization Scheme (JCS). Evidence content and record envelopes are hashed as
 * their canonical JSON, so the same data always hashes the same, whoever serialises it.
 *
 * - Objects: members sorted by their names compared as UTF-16 code units (RFC 8785 §3.2.3);
 *   no whitespace anywhere.
 * - Numbers: the ECMAScript Number::toString algorithm (§3.2.2.3), which is what JavaScript's own
 *   number-to-string conversion implements; -0 is written 0; NaN and ±Infinity are errors.
 * - Strings: only `"`, `\` and the controls below U+0020 are escaped, with the short forms
 *   \b \t \n \f \r where they exist and \u00xx (lower-case hex) otherwise (§3.2.2.2).
 *   Lone surrogates are errors: I-JSON (RFC 7493) strings are valid Unicode.
 */
import { VigilError } from '../lib/errors.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// Anything that may need escaping, or may be half of a surrogate pair.
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;

const SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

function fail(message: string, path: string): never {
  throw new VigilError('InvalidInput', `not canonicalizable as RFC 8785 JSON: ${message}`, {
    where: path || '(root)',
    hint: 'evidence content must be plain JSON: objects, arrays, strings, finite numbers, booleans and null',
  });
}

export function canonicalString(s: string, path = ''): string {
  if (!NEEDS_CARE.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair is written as is
        continue;
      }
      fail(`lone surrogate U+${c.toString(16).toUpperCase()} at string offset ${i}`, path);
    }
    if (c < 0x20 || c === 0x22 || c === 0x5c) {
      out += s.slice(start, i) + (SHORT_ESCAPES[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`);
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

export function canonicalNumber(n: number, path = ''): string {
  if (!Number.isFinite(n)) fail(`${n} is not a finite number`, path);
  // String(-0) is already "0"; ECMAScript's Number::toString is the RFC's number format.
  return String(n);
}

/** The canonical JSON text of a value. Throws InvalidInput on anything JSON cannot carry exactly. */
export function canonicalize(value: unknown): string {
  // The fast writer keeps no path (building one costs a string per member, most of the work on
  // records of small members); when it refuses something, the careful writer runs again to say where.
  const fast = writeFast(value);
  return fast ?? write(value, '');
}

// Nothing that needs an escape or may be half of a surrogate pair: such strings are written as is.
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const PLAIN = /^[^\u0000-\u001f"\\\ud800-\udfff]*$/;

/** The canonical text, or undefined when the value holds anything `write` would refuse. */
function writeFast(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return PLAIN.test(v) ? `"${v}"` : canonicalStringOrUndefined(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : undefined;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) return undefined;
          const e = writeFast(v[i]);
          if (e === undefined) return undefined;
          out += i ? `,${e}` : e;
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return undefined;
      const keys = Object.keys(v).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const m = writeFast((v as Record<string, unknown>)[k]);
        if (m === undefined) return undefined;
        const name = PLAIN.test(k) ? `"${k}"` : canonicalStringOrUndefined(k);
        if (name === undefined) return undefined;
        out += `${i ? ',' : ''}${name}:${m}`;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

function canonicalStringOrUndefined(s: string): string | undefined {
  try {
    return canonicalString(s);
  } catch {
    return undefined;
  }
}

function write(v: unknown, path: string): string {
  switch (typeof v) {
    case 'string':
      return canonicalString(v, path);
    case 'number':
      return canonicalNumber(v, path);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (i) out += ',';
          // Holes and undefined have no JSON form; refusing them beats silently writing null.
          if (!(i in v) || v[i] === undefined) fail('an array element is undefined', `${path}[${i}]`);
          out += write(v[i], `${path}[${i}]`);
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        fail(`a ${(v as object).constructor?.name ?? 'non-plain'} object is not JSON (convert it first, e.g. a Date to an ISO string)`, path);
      }
      // Default sort compares UTF-16 code units, which is exactly RFC 8785 §3.2.3.
      const keys = Object.keys(v).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const member = (v as Record<string, unknown>)[k];
        if (member === undefined) fail('a member is undefined', `${path}.${k}`);
        if (!first) out += ',';
        first = false;
        out += `${canonicalString(k, `${path}.${k}`)}:${write(member, `${path}.${k}`)}`;
      }
      return `${out}}`;
    }
    default:
      return fail(`a ${typeof v} is not JSON`, path);
  }
}

/**
 * Parse JSON text that must already be canonical: the text is returned parsed only if
 * canonicalizing it gives back exactly the same text (so duplicate names, whitespace, escaped
 * characters that need no escape and non-canonical numbers are all refused).
 */
export function parseCanonical(text: string, where: string): JsonValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new VigilError('IntegrityError', `not valid JSON: ${(e as Error).message}`, { where });
  }
  let again: string;
  try {
    again = canonicalize(parsed);
  } catch (e) {
    throw new VigilError('IntegrityError', `not canonical JSON: ${(e as Error).message}`, { where });
  }
  if (again !== text) throw new VigilError('IntegrityError', 'not in RFC 8785 canonical form', { where });
  return parsed as JsonValue;
}
