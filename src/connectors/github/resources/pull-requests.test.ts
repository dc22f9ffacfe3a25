import { describe, expect, it } from 'vitest';
import { bend, failure, run } from '../__fixtures__/harness.ts';
import { routes, SHA } from '../__fixtures__/routes.ts';

const prRoutes = routes.filter((r) => /\/repos$|\/pulls|\/check-runs$|\/status$/.test(r.path));

describe('github pull requests', () => {
  it('collects merged pull requests with every review page, check runs and statuses of the head commit', async () => {
    const { rows, outcome } = await run('pull-requests', { routes: prRoutes });
    expect(outcome.status).toBe('complete');
    expect(rows.map((r) => r.ref)).toEqual(['octokit-fixture-org/api#42', 'octokit-fixture-org/api#40', 'octokit-fixture-org/web#7']);
    expect(rows[0]).toEqual({
      ref: 'octokit-fixture-org/api#42',
      repository: 'octokit-fixture-org/api',
      number: 42,
      title: 'Add rate limiter to the public API',
      author: 'bob-dev',
      baseBranch: 'main',
      createdAt: '2025-11-03T09:12:00Z',
      mergedAt: '2025-11-03T15:30:00Z',
      mergedBy: 'bob-dev',
      headSha: SHA.pr42head,
      mergeCommitSha: 'b4d3c2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5',
      reviews: [
        { reviewer: 'carol-dev', state: 'COMMENTED', submittedAt: '2025-11-03T11:00:00Z', commitId: SHA.pr42head },
        { reviewer: 'bob-dev', state: 'COMMENTED', submittedAt: '2025-11-03T12:00:00Z', commitId: SHA.pr42head },
        { reviewer: 'alice-owner', state: 'APPROVED', submittedAt: '2025-11-03T14:55:00Z', commitId: SHA.pr42head },
      ],
      checks: [
        { name: 'test', kind: 'check-run', conclusion: 'success', completedAt: '2025-11-03T14:09:00Z' },
        { name: 'lint', kind: 'check-run', conclusion: 'neutral', completedAt: '2025-11-03T14:02:00Z' },
        { name: 'foo/bar', kind: 'status', conclusion: 'success', completedAt: '2025-11-03T14:20:00Z' },
      ],
      htmlUrl: 'https://github.com/octokit-fixture-org/api/pull/42',
    });
  });

  it('records running checks and pending statuses without a conclusion', async () => {
    const { rows } = await run('pull-requests', { routes: prRoutes });
    expect(rows.find((r) => r.number === 40)?.checks).toContainEqual({ name: 'foo/bar', kind: 'status', conclusion: null, completedAt: null });
    expect(rows.find((r) => r.number === 7)?.checks).toEqual([
      { name: 'build', kind: 'check-run', conclusion: 'failure', completedAt: '2025-12-01T15:06:00Z' },
      { name: 'e2e', kind: 'check-run', conclusion: null, completedAt: null },
    ]);
  });

  it('asks only about pull requests into the default branch, and skips closed-unmerged and out-of-window ones', async () => {
    const { requests } = await run('pull-requests', { routes: prRoutes });
    const details = requests.filter((r) => /\/pulls\/\d+$/.test(r.path)).map((r) => r.path);
    expect(details).toEqual(['/repos/octokit-fixture-org/api/pulls/42', '/repos/octokit-fixture-org/api/pulls/40', '/repos/octokit-fixture-org/web/pulls/7']);
    expect(requests.find((r) => r.path === '/repos/octokit-fixture-org/api/pulls')?.query).toEqual({
      state: 'closed',
      base: 'main',
      sort: 'updated',
      direction: 'desc',
      per_page: '100',
    });
  });

  it('stops paging once a page ends before the lookback window', async () => {
    // 40 days back from 2026-01-01 is 2025-11-22: page 1 of api ends with #41, last updated 2025-10-22.
    const { rows, requests } = await run('pull-requests', { routes: prRoutes, config: { lookbackDays: 40 } });
    expect(rows.map((r) => r.ref)).toEqual(['octokit-fixture-org/web#7']);
    expect(requests.some((r) => r.query.page === '2' && r.path.endsWith('/api/pulls'))).toBe(false);
  });

  it('reports a check-runs answer without its list as a ProviderError naming the path', async () => {
    const broken = bend('api#42 check runs page 1', { body: { total_count: 1 } }, prRoutes);
    const error = await failure('pull-requests', { routes: broken });
    expect(error._tag).toBe('ProviderError');
    expect(error.message).toContain(`/repos/octokit-fixture-org/api/commits/${SHA.pr42head}/check-runs`);
  });

  it('waits out a secondary rate limit (403 with retry-after) and carries on', async () => {
    const limited = bend('api#42', [
      { status: 403, headers: { 'retry-after': '60' }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest' } },
      { fixture: 'pull.api.42.json' },
    ], prRoutes);
    const { rows, sleeps } = await run('pull-requests', { routes: limited });
    expect(rows).toHaveLength(3);
    expect(sleeps).toContain(60_000);
  });

  it('waits until x-ratelimit-reset when the primary rate limit is used up', async () => {
    const reset = Math.floor(Date.parse('2026-01-01T00:00:30Z') / 1000);
    const limited = bend('api#40', [
      { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded for user ID 1001.', documentation_url: 'https://docs.github.com/rest' } },
      { fixture: 'pull.api.40.json' },
    ], prRoutes);
    const { rows, sleeps } = await run('pull-requests', { routes: limited });
    expect(rows).toHaveLength(3);
    expect(sleeps).toContain(30_000);
  });

  it('gives up with RateLimited when GitHub asks to wait longer than the client will', async () => {
    const limited = bend('api#40', { status: 429, headers: { 'retry-after': '3600' }, body: { message: 'API rate limit exceeded', documentation_url: 'https://docs.github.com/rest' } }, prRoutes);
    const error = await failure('pull-requests', { routes: limited });
    expect(error._tag).toBe('RateLimited');
  });

  it('fails with AuthFailed when the token is revoked mid-collection', async () => {
    const revoked = bend('web#7', { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } }, prRoutes);
    const error = await failure('pull-requests', { routes: revoked });
    expect(error._tag).toBe('AuthFailed');
    expect(error.message).toContain('Bad credentials');
  });
});
