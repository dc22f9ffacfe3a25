/**
 * Pull requests merged into each repository's default branch within the lookback window, with
 * what an auditor asks of each change: its author, who merged it and when, every review with its
 * time, and the check runs and commit statuses of its head commit with their times — so the
 * checks can tell whether an independent approval and green CI came *before* the merge.
 */
import { z } from 'zod';
import { defineResource } from '../../sdk/index.ts';
import { githubGet, githubPages, orgRepos, repoPath, windowStart, type ApiRepo, type ApiUser, type Ctx } from '../api.ts';

const reviewSchema = z.object({
  reviewer: z.string().nullable().describe('Login of the reviewer; null when the account was deleted.'),
  state: z.string().describe('APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED (an approval later dismissed).'),
  submittedAt: z.iso.datetime().nullable().describe('When the review was submitted (UTC).'),
  commitId: z.string().nullable().describe('The head commit the review was given on.'),
});

const checkSchema = z.object({
  name: z.string().describe('Check run name or commit status context, as branch protection names required checks.'),
  kind: z.enum(['check-run', 'status']).describe('A check run (GitHub Actions and apps) or a commit status (older CI integrations).'),
  conclusion: z
    .string()
    .nullable()
    .describe('success, failure, neutral, cancelled, skipped, timed_out, action_required (check runs) or success, failure, error, pending (statuses); null while still running.'),
  completedAt: z.iso.datetime().nullable().describe('When it concluded (UTC); null while still running.'),
});

export const pullRequestSchema = z.object({
  ref: z.string().describe('owner/repo#number, e.g. octo-org/api#42: the key.'),
  repository: z.string().describe('owner/name of the repository.'),
  number: z.number().int().describe('Pull request number.'),
  title: z.string().describe('Title of the pull request.'),
  author: z.string().nullable().describe('Login of the author; null when the account was deleted.'),
  baseBranch: z.string().describe('The branch it was merged into (the default branch).'),
  createdAt: z.iso.datetime().describe('When it was opened (UTC).'),
  mergedAt: z.iso.datetime().describe('When it was merged (UTC).'),
  mergedBy: z.string().nullable().describe('Login of who merged it; null when the account was deleted.'),
  headSha: z.string().describe('The head commit at merge: what was reviewed and tested.'),
  mergeCommitSha: z.string().nullable().describe('The commit the merge created on the base branch (merge, squash or last rebased commit).'),
  reviews: z.array(reviewSchema).describe('Every review, oldest first.'),
  checks: z.array(checkSchema).describe('Check runs and commit statuses reported on the head commit.'),
  htmlUrl: z.string().describe('Web address of the pull request.'),
});

export type PullRequestRow = z.output<typeof pullRequestSchema>;

export interface ApiPullSummary {
  number: number;
  title: string;
  user: ApiUser | null;
  created_at: string;
  updated_at: string;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { sha: string };
  base: { ref: string };
  html_url: string;
}

interface ApiPull extends ApiPullSummary {
  merged_by: ApiUser | null;
}

interface ApiReview {
  user: ApiUser | null;
  state: string;
  submitted_at?: string | null;
  commit_id: string | null;
}

interface ApiCheckRun {
  name: string;
  status: string;
  conclusion: string | null;
  completed_at: string | null;
}

interface ApiStatus {
  context: string;
  state: string;
  updated_at: string;
}

/**
 * Closed pull requests into the default branch that were merged in the window, newest update
 * first. A merge is never later than the last update, so the listing stops at the first page
 * that ends before the window.
 */
export async function* mergedPulls(ctx: Ctx, repo: ApiRepo, since: Date): AsyncGenerator<ApiPullSummary[]> {
  const pages = githubPages<ApiPullSummary>(ctx, repoPath(repo.full_name, '/pulls'), {
    state: 'closed',
    base: repo.default_branch,
    sort: 'updated',
    direction: 'desc',
  });
  for await (const page of pages) {
    yield page.items.filter((p) => p.merged_at !== null && new Date(p.merged_at) >= since);
    const last = page.items.at(-1);
    if (!last || new Date(last.updated_at) < since) return;
  }
}

async function details(ctx: Ctx, repo: ApiRepo, summary: ApiPullSummary): Promise<PullRequestRow> {
  const path = (rest: string) => repoPath(repo.full_name, rest);
  const pull = await githubGet<ApiPull>(ctx, path(`/pulls/${summary.number}`));
  const reviews: ApiReview[] = [];
  for await (const page of githubPages<ApiReview>(ctx, path(`/pulls/${summary.number}/reviews`))) reviews.push(...page.items);
  const runs: ApiCheckRun[] = [];
  const sha = encodeURIComponent(pull.head.sha);
  for await (const page of githubPages<ApiCheckRun>(ctx, path(`/commits/${sha}/check-runs`), {}, (b) => (b as { check_runs: ApiCheckRun[] }).check_runs)) runs.push(...page.items);
  const statuses: ApiStatus[] = [];
  for await (const page of githubPages<ApiStatus>(ctx, path(`/commits/${sha}/status`), {}, (b) => (b as { statuses: ApiStatus[] }).statuses)) statuses.push(...page.items);
  return {
    ref: `${repo.full_name}#${pull.number}`,
    repository: repo.full_name,
    number: pull.number,
    title: pull.title,
    author: pull.user?.login ?? null,
    baseBranch: pull.base.ref,
    createdAt: pull.created_at,
    mergedAt: pull.merged_at ?? summary.merged_at!,
    mergedBy: pull.merged_by?.login ?? null,
    headSha: pull.head.sha,
    mergeCommitSha: pull.merge_commit_sha,
    // The REST API spells states in capitals, webhooks in lower case: keep one spelling.
    reviews: reviews
      .map((r) => ({ reviewer: r.user?.login ?? null, state: r.state.toUpperCase(), submittedAt: r.submitted_at ?? null, commitId: r.commit_id }))
      .filter((r) => r.state !== 'PENDING'),
    checks: [
      ...runs.map((c) => ({ name: c.name, kind: 'check-run' as const, conclusion: c.status === 'completed' ? c.conclusion : null, completedAt: c.completed_at })),
      ...statuses.map((s) => ({ name: s.context, kind: 'status' as const, conclusion: s.state === 'pending' ? null : s.state, completedAt: s.state === 'pending' ? null : s.updated_at })),
    ],
    htmlUrl: pull.html_url,
  };
}

export const pullRequests = defineResource({
  name: 'pull-requests',
  description: "Pull requests merged into each repository's default branch within the lookback window, with reviews and the checks of the head commit.",
  schema: pullRequestSchema,
  primaryKey: 'ref',
  async *list(ctx: Ctx) {
    const since = windowStart(ctx);
    for await (const repos of orgRepos(ctx)) {
      for (const repo of repos) {
        for await (const merged of mergedPulls(ctx, repo, since)) {
          const rows: PullRequestRow[] = [];
          for (const summary of merged) rows.push(await details(ctx, repo, summary));
          yield rows;
        }
      }
    }
  },
});
