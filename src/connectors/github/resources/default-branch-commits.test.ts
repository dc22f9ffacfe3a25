import { describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/harness.ts';
import { routes, SHA } from '../__fixtures__/routes.ts';

const commitRoutes = routes.filter((r) => /\/repos$|\/pulls$|\/commits$|\/commits\/[0-9a-f]+\/pulls$/.test(r.path));

describe('github default-branch commits', () => {
  it('walks the first-parent line and names the pull request behind each commit, or none for a direct push', async () => {
    const { rows, outcome } = await run('default-branch-commits', { routes: commitRoutes });
    expect(outcome.status).toBe('complete');
    expect(rows.map((r) => [r.ref, r.pullRequest])).toEqual([
      ['octokit-fixture-org/api@b4d3c2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5', 42],
      [`octokit-fixture-org/api@${SHA.direct}`, null],
      ['octokit-fixture-org/api@e7a6f5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8', 40],
      ['octokit-fixture-org/web@2beac9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2', 7],
    ]);
    expect(rows[1]).toEqual({
      ref: `octokit-fixture-org/api@${SHA.direct}`,
      repository: 'octokit-fixture-org/api',
      branch: 'main',
      sha: SHA.direct,
      committedAt: '2025-10-15T22:03:00Z',
      author: 'alice-owner',
      committer: 'alice-owner',
      message: 'Bump version to 2.4.1',
      pullRequest: null,
      htmlUrl: `https://github.com/octokit-fixture-org/api/commit/${SHA.direct}`,
    });
  });

  it('leaves out the branch commits of a merge-commit pull request (they hang off the merge as second parents)', async () => {
    const { rows } = await run('default-branch-commits', { routes: commitRoutes });
    expect(rows.some((r) => r.sha === SHA.pr40head)).toBe(false);
  });

  it('asks for commits since the lookback window, and looks up pull requests only for commits no merge explains', async () => {
    const { requests } = await run('default-branch-commits', { routes: commitRoutes });
    expect(requests.find((r) => r.path === '/repos/octokit-fixture-org/api/commits')?.query).toEqual({ sha: 'main', since: '2025-01-01T00:00:00.000Z', per_page: '100' });
    expect(requests.filter((r) => r.path.endsWith('/pulls') && r.path.includes('/commits/')).map((r) => r.path)).toEqual([
      `/repos/octokit-fixture-org/api/commits/${SHA.direct}/pulls`,
    ]);
  });

  it('finds the pull request of a rebase-merged commit through GitHub, so it is not taken for a direct push', async () => {
    const rebased = commitRoutes.map((r) =>
      r.name === 'api direct push: associated pulls'
        ? { ...r, reply: { body: [{ number: 43, merged_at: '2025-10-15T22:05:00Z', base: { ref: 'main' }, state: 'closed' }] } }
        : r,
    );
    const { rows } = await run('default-branch-commits', { routes: rebased });
    expect(rows.find((r) => r.sha === SHA.direct)?.pullRequest).toBe(43);
  });
});
