/**
 * change.direct-push — every commit that landed on a default branch in the window came in through
 * a merged pull request. The GitHub connector finds the pull request behind each commit on the
 * branch's first-parent line (commits API, not the audit log: see its README); a commit without
 * one was pushed directly, skipping review, and is one failing population member.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { at, COMMITS, commitRow, inWindow, readRows, windowParam } from './github-rows.ts';

const params = z.object({ windowDays: windowParam });

export const directPush = defineCheck({
  id: 'change.direct-push',
  title: 'No direct pushes to default branches',
  description: 'Every commit on a default branch in the window came in through a merged pull request; a commit pushed directly skipped review and checks.',
  area: 'change',
  controls: ['CHG-01', 'CHG-02'],
  severity: 'high',
  // Results move with the clock: commits within the lookback before now.
  readsNow: true,
  inputs: { resources: [COMMITS] },
  params,
  async evaluate({ params: p, now, inputs }) {
    const results: CheckResult[] = [];
    for (const s of await readRows(inputs, COMMITS, commitRow)) {
      const c = s.row;
      if (!inWindow(c.committedAt, now, p.windowDays)) continue;
      const base = { resource: s.resource, source: s.source, evidence: s.evidence };
      const short = c.sha.slice(0, 7);
      const details = { repository: c.repository, branch: c.branch, sha: c.sha, author: c.author, committedAt: c.committedAt, pullRequest: c.pullRequest, url: c.htmlUrl };
      if (c.pullRequest !== null) {
        results.push({ ...base, status: 'pass', reason: `${short} on ${c.branch} of ${c.repository} came in through pull request #${c.pullRequest}`, details });
        continue;
      }
      results.push({
        ...base,
        status: 'fail',
        reason: `${short} "${c.message}" was pushed directly to ${c.branch} of ${c.repository} by ${c.author ?? c.committer ?? 'an unlinked account'} at ${at(c.committedAt)}, without a pull request`,
        remediation: `Have someone other than the author review ${c.htmlUrl} now and record the approval (an emergency change reviewed after the fact); then require pull requests on ${c.branch} with administrators included, so nobody can push to it directly.`,
        details,
      });
    }
    return results;
  },
});
