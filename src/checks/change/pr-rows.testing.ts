/** Pull-request and commit rows for the change checks' tests, shaped like the GitHub connector's. */
export const pr = (number: number, extra: Record<string, unknown> = {}) => ({
  ref: `acme/api#${number}`,
  repository: 'acme/api',
  number,
  title: `Change ${number}`,
  author: 'bob',
  baseBranch: 'main',
  createdAt: '2026-02-10T09:00:00Z',
  mergedAt: '2026-02-10T15:00:00Z',
  mergedBy: 'bob',
  headSha: `head${number}`,
  mergeCommitSha: `merge${number}`,
  reviews: [],
  checks: [],
  htmlUrl: `https://github.com/acme/api/pull/${number}`,
  ...extra,
});

export const review = (reviewer: string | null, state: string, submittedAt: string | null) => ({ reviewer, state, submittedAt, commitId: 'head' });

export const check = (name: string, conclusion: string | null, completedAt: string | null, kind: 'check-run' | 'status' = 'check-run') => ({ name, kind, conclusion, completedAt });
