/**
 * Commits on each repository's default branch — its first-parent line, i.e. what landed on the
 * branch in order (a merge counts once; the commits it brought in are summarised on it) — with
 * author, committer, signature and review trailers: the population of git-based change checks.
 */
import { z } from 'zod';
import { DAY_MS } from '../../../lib/clock.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { GitConfig, GitRepository } from '../config.ts';
import { checkRepository, resolveBranch, signatureArgs, streamRecords } from '../git.ts';
import { logFormat, parseLogRecord, signatureStatuses, trailerKeys, type LogRecord, type Person } from '../log-format.ts';

const personSchema = z.object({
  name: z.string().describe('Name as written in the commit.'),
  email: z.string().nullable().describe('Email address, lower-cased; null when none was written.'),
});

export const commitSchema = z.object({
  repository: z.string().describe('The repository name from the source config.'),
  branch: z.string().describe('The default branch the commit is on (first-parent line).'),
  sha: z.string().describe('Full commit hash.'),
  parents: z.array(z.string()).describe('Parent hashes; the first is the previous commit on the branch.'),
  isMerge: z.boolean().describe('Whether the commit has more than one parent (a merge).'),
  authorName: z.string().describe('Author name (who wrote the change).'),
  authorEmail: z.string().describe('Author email, lower-cased.'),
  authoredAt: z.iso.datetime().describe('Author date (UTC).'),
  committerName: z.string().describe('Committer name (who put the commit on the branch, e.g. who merged or rebased it).'),
  committerEmail: z.string().describe('Committer email, lower-cased.'),
  committedAt: z.iso.datetime().describe('Committer date (UTC): when the commit was made on the branch.'),
  subject: z.string().describe('First line of the commit message.'),
  signature: z
    .enum(Object.values(signatureStatuses) as [string, ...string[]])
    .describe('Signature as git verified it on the collecting machine (`%G?`): good, good-untrusted (key not trusted in the keyring), expired-signature, expired-key, revoked-key, bad, unverifiable (key unknown), none.'),
  signer: z.string().nullable().describe('Signer as the signature names it (`%GS`): the key\'s user id, or the principal from the SSH allowed-signers file.'),
  signingKey: z.string().nullable().describe('Key that made the signature (`%GK`): GPG key id or SSH key fingerprint.'),
  trailers: z
    .array(
      personSchema.extend({
        key: z.enum(trailerKeys).describe('Trailer, in canonical spelling (git matches it ignoring case).'),
        value: z.string().describe('The trailer value as written, e.g. `Ada Lopez <ada@example.com>`.'),
      }),
    )
    .describe(`The commit's ${trailerKeys.join(', ')} trailers, in order.`),
  mergedCommits: z.number().int().describe('For a merge: how many non-merge commits it brought onto the branch (counted up to 1000); 0 otherwise.'),
  mergedAuthors: z.array(personSchema).describe('For a merge: the distinct authors of the commits it brought in (up to 100); empty otherwise.'),
});

export type CommitRow = z.output<typeof commitSchema>;

const PAGE = 200;
const MAX_MERGED = 1000;
const MAX_MERGED_AUTHORS = 100;

/** The non-merge commits a merge brought in (reachable from it but not from its first parent). */
async function mergedBy(ctx: RunContext<GitConfig>, repo: GitRepository, c: LogRecord): Promise<{ count: number; authors: Person[] }> {
  const authors = new Map<string, Person>();
  let count = 0;
  const args = ['log', '-z', '--no-merges', `--max-count=${MAX_MERGED}`, '--format=%an%x1f%ae', c.sha, `^${c.parents[0]}`];
  for await (const record of streamRecords(ctx, repo, args, `listing the commits merged by ${c.sha}`)) {
    count++;
    const [name = '', email = ''] = record.replace(/^\n/, '').split('\x1f');
    const key = email.toLowerCase() || name;
    if (!authors.has(key) && authors.size < MAX_MERGED_AUTHORS) authors.set(key, { name, email: email.toLowerCase() || null });
  }
  return { count, authors: [...authors.values()] };
}

async function toRow(ctx: RunContext<GitConfig>, repo: GitRepository, branch: string, c: LogRecord): Promise<CommitRow> {
  const merged = c.parents.length > 1 ? await mergedBy(ctx, repo, c) : { count: 0, authors: [] };
  return { repository: repo.name, branch, ...c, isMerge: c.parents.length > 1, mergedCommits: merged.count, mergedAuthors: merged.authors };
}

export const commits = defineResource({
  name: 'commits',
  description: 'Every commit on the default branch (first-parent line) of each configured repository within the lookback, with signature status and review trailers.',
  schema: commitSchema,
  primaryKey: ['repository', 'sha'],
  async *list(ctx: RunContext<GitConfig>) {
    const since = new Date(ctx.clock.now().getTime() - ctx.config.sinceDays * DAY_MS).toISOString();
    for (const repo of ctx.config.repositories) {
      await checkRepository(ctx, repo);
      const { branch, ref } = await resolveBranch(ctx, repo);
      const args = [...(await signatureArgs(ctx, repo)), 'log', '-z', '--first-parent', `--max-count=${ctx.config.maxCommits}`, `--since=${since}`, `--format=${logFormat}`, ref, '--'];
      let page: CommitRow[] = [];
      for await (const record of streamRecords(ctx, repo, args, `reading the log of ${branch}`)) {
        page.push(await toRow(ctx, repo, branch, parseLogRecord(record)));
        if (page.length >= PAGE) {
          yield page;
          page = [];
        }
      }
      if (page.length) yield page;
    }
  },
});
