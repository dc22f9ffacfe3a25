import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { directPush } from './direct-push.ts';
import { createCheckStore, type CheckStore } from './test-store.ts';

const now = new Date('2026-03-01T00:00:00Z');
const commit = (sha: string, pullRequest: number | null, committedAt = '2026-02-10T15:00:00Z') => ({
  ref: `acme/api@${sha}`,
  repository: 'acme/api',
  branch: 'main',
  sha,
  committedAt,
  author: 'alice',
  committer: pullRequest ? 'web-flow' : 'alice',
  message: pullRequest ? `Change (#${pullRequest})` : 'Bump version',
  pullRequest,
  htmlUrl: `https://github.com/acme/api/commit/${sha}`,
});

describe('change.direct-push', () => {
  let db: TestDb;
  let store: CheckStore;
  beforeAll(async () => {
    db = await createTestDb();
    store = await createCheckStore(db);
    await store.put('default-branch-commits', commit('aaaaaaa1111', 12));
    await store.put('default-branch-commits', commit('bbbbbbb2222', null));
    await store.put('default-branch-commits', commit('ccccccc3333', null, '2025-02-01T00:00:00Z'));
  });
  afterAll(() => db.close());

  it('passes commits that came through a pull request and fails direct pushes in the window', async () => {
    const results = await store.evaluate(directPush, now);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['github.default-branch-commits/acme/api@aaaaaaa1111', 'pass', 'aaaaaaa on main of acme/api came in through pull request #12'],
      ['github.default-branch-commits/acme/api@bbbbbbb2222', 'fail', 'bbbbbbb "Bump version" was pushed directly to main of acme/api by alice at 2026-02-10 15:00 UTC, without a pull request'],
    ]);
    const fail = results[1]!;
    expect(fail.status === 'fail' && fail.remediation).toContain('https://github.com/acme/api/commit/bbbbbbb2222');
    expect(fail.evidence).toEqual(['ev_github.default-branch-commits_acme/api@bbbbbbb2222']);
  });

  it('judges older commits when the window reaches them', async () => {
    const results = await store.evaluate(directPush, now, { windowDays: 400 });
    expect(results.filter((r) => r.status === 'fail')).toHaveLength(2);
  });
});
