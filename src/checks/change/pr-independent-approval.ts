/**
 * change.pr-independent-approval — one population member per pull request merged into a default
 * branch in the window: it passes when someone other than its author approved it before the merge.
 * An approval given after the merge, by the author, or later dismissed does not count.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { at, inWindow, ms, PULL_REQUESTS, pullRequestRow, readRows, sameLogin, windowParam } from './github-rows.ts';

const params = z.object({ windowDays: windowParam });

type Pull = z.output<typeof pullRequestRow>;

/** Why a merged pull request has no independent approval, in words its owner can act on. */
function whyNot(pr: Pull): string {
  const merged = `merged${pr.mergedBy ? ` by ${pr.mergedBy}` : ''} at ${at(pr.mergedAt)}`;
  const before = pr.reviews.filter((r) => r.submittedAt !== null && ms(r.submittedAt) <= ms(pr.mergedAt));
  const lateApproval = pr.reviews.find((r) => r.state === 'APPROVED' && !sameLogin(r.reviewer, pr.author) && r.submittedAt !== null && ms(r.submittedAt) > ms(pr.mergedAt));
  if (lateApproval) return `${merged}; the only approval, by ${lateApproval.reviewer}, came afterwards at ${at(lateApproval.submittedAt!)}`;
  if (pr.reviews.some((r) => r.state === 'APPROVED' && sameLogin(r.reviewer, pr.author))) return `${merged}; the only approval came from its author ${pr.author}`;
  if (pr.reviews.some((r) => r.state === 'DISMISSED')) return `${merged}; its approval was dismissed and none was given again`;
  if (before.length === 0) return `${merged} without any review`;
  const seen = [...new Set(before.map((r) => `${r.reviewer ?? 'a deleted account'} (${r.state.toLowerCase().replace('_', ' ')})`))];
  return `${merged}; reviewed by ${seen.join(', ')} but never approved`;
}

export const prIndependentApproval = defineCheck({
  id: 'change.pr-independent-approval',
  title: 'Merged changes were approved by someone other than their author',
  description: 'Every pull request merged into a default branch in the window has an APPROVED review, submitted before the merge, by someone other than its author.',
  area: 'change',
  controls: ['CHG-02'],
  severity: 'high',
  // Results move with the clock: pull requests within the lookback before now.
  readsNow: true,
  inputs: { resources: [PULL_REQUESTS] },
  params,
  async evaluate({ params: p, now, inputs }) {
    const results: CheckResult[] = [];
    for (const s of await readRows(inputs, PULL_REQUESTS, pullRequestRow)) {
      const pr = s.row;
      if (!inWindow(pr.mergedAt, now, p.windowDays)) continue;
      const base = { resource: s.resource, source: s.source, evidence: s.evidence };
      const approvals = pr.reviews.filter((r) => r.state === 'APPROVED' && r.reviewer !== null && !sameLogin(r.reviewer, pr.author) && r.submittedAt !== null && ms(r.submittedAt) <= ms(pr.mergedAt));
      const details = { repository: pr.repository, number: pr.number, author: pr.author, mergedBy: pr.mergedBy, mergedAt: pr.mergedAt, approvers: approvals.map((r) => r.reviewer), url: pr.htmlUrl };
      if (approvals.length) {
        const first = approvals[0]!;
        results.push({
          ...base,
          status: 'pass',
          reason: `${pr.ref} by ${pr.author ?? 'a deleted account'} was approved by ${first.reviewer} at ${at(first.submittedAt!)}, before the merge at ${at(pr.mergedAt)}`,
          details,
        });
        continue;
      }
      results.push({
        ...base,
        status: 'fail',
        reason: `${pr.ref} "${pr.title}" by ${pr.author ?? 'a deleted account'} was ${whyNot(pr)}`,
        remediation: `Have someone other than ${pr.author ?? 'the author'} review ${pr.htmlUrl} now and record the retrospective approval; then require at least one approving review on ${pr.baseBranch} of ${pr.repository} so no change merges unreviewed.`,
        details,
      });
    }
    return results;
  },
});
