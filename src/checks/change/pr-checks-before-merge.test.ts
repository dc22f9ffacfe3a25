import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { prChecksBeforeMerge } from './pr-checks-before-merge.ts';
import { check, pr } from './pr-rows.testing.ts';
import { createCheckStore, type CheckStore } from './test-store.ts';

const now = new Date('2026-03-01T00:00:00Z');
const protection = (repository: string, requiredStatusChecks: string[]) => ({
  repository,
  branch: 'main',
  branchExists: true,
  protected: true,
  classicProtection: true,
  rulesetIds: [],
  requiredApprovingReviews: 1,
  dismissStaleReviews: true,
  requireCodeOwnerReviews: false,
  forcePushesBlocked: true,
  deletionsBlocked: true,
  adminsIncluded: true,
  requiredStatusChecks,
});

describe('change.pr-checks-before-merge', () => {
  let db: TestDb;
  let store: CheckStore;
  beforeAll(async () => {
    db = await createTestDb();
    store = await createCheckStore(db);
    await store.put('branch-protections', protection('acme/api', ['ci', 'lint']));
    await store.put('pull-requests', pr(1, { checks: [check('ci', 'success', '2026-02-10T14:00:00Z'), check('lint', 'neutral', '2026-02-10T14:01:00Z', 'status'), check('docs', 'failure', '2026-02-10T14:02:00Z')] }));
    await store.put('pull-requests', pr(2, { checks: [check('ci', 'failure', '2026-02-10T14:00:00Z'), check('lint', 'success', '2026-02-10T14:01:00Z')] }));
    await store.put('pull-requests', pr(3, { checks: [check('ci', 'success', '2026-02-10T15:20:00Z'), check('lint', null, null)] }));
    await store.put('pull-requests', pr(4, { checks: [check('lint', 'success', '2026-02-10T14:01:00Z')] }));
    // Re-run: the failure was superseded by a success before the merge.
    await store.put('pull-requests', pr(5, { checks: [check('ci', 'failure', '2026-02-10T12:00:00Z'), check('ci', 'success', '2026-02-10T15:00:00Z'), check('lint', 'success', '2026-02-10T14:01:00Z')] }));
    // A repository whose branch requires no check: every reported check must pass.
    await store.put('pull-requests', pr(6, { ref: 'acme/web#6', repository: 'acme/web', checks: [check('build', 'success', '2026-02-10T14:00:00Z'), check('e2e', 'cancelled', '2026-02-10T14:10:00Z')] }));
    await store.put('pull-requests', pr(7, { ref: 'acme/web#7', repository: 'acme/web', checks: [] }));
    await store.put('pull-requests', pr(8, { mergedAt: '2025-01-01T00:00:00Z' }));
  });
  afterAll(() => db.close());

  it('passes when every required check concluded successfully before the merge, and says what went wrong otherwise', async () => {
    const results = await store.evaluate(prChecksBeforeMerge, now);
    expect(results.map((r) => [r.resource.replace('github.pull-requests/', ''), r.status, r.reason])).toEqual([
      ['acme/api#1', 'pass', 'acme/api#1: ci, lint passed by 2026-02-10 14:01 UTC, before the merge at 2026-02-10 15:00 UTC'],
      ['acme/api#2', 'fail', 'acme/api#2 "Change 2" was merged at 2026-02-10 15:00 UTC although ci concluded failure at 2026-02-10 14:00 UTC'],
      ['acme/api#3', 'fail', 'acme/api#3 "Change 3" was merged at 2026-02-10 15:00 UTC although ci passed only after the merge, at 2026-02-10 15:20 UTC; lint was still running'],
      ['acme/api#4', 'fail', 'acme/api#4 "Change 4" was merged at 2026-02-10 15:00 UTC although ci never reported on the head commit'],
      ['acme/api#5', 'pass', 'acme/api#5: ci, lint passed by 2026-02-10 15:00 UTC, before the merge at 2026-02-10 15:00 UTC'],
      ['acme/web#6', 'fail', 'acme/web#6 "Change 6" was merged at 2026-02-10 15:00 UTC although e2e concluded cancelled at 2026-02-10 14:10 UTC'],
      ['acme/web#7', 'fail', 'acme/web#7 was merged at 2026-02-10 15:00 UTC with no check reported on its head commit, and main of acme/web requires none'],
    ]);
  });

  it('names the required checks in the remediation, and the pull request and protection as evidence', async () => {
    const two = (await store.evaluate(prChecksBeforeMerge, now)).find((r) => r.resource === 'github.pull-requests/acme/api#2')!;
    expect(two.status === 'fail' && two.remediation).toBe(
      'Check that https://github.com/acme/api/pull/2 did not break main (re-run ci, lint on it), and make ci, lint required status checks of main in acme/api with administrators included, so a change cannot merge until they pass.',
    );
    expect(two.evidence).toEqual(['ev_github.pull-requests_acme/api#2', 'ev_github.branch-protections_acme/api']);
    expect(two.details).toMatchObject({ required: ['ci', 'lint'], requiredFrom: 'branch protection' });
  });

  it('uses the requiredChecks parameter over the branch settings, and the passing conclusions given', async () => {
    const results = await store.evaluate(prChecksBeforeMerge, now, { requiredChecks: ['ci'], passingConclusions: ['success'] });
    expect(results.find((r) => r.resource === 'github.pull-requests/acme/api#4')?.reason).toContain('ci never reported');
    expect(results.find((r) => r.resource === 'github.pull-requests/acme/web#6')?.reason).toContain('ci never reported');
    expect(results.find((r) => r.resource === 'github.pull-requests/acme/api#3')?.reason).toBe(
      'acme/api#3 "Change 3" was merged at 2026-02-10 15:00 UTC although ci passed only after the merge, at 2026-02-10 15:20 UTC',
    );
  });
});
