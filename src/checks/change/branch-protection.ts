/**
 * change.branch-protection — every repository's default branch is protected the way CHG-01 asks:
 * at least one approving review, stale approvals dismissed by new commits, no force pushes, and
 * administrators held to the same rules. One result per repository, naming exactly what is
 * missing.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { BRANCH_PROTECTIONS, protectionRow, readRows, REPOSITORIES, repositoryRow } from './github-rows.ts';

const params = z.object({
  minApprovals: z.number().int().min(1).default(1).describe('Approving reviews the default branch must require before a merge.'),
  requireDismissStale: z.boolean().default(true).describe('New commits must dismiss earlier approvals.'),
  requireNoForcePush: z.boolean().default(true).describe('Force pushes to the default branch must be blocked.'),
  requireAdmins: z.boolean().default(true).describe('The rules must apply to administrators too.'),
  exclude: z.array(z.string()).default([]).describe('Repositories (owner/name) that never reach production, e.g. sandboxes.'),
});

export const branchProtection = defineCheck({
  id: 'change.branch-protection',
  title: 'Default branches are protected',
  description:
    'Every repository default branch requires approving reviews, dismisses stale approvals, blocks force pushes and applies to administrators (classic protection and rulesets combined).',
  area: 'change',
  controls: ['CHG-01'],
  severity: 'high',
  inputs: { resources: [REPOSITORIES, BRANCH_PROTECTIONS] },
  // One result per repository, from its row and its protection's: re-judged when either changes.
  scope: 'resource',
  belongsTo: { [BRANCH_PROTECTIONS]: { to: REPOSITORIES, by: 'repository' } },
  params,
  async evaluate({ params: p, inputs }) {
    const protections = new Map((await readRows(inputs, BRANCH_PROTECTIONS, protectionRow)).map((s) => [s.row.repository, s]));
    const results: CheckResult[] = [];
    for (const repo of await readRows(inputs, REPOSITORIES, repositoryRow)) {
      const name = repo.row.fullName;
      if (p.exclude.includes(name)) continue;
      const branch = repo.row.defaultBranch;
      const base = { resource: repo.resource, source: repo.source };
      if (repo.row.archived) {
        results.push({ ...base, status: 'not_applicable', reason: `${name} is archived: nobody can push to it`, evidence: repo.evidence });
        continue;
      }
      const prot = protections.get(name);
      // No row means the protection could not be read: the source records that gap, and the
      // engine turns this check stale rather than letting the repository slip through as a pass.
      if (!prot) continue;
      const evidence = [...repo.evidence, ...prot.evidence];
      const s = prot.row;
      if (!s.branchExists) {
        results.push({ ...base, status: 'not_applicable', reason: `${name} has no commits on ${branch} yet; protect it before the first change lands`, evidence });
        continue;
      }
      if (!s.protected) {
        results.push({
          ...base,
          status: 'fail',
          reason: `${branch} of ${name} is not protected: anyone with write access can push to it directly, force-push over its history or delete it`,
          remediation: `In ${name} → Settings → Rules (or Branches), protect ${branch}: require a pull request with at least ${p.minApprovals} approval(s), dismiss stale approvals, block force pushes, and do not allow bypassing (include administrators).`,
          evidence,
          details: { branch },
        });
        continue;
      }
      const missing: string[] = [];
      const fixes: string[] = [];
      if (s.requiredApprovingReviews < p.minApprovals) {
        missing.push(s.requiredApprovingReviews === 0 ? 'no approving review is required' : `only ${s.requiredApprovingReviews} approving review(s) required, ${p.minApprovals} needed`);
        fixes.push(`require a pull request with at least ${p.minApprovals} approval(s)`);
      }
      if (p.requireDismissStale && !s.dismissStaleReviews) {
        missing.push('approvals stay valid after new commits are pushed');
        fixes.push('dismiss stale pull request approvals when new commits are pushed');
      }
      if (p.requireNoForcePush && !s.forcePushesBlocked) {
        missing.push('force pushes are allowed');
        fixes.push('block force pushes');
      }
      if (p.requireAdmins && !s.adminsIncluded) {
        missing.push('administrators can bypass the rules');
        fixes.push('do not allow bypassing the rules (include administrators; no bypass actors on rulesets)');
      }
      const details = { branch, requiredApprovingReviews: s.requiredApprovingReviews, dismissStaleReviews: s.dismissStaleReviews, forcePushesBlocked: s.forcePushesBlocked, adminsIncluded: s.adminsIncluded };
      results.push(
        missing.length
          ? { ...base, status: 'fail', reason: `${branch} of ${name} is protected, but ${missing.join('; ')}`, remediation: `In ${name} → Settings → Rules (or Branches), edit the protection of ${branch}: ${fixes.join('; ')}.`, evidence, details }
          : {
              ...base,
              status: 'pass',
              reason: `${branch} of ${name} requires ${s.requiredApprovingReviews} approving review(s)${s.dismissStaleReviews ? ', dismisses stale approvals' : ''}${s.forcePushesBlocked ? ', blocks force pushes' : ''}${s.adminsIncluded ? ' and binds administrators' : ''}`,
              evidence,
              details,
            },
      );
    }
    return results;
  },
});
