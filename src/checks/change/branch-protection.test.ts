import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { branchProtection } from './branch-protection.ts';
import { createCheckStore, type CheckStore } from './test-store.ts';

const now = new Date('2026-03-01T00:00:00Z');

const repo = (name: string, extra: Record<string, unknown> = {}) => ({
  fullName: `acme/${name}`,
  name,
  id: name.length,
  private: true,
  visibility: 'private',
  archived: false,
  fork: false,
  defaultBranch: 'main',
  createdAt: '2024-01-01T00:00:00Z',
  pushedAt: '2026-02-01T00:00:00Z',
  htmlUrl: `https://github.com/acme/${name}`,
  ...extra,
});

const full = {
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
  requiredStatusChecks: ['ci'],
};
const protection = (name: string, extra: Record<string, unknown> = {}) => ({ repository: `acme/${name}`, ...full, ...extra });

describe('change.branch-protection', () => {
  let db: TestDb;
  let store: CheckStore;
  beforeAll(async () => {
    db = await createTestDb();
    store = await createCheckStore(db);
    await store.put('repositories', repo('api'));
    await store.put('branch-protections', protection('api'));
    await store.put('repositories', repo('web'));
    await store.put('branch-protections', protection('web', { requiredApprovingReviews: 0, dismissStaleReviews: false, forcePushesBlocked: false, adminsIncluded: false }));
    await store.put('repositories', repo('scripts'));
    await store.put('branch-protections', protection('scripts', { ...full, protected: false, classicProtection: false, requiredApprovingReviews: 0, dismissStaleReviews: false, forcePushesBlocked: false, deletionsBlocked: false, adminsIncluded: false, requiredStatusChecks: [] }));
    await store.put('repositories', repo('old', { archived: true }));
    await store.put('repositories', repo('empty'));
    await store.put('branch-protections', protection('empty', { branchExists: false, protected: false }));
    await store.put('repositories', repo('sandbox'));
    await store.put('branch-protections', protection('sandbox', { protected: false }));
  });
  afterAll(() => db.close());

  it('judges every repository once, naming exactly what each default branch lacks', async () => {
    const results = await store.evaluate(branchProtection, now, { exclude: ['acme/sandbox'] });
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['github.repositories/acme/api', 'pass', 'main of acme/api requires 1 approving review(s), dismisses stale approvals, blocks force pushes and binds administrators'],
      ['github.repositories/acme/empty', 'not_applicable', 'acme/empty has no commits on main yet; protect it before the first change lands'],
      ['github.repositories/acme/old', 'not_applicable', 'acme/old is archived: nobody can push to it'],
      ['github.repositories/acme/scripts', 'fail', 'main of acme/scripts is not protected: anyone with write access can push to it directly, force-push over its history or delete it'],
      [
        'github.repositories/acme/web',
        'fail',
        'main of acme/web is protected, but no approving review is required; approvals stay valid after new commits are pushed; force pushes are allowed; administrators can bypass the rules',
      ],
    ]);
  });

  it('gives every failure a remediation naming the settings to change, and names both rows as evidence', async () => {
    const web = (await store.evaluate(branchProtection, now)).find((r) => r.resource === 'github.repositories/acme/web')!;
    expect(web.status === 'fail' && web.remediation).toBe(
      'In acme/web → Settings → Rules (or Branches), edit the protection of main: require a pull request with at least 1 approval(s); dismiss stale pull request approvals when new commits are pushed; block force pushes; do not allow bypassing the rules (include administrators; no bypass actors on rulesets).',
    );
    expect(web.evidence).toEqual(['ev_github.repositories_acme/web', 'ev_github.branch-protections_acme/web']);
  });

  it('fails a branch requiring fewer approvals than the baseline, and only for what the parameters ask', async () => {
    const results = await store.evaluate(branchProtection, now, { minApprovals: 2, requireAdmins: false, requireDismissStale: false, requireNoForcePush: false });
    expect(results.find((r) => r.resource === 'github.repositories/acme/api')?.reason).toBe('main of acme/api is protected, but only 1 approving review(s) required, 2 needed');
    expect(results.find((r) => r.resource === 'github.repositories/acme/web')?.reason).toBe('main of acme/web is protected, but no approving review is required');
  });

  it('judges nothing it has no protection row for (the source records why, and the engine marks the check stale)', async () => {
    const other = await createCheckStore(db);
    await other.put('repositories', repo('unread'));
    expect(await other.evaluate(branchProtection, now)).toEqual([]);
  });
});
