import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../lib/errors.ts';
import { createRedactor, REDACTED, sanitizeError } from './redactor.ts';

const secret = 'p@ss w0rd/"quoted"';

describe('createRedactor', () => {
  it('replaces a secret wherever it appears, also URL-encoded and JSON-escaped', () => {
    const r = createRedactor([secret]);
    expect(r.redact(`login with ${secret}`)).toBe(`login with ${REDACTED}`);
    expect(r.redact(`/x?key=${encodeURIComponent(secret)}&a=1`)).toBe(`/x?key=${REDACTED}&a=1`);
    expect(r.redact(JSON.stringify({ token: secret }))).toBe(`{"token":"${REDACTED}"}`);
    expect(r.contains(`x${secret}y`)).toBe(true);
    expect(r.contains('nothing here')).toBe(false);
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    const r = createRedactor(['abcdef', 'abcdefghij']);
    expect(r.redact('abcdefghij')).toBe(REDACTED);
  });

  it('ignores empty and non-string values, and learns secrets added later', () => {
    const r = createRedactor(['', undefined, null, 42]);
    expect(r.redact('a 42 b')).toBe('a 42 b');
    r.add('late-token-1');
    expect(r.redact('Bearer late-token-1')).toBe(`Bearer ${REDACTED}`);
  });

  it('redacts every string of a nested value without touching the original', () => {
    const r = createRedactor(['s3cr3t-value']);
    const original = { a: ['x s3cr3t-value'], b: { c: 's3cr3t-value', n: 1 } };
    expect(r.redactDeep(original)).toEqual({ a: [`x ${REDACTED}`], b: { c: REDACTED, n: 1 } });
    expect(original.b.c).toBe('s3cr3t-value');
  });
});

describe('sanitizeError', () => {
  it('redacts message, where, hint, details, stack and the whole cause chain, keeping tags and codes', () => {
    const r = createRedactor(['tok-abcdef123']);
    const root = Object.assign(new Error('socket said tok-abcdef123'), { code: 'ECONNRESET', request: { headers: { authorization: 'Bearer tok-abcdef123' } } });
    const mid = new TypeError('fetch failed for tok-abcdef123', { cause: root });
    const top = new VigilError('Unreachable', 'could not reach with tok-abcdef123', {
      where: 'source tok-abcdef123',
      hint: 'rotate tok-abcdef123',
      details: { header: 'Bearer tok-abcdef123' },
      cause: mid,
    });
    const safe = sanitizeError(top, r) as VigilError;
    expect(safe._tag).toBe('Unreachable');
    expect(safe.oneLine()).toBe(`source ${REDACTED}: could not reach with ${REDACTED} — rotate ${REDACTED}`);
    expect((safe.cause as Error).name).toBe('TypeError');
    expect(((safe.cause as Error).cause as { code?: string }).code).toBe('ECONNRESET');
    const printed = inspect(safe, { depth: 20 }) + JSON.stringify(safe);
    expect(printed).not.toContain('tok-abcdef123');
    // The raw error's extra properties (a request with headers) are not carried over.
    expect(printed).not.toContain('authorization');
  });

  it('turns a thrown non-error into an error', () => {
    expect(sanitizeError('boom tok-abcdef123', createRedactor(['tok-abcdef123'])).message).toBe(`boom ${REDACTED}`);
  });
});
