import { describe, expect, it } from 'vitest';
import { bend, failure, run } from '../__fixtures__/harness.ts';
import { routes } from '../__fixtures__/routes.ts';

const protectionRoutes = routes.filter((r) => /\/repos$|\/protection$|\/rules\/|\/rulesets\//.test(r.path));

describe('github branch protections', () => {
  it('combines classic protection and rulesets per default branch, and reads 404 "Branch not protected" as unprotected', async () => {
    const { rows, outcome, gaps, requests } = await run('branch-protections', { routes: protectionRoutes });
    expect(outcome.status).toBe('complete');
    expect(gaps).toEqual([]);
    expect(rows).toEqual([
      {
        repository: 'octokit-fixture-org/api',
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
        requiredStatusChecks: ['foo/bar'],
      },
      {
        repository: 'octokit-fixture-org/web',
        branch: 'main',
        branchExists: true,
        protected: true,
        classicProtection: false,
        rulesetIds: [42],
        requiredApprovingReviews: 2,
        dismissStaleReviews: true,
        requireCodeOwnerReviews: true,
        forcePushesBlocked: true,
        deletionsBlocked: true,
        adminsIncluded: true,
        requiredStatusChecks: ['build'],
      },
      {
        repository: 'octokit-fixture-org/legacy-tools',
        branch: 'main',
        branchExists: true,
        protected: false,
        classicProtection: false,
        rulesetIds: [],
        requiredApprovingReviews: 0,
        dismissStaleReviews: false,
        requireCodeOwnerReviews: false,
        forcePushesBlocked: false,
        deletionsBlocked: false,
        adminsIncluded: false,
        requiredStatusChecks: [],
      },
    ]);
    // The archived repository is not asked about: nobody can push to it.
    expect(requests.some((r) => r.path.includes('old-site'))).toBe(false);
  });

  it('does not count a ruleset as binding admins when it names a bypass actor', async () => {
    const bypass = bend('web ruleset 42', { body: { id: 42, name: 'protect main', enforcement: 'active', bypass_actors: [{ actor_id: 5, actor_type: 'RepositoryRole', bypass_mode: 'always' }] } }, protectionRoutes);
    const { rows } = await run('branch-protections', { routes: bypass });
    expect(rows.find((r) => r.repository === 'octokit-fixture-org/web')).toMatchObject({ protected: true, adminsIncluded: false });
  });

  it('does not count a ruleset as binding admins when GitHub hides its bypass list', async () => {
    const hidden = bend('web ruleset 42', { body: { id: 42, name: 'protect main', enforcement: 'active' } }, protectionRoutes);
    const { rows } = await run('branch-protections', { routes: hidden });
    expect(rows.find((r) => r.repository === 'octokit-fixture-org/web')?.adminsIncluded).toBe(false);
  });

  it('marks an empty repository whose branch does not exist yet instead of failing', async () => {
    const empty = bend('legacy-tools protection', { status: 404, body: { message: 'Branch not found', documentation_url: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection' } }, protectionRoutes).filter(
      (r) => r.name !== 'legacy-tools rules',
    );
    const { rows } = await run('branch-protections', { routes: empty });
    expect(rows.find((r) => r.repository === 'octokit-fixture-org/legacy-tools')).toMatchObject({ branchExists: false, protected: false });
  });

  it('records one repository it may not read as a missing permission and keeps the others', async () => {
    const denied = bend('api protection', { status: 403, body: { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest' } }, protectionRoutes).filter(
      (r) => r.name !== 'api rules',
    );
    const { rows, gaps } = await run('branch-protections', { routes: denied });
    expect(rows.map((r) => r.repository)).toEqual(['octokit-fixture-org/web', 'octokit-fixture-org/legacy-tools']);
    expect(gaps).toEqual([
      expect.objectContaining({ kind: 'permission_missing', what: 'branch-protections', message: 'octokit-fixture-org/api: Resource not accessible by personal access token' }),
    ]);
  });

  it('treats a GitHub Enterprise Server without rulesets (404 on the rules endpoint) as having none', async () => {
    const old = bend('web rules page 1', { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/enterprise-server@3.8/rest' } }, protectionRoutes).filter(
      (r) => !['web rules page 2', 'web ruleset 42'].includes(r.name ?? ''),
    );
    const { rows } = await run('branch-protections', { routes: old });
    expect(rows.find((r) => r.repository === 'octokit-fixture-org/web')).toMatchObject({ protected: false, rulesetIds: [] });
  });

  it('fails on a 404 that is not about protection (the repository vanished mid-run)', async () => {
    const gone = bend('api protection', { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } }, protectionRoutes);
    const error = await failure('branch-protections', { routes: gone });
    expect(error._tag).toBe('NotFound');
    expect(error.message).toContain('/repos/octokit-fixture-org/api/branches/main/protection');
  });
});
