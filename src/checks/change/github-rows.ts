/**
 * The GitHub rows the change-management checks read, parsed from storage with the fields they
 * rely on (a row missing one is a bug to report, not something to judge), each kept with where it
 * is stored so a result can name its evidence. Field meanings: src/connectors/github/resources/.
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import type { InputReader, ResourceInput } from '../sdk/inputs.ts';

export const REPOSITORIES = 'github.repositories';
export const BRANCH_PROTECTIONS = 'github.branch-protections';
export const PULL_REQUESTS = 'github.pull-requests';
export const COMMITS = 'github.default-branch-commits';

export const repositoryRow = z.object({ fullName: z.string(), archived: z.boolean(), defaultBranch: z.string() });

export const protectionRow = z.object({
  repository: z.string(),
  branch: z.string(),
  branchExists: z.boolean(),
  protected: z.boolean(),
  requiredApprovingReviews: z.number(),
  dismissStaleReviews: z.boolean(),
  forcePushesBlocked: z.boolean(),
  adminsIncluded: z.boolean(),
  requiredStatusChecks: z.array(z.string()),
});

export const pullRequestRow = z.object({
  ref: z.string(),
  repository: z.string(),
  number: z.number(),
  title: z.string(),
  author: z.string().nullable(),
  mergedAt: z.string(),
  mergedBy: z.string().nullable(),
  baseBranch: z.string(),
  reviews: z.array(z.object({ reviewer: z.string().nullable(), state: z.string(), submittedAt: z.string().nullable() })),
  checks: z.array(z.object({ name: z.string(), kind: z.string(), conclusion: z.string().nullable(), completedAt: z.string().nullable() })),
  htmlUrl: z.string(),
});

export const commitRow = z.object({
  ref: z.string(),
  repository: z.string(),
  branch: z.string(),
  sha: z.string(),
  committedAt: z.string(),
  author: z.string().nullable(),
  committer: z.string().nullable(),
  message: z.string(),
  pullRequest: z.number().nullable(),
  htmlUrl: z.string(),
});

export interface Stored<T> {
  row: T;
  /** The result id: `<type>/<key>`. */
  resource: string;
  source: string;
  evidence: string[];
}

export const evidenceOf = (r: Pick<ResourceInput, 'evidenceId'>) => (r.evidenceId ? [r.evidenceId] : []);

export async function readRows<S extends z.ZodType>(inputs: InputReader, type: string, schema: S): Promise<Stored<z.output<S>>[]> {
  const rows = await inputs.resources(type);
  return rows.map((r) => {
    const parsed = schema.safeParse(r.data);
    if (!parsed.success) {
      throw new Error(`stored ${type} row ${r.key} lacks fields this check reads (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); collect the GitHub source again`);
    }
    return { row: parsed.data, resource: `${type}/${r.key}`, source: r.source, evidence: evidenceOf(r) };
  });
}

export const windowParam = z.number().int().min(1).max(3650).default(365).describe('Judge changes merged or pushed within this many days before now.');

export const inWindow = (iso: string, now: Date, days: number) => {
  const t = Date.parse(iso);
  return t <= now.getTime() && t >= now.getTime() - days * DAY_MS;
};

/** Milliseconds of an ISO 8601 time: stored strings differ in precision, so never compare them as text. */
export const ms = (iso: string) => Date.parse(iso);

/** `2026-05-01 14:03 UTC`: minutes are what a reviewer compares. */
export const at = (iso: string) => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export const sameLogin = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
