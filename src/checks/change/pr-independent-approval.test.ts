import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { prIndependentApproval } from './pr-independent-approval.ts';
import { pr, review } from './pr-rows.testing.ts';
import { createCheckStore, type CheckStore } from './test-store.ts';

const now = new Date('2026-03-01T00:00:00Z');

describe('change.pr-independent-approval', () => {
  let db: TestDb;
  let store: CheckStore;
  beforeAll(async () => {
    db = await createTestDb();
    store = await createCheckStore(db);
    await store.put('pull-requests', pr(1, { reviews: [review('carol', 'COMMENTED', '2026-02-10T10:00:00Z'), review('alice', 'APPROVED', '2026-02-10T14:00:00Z')] }));
    await store.put('pull-requests', pr(2, { mergedBy: 'alice' }));
    await store.put('pull-requests', pr(3, { reviews: [review('carol', 'COMMENTED', '2026-02-10T10:00:00Z'), review('dave', 'CHANGES_REQUESTED', '2026-02-10T11:00:00Z')] }));
    await store.put('pull-requests', pr(4, { reviews: [review('alice', 'APPROVED', '2026-02-10T16:30:00Z')] }));
    await store.put('pull-requests', pr(5, { reviews: [review('BOB', 'APPROVED', '2026-02-10T14:00:00Z')] }));
    await store.put('pull-requests', pr(6, { reviews: [review('alice', 'DISMISSED', '2026-02-10T12:00:00Z')] }));
    // Approved in the very second of the merge: before the merge is inclusive.
    await store.put('pull-requests', pr(7, { reviews: [review('alice', 'APPROVED', '2026-02-10T15:00:00.000Z')] }));
    // Merged before the 365-day window: not in the population.
    await store.put('pull-requests', pr(8, { mergedAt: '2025-02-28T23:59:59Z' }));
    await store.put('pull-requests', pr(9, { mergedAt: '2025-03-01T00:00:00Z', reviews: [review('alice', 'APPROVED', '2025-02-28T23:00:00Z')] }));
  });
  afterAll(() => db.close());

  it('passes a change approved by someone else before the merge, and fails each way it can go wrong', async () => {
    const results = await store.evaluate(prIndependentApproval, now);
    expect(results.map((r) => [r.resource.replace('github.pull-requests/acme/api', ''), r.status, r.reason])).toEqual([
      ['#1', 'pass', 'acme/api#1 by bob was approved by alice at 2026-02-10 14:00 UTC, before the merge at 2026-02-10 15:00 UTC'],
      ['#2', 'fail', 'acme/api#2 "Change 2" by bob was merged by alice at 2026-02-10 15:00 UTC without any review'],
      ['#3', 'fail', 'acme/api#3 "Change 3" by bob was merged by bob at 2026-02-10 15:00 UTC; reviewed by carol (commented), dave (changes requested) but never approved'],
      ['#4', 'fail', 'acme/api#4 "Change 4" by bob was merged by bob at 2026-02-10 15:00 UTC; the only approval, by alice, came afterwards at 2026-02-10 16:30 UTC'],
      ['#5', 'fail', 'acme/api#5 "Change 5" by bob was merged by bob at 2026-02-10 15:00 UTC; the only approval came from its author bob'],
      ['#6', 'fail', 'acme/api#6 "Change 6" by bob was merged by bob at 2026-02-10 15:00 UTC; its approval was dismissed and none was given again'],
      ['#7', 'pass', 'acme/api#7 by bob was approved by alice at 2026-02-10 15:00 UTC, before the merge at 2026-02-10 15:00 UTC'],
      ['#9', 'pass', 'acme/api#9 by bob was approved by alice at 2025-02-28 23:00 UTC, before the merge at 2025-03-01 00:00 UTC'],
    ]);
  });

  it('gives each failure a remediation and the pull request as evidence, and records who approved', async () => {
    const results = await store.evaluate(prIndependentApproval, now);
    const two = results.find((r) => r.resource === 'github.pull-requests/acme/api#2')!;
    expect(two.status === 'fail' && two.remediation).toBe(
      'Have someone other than bob review https://github.com/acme/api/pull/2 now and record the retrospective approval; then require at least one approving review on main of acme/api so no change merges unreviewed.',
    );
    expect(two.evidence).toEqual(['ev_github.pull-requests_acme/api#2']);
    expect(results.find((r) => r.resource === 'github.pull-requests/acme/api#1')?.details).toMatchObject({ author: 'bob', approvers: ['alice'], mergedBy: 'bob' });
  });

  it('uses the window parameter for the population', async () => {
    const results = await store.evaluate(prIndependentApproval, now, { windowDays: 30 });
    expect(results.map((r) => r.resource)).not.toContain('github.pull-requests/acme/api#9');
    expect(results).toHaveLength(7);
  });
});
