/**
 * The git connector's `commits` rows as the git-based change checks read them (field meanings:
 * src/connectors/git/resources/commits.ts), and how people in commits are compared.
 */
import { z } from 'zod';
import type { InputReader } from '../sdk/inputs.ts';
import { evidenceOf, type Stored } from './github-rows.ts';

export const GIT_COMMITS = 'git.commits';

const person = z.object({ name: z.string(), email: z.string().nullable() });

export const gitCommitRow = z.object({
  repository: z.string(),
  branch: z.string(),
  sha: z.string(),
  isMerge: z.boolean(),
  authorName: z.string(),
  authorEmail: z.string(),
  committedAt: z.string(),
  subject: z.string(),
  signature: z.string(),
  signer: z.string().nullable(),
  signingKey: z.string().nullable(),
  trailers: z.array(person.extend({ key: z.string(), value: z.string() })),
  mergedCommits: z.number(),
  mergedAuthors: z.array(person),
});

export type GitCommit = z.output<typeof gitCommitRow>;
export type GitPerson = z.output<typeof person>;

/**
 * The same person: by email when both have one (case ignored); otherwise by name. A trailer with
 * only a name that matches the author's name counts as the author — the safe side for a review check.
 */
export function samePerson(a: GitPerson, b: GitPerson): boolean {
  if (a.email && b.email) return a.email.toLowerCase() === b.email.toLowerCase();
  return a.name.trim().toLowerCase() === b.name.trim().toLowerCase();
}

export const describePerson = (p: GitPerson) => (p.email ? `${p.name} <${p.email}>` : p.name);

export const authorOf = (c: GitCommit): GitPerson => ({ name: c.authorName, email: c.authorEmail || null });

/** `a1b2c3d "Subject" on main of acme/api` */
export const describeCommit = (c: GitCommit) => `${c.sha.slice(0, 7)} "${c.subject}" on ${c.branch} of ${c.repository}`;

/** Every stored commit, parsed; a row missing a field the checks read is a bug to report, not something to judge. */
export async function readCommits(inputs: InputReader): Promise<Stored<GitCommit>[]> {
  const rows = await inputs.resources(GIT_COMMITS);
  return rows.map((r) => {
    const parsed = gitCommitRow.safeParse(r.data);
    if (!parsed.success) {
      throw new Error(`stored ${GIT_COMMITS} row ${r.key} lacks fields this check reads (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); collect the git source again`);
    }
    return { row: parsed.data, resource: `${GIT_COMMITS}/${r.key}`, source: r.source, evidence: evidenceOf(r) };
  });
}
