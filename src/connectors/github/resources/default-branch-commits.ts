/**
 * The commits that landed on each default branch within the lookback window, each with the merged
 * pull request that brought it in — or none, which means someone pushed it directly.
 *
 * Only the first-parent line is judged: with merge commits, the commits of a pull request's
 * branch hang off the merge commit as second parents and were reviewed as that pull request.
 * A commit is matched to a pull request by the merge commit sha GitHub recorded for it (merge and
 * squash merges, and the last commit of a rebase merge); the few left (the other commits of a
 * rebase merge, and direct pushes) are looked up with "list pull requests associated with a commit".
 */
import { z } from 'zod';
import { defineResource } from '../../sdk/index.ts';
import { githubPages, orgRepos, providerAnswer, repoPath, windowStart, type ApiRepo, type ApiUser, type Ctx } from '../api.ts';
import { mergedPulls } from './pull-requests.ts';

export const commitSchema = z.object({
  ref: z.string().describe('owner/repo@sha: the key.'),
  repository: z.string().describe('owner/name of the repository.'),
  branch: z.string().describe('The default branch the commit is on.'),
  sha: z.string().describe('Commit sha.'),
  committedAt: z.iso.datetime().describe('Committer date (UTC): when it was committed to the branch, as git records it.'),
  author: z.string().nullable().describe('GitHub login of the author; null when the email is not linked to an account.'),
  committer: z.string().nullable().describe('GitHub login of the committer (web-flow for merges made on github.com); null when not linked.'),
  message: z.string().describe('First line of the commit message.'),
  pullRequest: z.number().int().nullable().describe('Number of the merged pull request that brought the commit in; null for a direct push.'),
  htmlUrl: z.string().describe('Web address of the commit.'),
});

export type CommitRow = z.output<typeof commitSchema>;

interface ApiCommit {
  sha: string;
  html_url: string;
  author: ApiUser | null;
  committer: ApiUser | null;
  parents: { sha: string }[];
  commit: { message: string; committer: { date: string } | null; author: { date: string } | null };
}

interface ApiAssociatedPull {
  number: number;
  merged_at: string | null;
  base: { ref: string };
}

async function commitsOf(ctx: Ctx, repo: ApiRepo, since: Date): Promise<ApiCommit[]> {
  const commits: ApiCommit[] = [];
  try {
    const query = { sha: repo.default_branch, since: since.toISOString() };
    for await (const page of githubPages<ApiCommit>(ctx, repoPath(repo.full_name, '/commits'), query)) commits.push(...page.items);
  } catch (e) {
    // 409 "Git Repository is empty.": nothing has landed on the branch.
    if (providerAnswer(e)?.status === 409) return [];
    throw e;
  }
  return commits;
}

/** The commits reached from the branch head by first parents, within what was listed. */
function firstParentLine(commits: ApiCommit[]): ApiCommit[] {
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  const line: ApiCommit[] = [];
  for (let c = commits[0]; c && line.length < commits.length; c = c.parents[0] ? bySha.get(c.parents[0].sha) : undefined) line.push(c);
  return line;
}

async function associatedPull(ctx: Ctx, repo: ApiRepo, sha: string): Promise<number | null> {
  for await (const page of githubPages<ApiAssociatedPull>(ctx, repoPath(repo.full_name, `/commits/${encodeURIComponent(sha)}/pulls`))) {
    const merged = page.items.find((p) => p.merged_at !== null && p.base.ref === repo.default_branch);
    if (merged) return merged.number;
  }
  return null;
}

export const defaultBranchCommits = defineResource({
  name: 'default-branch-commits',
  description: "Commits on each repository's default branch (first-parent line) within the lookback window, with the pull request that brought each in.",
  schema: commitSchema,
  primaryKey: 'ref',
  async *list(ctx: Ctx) {
    const since = windowStart(ctx);
    for await (const repos of orgRepos(ctx)) {
      for (const repo of repos) {
        const bySha = new Map<string, number>();
        for await (const merged of mergedPulls(ctx, repo, since)) for (const p of merged) if (p.merge_commit_sha) bySha.set(p.merge_commit_sha, p.number);
        const rows: CommitRow[] = [];
        for (const c of firstParentLine(await commitsOf(ctx, repo, since))) {
          const number = bySha.get(c.sha) ?? (await associatedPull(ctx, repo, c.sha));
          rows.push({
            ref: `${repo.full_name}@${c.sha}`,
            repository: repo.full_name,
            branch: repo.default_branch,
            sha: c.sha,
            committedAt: c.commit.committer?.date ?? c.commit.author!.date,
            author: c.author?.login ?? null,
            committer: c.committer?.login ?? null,
            message: c.commit.message.split('\n')[0] ?? '',
            pullRequest: number,
            htmlUrl: c.html_url,
          });
        }
        yield rows;
      }
    }
  },
});
