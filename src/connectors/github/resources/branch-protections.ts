/**
 * The protection of each repository's default branch, as it is in effect: classic branch
 * protection and repository/organization rulesets combined. GitHub answers 404 "Branch not
 * protected" for an unprotected branch: that is a fact (unprotected), not an error.
 */
import { z } from 'zod';
import { isVigilError } from '../../../lib/errors.ts';
import { defineResource } from '../../sdk/index.ts';
import { branchSegment, githubGet, githubPages, orgRepos, providerAnswer, repoPath, type ApiRepo, type Ctx } from '../api.ts';

export const branchProtectionSchema = z.object({
  repository: z.string().describe('owner/name of the repository: the key.'),
  branch: z.string().describe('The default branch these settings protect.'),
  branchExists: z.boolean().describe('False when the default branch has no commits yet (an empty repository).'),
  protected: z.boolean().describe('Whether classic branch protection or any active ruleset applies to the branch.'),
  classicProtection: z.boolean().describe('Whether classic branch protection is configured on the branch.'),
  rulesetIds: z.array(z.number().int()).describe('Ids of the active rulesets (repository or organization) with rules on the branch.'),
  requiredApprovingReviews: z.number().int().describe('Approving reviews a pull request needs before merging (0: none required).'),
  dismissStaleReviews: z.boolean().describe('Whether new commits dismiss earlier approvals.'),
  requireCodeOwnerReviews: z.boolean().describe('Whether code owners must approve changes to the files they own.'),
  forcePushesBlocked: z.boolean().describe('Whether force pushes (history rewrites) to the branch are blocked.'),
  deletionsBlocked: z.boolean().describe('Whether deleting the branch is blocked.'),
  adminsIncluded: z
    .boolean()
    .describe(
      'Whether administrators are held to the rules too: classic protection with enforce_admins on, or (rulesets only) no ruleset naming a bypass actor.',
    ),
  requiredStatusChecks: z.array(z.string()).describe('Status checks (check run names or status contexts) that must pass before merging.'),
});

export type BranchProtectionRow = z.output<typeof branchProtectionSchema>;

interface ApiProtection {
  required_pull_request_reviews?: { required_approving_review_count?: number; dismiss_stale_reviews?: boolean; require_code_owner_reviews?: boolean };
  required_status_checks?: { contexts?: string[]; checks?: { context: string }[] } | null;
  enforce_admins?: { enabled: boolean };
  allow_force_pushes?: { enabled: boolean };
  allow_deletions?: { enabled: boolean };
}

interface ApiRule {
  type: string;
  ruleset_id: number;
  parameters?: {
    required_approving_review_count?: number;
    dismiss_stale_reviews_on_push?: boolean;
    require_code_owner_review?: boolean;
    required_status_checks?: { context: string }[];
  };
}

interface ApiRuleset {
  id: number;
  /** Only shown to tokens that may edit the ruleset. */
  bypass_actors?: unknown[];
}

/** Classic protection, or null when the branch is unprotected; undefined when it does not exist. */
async function classic(ctx: Ctx, repo: ApiRepo): Promise<ApiProtection | null | undefined> {
  try {
    return await githubGet<ApiProtection>(ctx, repoPath(repo.full_name, `/branches/${branchSegment(repo.default_branch)}/protection`));
  } catch (e) {
    const answer = providerAnswer(e);
    if (answer?.status === 404 && /not protected/i.test(answer.message)) return null;
    if (answer?.status === 404 && /branch not found/i.test(answer.message)) return undefined;
    throw e;
  }
}

async function rules(ctx: Ctx, repo: ApiRepo): Promise<{ rules: ApiRule[]; bypassFree: boolean }> {
  const found: ApiRule[] = [];
  try {
    for await (const page of githubPages<ApiRule>(ctx, repoPath(repo.full_name, `/rules/branches/${branchSegment(repo.default_branch)}`))) found.push(...page.items);
  } catch (e) {
    // GitHub Enterprise Server before 3.11 has no rulesets: nothing there can protect the branch.
    if (isVigilError(e) && e._tag === 'NotFound') return { rules: [], bypassFree: false };
    throw e;
  }
  let bypassFree = found.length > 0;
  for (const id of [...new Set(found.map((r) => r.ruleset_id))]) {
    const ruleset = await githubGet<ApiRuleset>(ctx, repoPath(repo.full_name, `/rulesets/${id}`), { includes_parents: true });
    // A hidden bypass list cannot be shown to be empty.
    if (!Array.isArray(ruleset.bypass_actors) || ruleset.bypass_actors.length > 0) bypassFree = false;
  }
  return { rules: found, bypassFree };
}

export function effectiveProtection(repo: ApiRepo, p: ApiProtection | null, found: ApiRule[], rulesetsBypassFree: boolean): BranchProtectionRow {
  const reviews = found.filter((r) => r.type === 'pull_request').map((r) => r.parameters ?? {});
  const checks = [
    ...(p?.required_status_checks?.checks?.map((c) => c.context) ?? p?.required_status_checks?.contexts ?? []),
    ...found.filter((r) => r.type === 'required_status_checks').flatMap((r) => r.parameters?.required_status_checks?.map((c) => c.context) ?? []),
  ];
  return {
    repository: repo.full_name,
    branch: repo.default_branch,
    branchExists: true,
    protected: p !== null || found.length > 0,
    classicProtection: p !== null,
    rulesetIds: [...new Set(found.map((r) => r.ruleset_id))],
    requiredApprovingReviews: Math.max(p?.required_pull_request_reviews?.required_approving_review_count ?? 0, ...reviews.map((r) => r.required_approving_review_count ?? 0)),
    dismissStaleReviews: (p?.required_pull_request_reviews?.dismiss_stale_reviews ?? false) || reviews.some((r) => r.dismiss_stale_reviews_on_push === true),
    requireCodeOwnerReviews: (p?.required_pull_request_reviews?.require_code_owner_reviews ?? false) || reviews.some((r) => r.require_code_owner_review === true),
    forcePushesBlocked: (p !== null && p.allow_force_pushes?.enabled !== true) || found.some((r) => r.type === 'non_fast_forward'),
    deletionsBlocked: (p !== null && p.allow_deletions?.enabled !== true) || found.some((r) => r.type === 'deletion'),
    // Admins skip classic protection unless it is enforced on them, whatever rulesets add.
    adminsIncluded: p !== null ? p.enforce_admins?.enabled === true : rulesetsBypassFree,
    requiredStatusChecks: [...new Set(checks)],
  };
}

export const branchProtections = defineResource({
  name: 'branch-protections',
  description: "The protection in effect on each non-archived repository's default branch (classic protection and rulesets combined).",
  schema: branchProtectionSchema,
  primaryKey: 'repository',
  async *list(ctx: Ctx) {
    for await (const page of orgRepos(ctx)) {
      const rows: BranchProtectionRow[] = [];
      for (const repo of page) {
        // Nobody can push to an archived repository, so its protection is moot.
        if (repo.archived) continue;
        let p: ApiProtection | null | undefined;
        try {
          p = await classic(ctx, repo);
        } catch (e) {
          if (isVigilError(e) && e._tag === 'PermissionDenied') {
            ctx.permissionMissing('branch-protections', `${repo.full_name}: ${providerAnswer(e)?.message ?? e.message}`);
            continue;
          }
          throw e;
        }
        if (p === undefined) {
          rows.push({ ...effectiveProtection(repo, null, [], false), branchExists: false });
          continue;
        }
        const r = await rules(ctx, repo);
        rows.push(effectiveProtection(repo, p, r.rules, r.bypassFree));
      }
      yield rows;
    }
  },
});
