import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../lib/errors.ts';
import { logFormat, parseLogRecord, parsePerson } from './log-format.ts';

const sha = 'a'.repeat(40);
const record = (over: Partial<Record<number, string>> = {}) => {
  const f = [sha, `${'b'.repeat(40)} ${'c'.repeat(40)}`, 'Ada Lopez', 'Ada@Example.com', '2026-02-10T17:00:00+02:00', 'Bob', 'bob@example.com', '2026-02-10T15:05:00Z', 'G', 'ada@example.com', 'SHA256:abc', 'Merge feature', 'Reviewed-by: Bob <BOB@example.com>\nreviewed-BY: Carol\nApproved-by: dan@example.com\n'];
  for (const [i, v] of Object.entries(over)) f[Number(i)] = v!;
  return f.join('\x1f');
};

describe('git log records', () => {
  it('asks git for every field in one format, separated by the unit separator', () => {
    expect(logFormat.split('%x1f')).toHaveLength(13);
    expect(logFormat).toContain('%(trailers:key=Reviewed-by,key=Approved-by,key=Signed-off-by,key=Co-authored-by,only,unfold)');
  });

  it('parses a record: dates to UTC, emails lower-cased, signature code to words, trailers canonical with people parsed', () => {
    expect(parseLogRecord(`\n${record()}`)).toEqual({
      sha,
      parents: ['b'.repeat(40), 'c'.repeat(40)],
      authorName: 'Ada Lopez',
      authorEmail: 'ada@example.com',
      authoredAt: '2026-02-10T15:00:00.000Z',
      committerName: 'Bob',
      committerEmail: 'bob@example.com',
      committedAt: '2026-02-10T15:05:00.000Z',
      signature: 'good',
      signer: 'ada@example.com',
      signingKey: 'SHA256:abc',
      subject: 'Merge feature',
      trailers: [
        { key: 'Reviewed-by', value: 'Bob <BOB@example.com>', name: 'Bob', email: 'bob@example.com' },
        { key: 'Reviewed-by', value: 'Carol', name: 'Carol', email: null },
        { key: 'Approved-by', value: 'dan@example.com', name: 'dan@example.com', email: 'dan@example.com' },
      ],
    });
  });

  it('reads a root commit (no parents), no signature and no trailers', () => {
    const r = parseLogRecord(record({ 1: '', 8: 'N', 9: '', 10: '', 12: '' }));
    expect(r).toMatchObject({ parents: [], signature: 'none', signer: null, signingKey: null, trailers: [] });
  });

  it.each([
    ['a missing field', record().split('\x1f').slice(0, 12).join('\x1f'), 'a record has 12 fields, expected 13'],
    ['a hash that is not one', record({ 0: 'not-a-sha' }), '"not-a-sha" is not a commit hash'],
    ['an unknown signature code', record({ 8: 'Q' }), 'unknown signature status "Q"'],
    ['a date that is not one', record({ 4: 'yesterday' }), 'author date "yesterday"'],
  ])('refuses %s with a ProviderError', (_, text, message) => {
    let error: unknown;
    try {
      parseLogRecord(text);
    } catch (e) {
      error = e;
    }
    expect(isVigilError(error) && error._tag).toBe('ProviderError');
    expect((error as Error).message).toContain(message);
  });

  it('parses people written in the usual ways', () => {
    expect(parsePerson('Ada Lopez <Ada@Example.com>')).toEqual({ name: 'Ada Lopez', email: 'ada@example.com' });
    expect(parsePerson('  ada@example.com ')).toEqual({ name: 'ada@example.com', email: 'ada@example.com' });
    expect(parsePerson('Ada Lopez')).toEqual({ name: 'Ada Lopez', email: null });
    expect(parsePerson('Ada <>')).toEqual({ name: 'Ada', email: null });
  });
});
