import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import type { CheckResult } from '../sdk/define.ts';
import { gitCommit } from './git-commit-rows.testing.ts';
import { gitSignedCommits } from './git-signed-commits.ts';
import { createGitCheckStore, type GitCheckStore } from './git-store.testing.ts';

const now = new Date('2026-03-01T00:00:00Z');
const key = 'SHA256:ngus9KvRumYRMVdnUM1LbTESi9JrFYf9EPv6OaF';
const statuses = ['good', 'good-untrusted', 'unverifiable', 'expired-signature', 'expired-key', 'revoked-key', 'bad', 'none'] as const;
const shaOf = (i: number) => `${i + 1}`.padEnd(40, '0');
const byStatus = (results: CheckResult[]): Record<string, CheckResult> => Object.fromEntries(results.map((x) => [statuses[Number(x.resource.slice(-40, -39)) - 1], x]));

describe('change.git-signed-commits', () => {
  let db: TestDb;
  let store: GitCheckStore;
  beforeAll(async () => {
    db = await createTestDb();
    store = await createGitCheckStore(db);
    for (const [i, signature] of statuses.entries()) {
      const signed = signature !== 'none';
      await store.put(gitCommit(shaOf(i), { signature, signer: signature === 'good' ? 'ada@example.com' : null, signingKey: signed ? key : null }));
    }
    await store.put(gitCommit('9', { committedAt: '2024-01-01T00:00:00.000Z' }));
  });
  afterAll(() => db.close());

  it('requires a good signature by default: only good passes, bad and revoked are high severity', async () => {
    const results = await store.evaluate(gitSignedCommits, now);
    expect(results).toHaveLength(8);
    const s = byStatus(results);
    expect(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.status]))).toEqual({
      good: 'pass',
      'good-untrusted': 'fail',
      unverifiable: 'fail',
      'expired-signature': 'fail',
      'expired-key': 'fail',
      'revoked-key': 'fail',
      bad: 'fail',
      none: 'fail',
    });
    expect(s.good!.reason).toBe('1000000 "Add health endpoint" on main of acme/api by Ada Lopez <ada@example.com> at 2026-02-10 15:00 UTC has a good signature by ada@example.com');
    expect(s.none!.reason).toBe('8000000 "Add health endpoint" on main of acme/api by Ada Lopez <ada@example.com> at 2026-02-10 15:00 UTC is not signed');
    expect(s['good-untrusted']!.reason).toContain(`is signed by a key the collecting machine does not trust (not in the SSH allowed-signers file, or a GPG key of unknown validity) (key ${key})`);
    expect(s.bad).toMatchObject({ severity: 'high', reason: expect.stringContaining('has a BAD signature') });
    expect(s['revoked-key']).toMatchObject({ severity: 'high' });
    expect(s.none).not.toHaveProperty('severity');
    expect(s.none!.status === 'fail' && s.none!.remediation).toContain('set up commit signing');
    expect(s['good-untrusted']!.status === 'fail' && s['good-untrusted']!.remediation).toContain(`If the key ${key} is Ada Lopez <ada@example.com>'s, add it to the SSH allowed-signers file`);
    for (const x of results) expect(x.evidence).toEqual([`ev_${x.resource.slice('git.commits/'.length)}`]);
  });

  it('with signatures not required, fails only bad and revoked signatures', async () => {
    const s = byStatus(await store.evaluate(gitSignedCommits, now, { requireSignature: false }));
    expect(Object.entries(s).filter(([, v]) => v.status === 'fail').map(([k]) => k).sort()).toEqual(['bad', 'revoked-key']);
    expect(s.none!.reason).toContain('is not signed; signatures are not required (requireSignature is off)');
  });

  it('accepts untrusted keys only when told to', async () => {
    const s = byStatus(await store.evaluate(gitSignedCommits, now, { acceptUntrustedKeys: true }));
    expect(s['good-untrusted']).toMatchObject({ status: 'pass', reason: expect.stringContaining('which this check accepts (acceptUntrustedKeys)') });
    expect(s.unverifiable!.status).toBe('fail');
  });

  it('judges older commits when the window reaches them', async () => {
    expect(await store.evaluate(gitSignedCommits, now, { windowDays: 1000 })).toHaveLength(9);
  });
});
