/**
 * change.pr-checks-before-merge — one population member per pull request merged into a default
 * branch in the window: it passes when every required check had concluded successfully on the
 * head commit before the merge. Required means the checks the default branch requires (or the
 * `requiredChecks` parameter); when a branch requires none, every check reported on the head
 * commit must have passed, and a change with no check at all fails.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { at, BRANCH_PROTECTIONS, inWindow, ms, protectionRow, PULL_REQUESTS, pullRequestRow, readRows, windowParam } from './github-rows.ts';

const params = z.object({
  windowDays: windowParam,
  requiredChecks: z.array(z.string()).default([]).describe("Check names every change must pass; empty: each default branch's required status checks."),
  passingConclusions: z.array(z.string()).default(['success', 'neutral', 'skipped']).describe('Conclusions that count as passed (GitHub treats these as passing required checks).'),
});

type Check = z.output<typeof pullRequestRow>['checks'][number];

export const prChecksBeforeMerge = defineCheck({
  id: 'change.pr-checks-before-merge',
  title: 'Required checks passed before each merge',
  description: 'Every pull request merged into a default branch in the window had its required checks concluded successfully on the head commit before the merge.',
  area: 'change',
  controls: ['CHG-03'],
  severity: 'medium',
  // Results move with the clock: pull requests within the lookback before now.
  readsNow: true,
  inputs: { resources: [PULL_REQUESTS, BRANCH_PROTECTIONS] },
  params,
  async evaluate({ params: p, now, inputs }) {
    const protections = new Map((await readRows(inputs, BRANCH_PROTECTIONS, protectionRow)).map((s) => [s.row.repository, s]));
    const passing = new Set(p.passingConclusions);
    const results: CheckResult[] = [];
    for (const s of await readRows(inputs, PULL_REQUESTS, pullRequestRow)) {
      const pr = s.row;
      if (!inWindow(pr.mergedAt, now, p.windowDays)) continue;
      const prot = protections.get(pr.repository);
      const evidence = [...s.evidence, ...(prot?.evidence ?? [])];
      const base = { resource: s.resource, source: s.source, evidence };
      const configured = p.requiredChecks.length ? p.requiredChecks : (prot?.row.requiredStatusChecks ?? []);
      const required = configured.length ? configured : [...new Set(pr.checks.map((c) => c.name))];
      const merged = ms(pr.mergedAt);
      const okBeforeMerge = (c: Check) => c.conclusion !== null && passing.has(c.conclusion) && c.completedAt !== null && ms(c.completedAt) <= merged;
      const details = { repository: pr.repository, number: pr.number, mergedAt: pr.mergedAt, required, requiredFrom: p.requiredChecks.length ? 'parameter' : configured.length ? 'branch protection' : 'checks reported', url: pr.htmlUrl };
      if (required.length === 0) {
        results.push({
          ...base,
          status: 'fail',
          reason: `${pr.ref} was merged at ${at(pr.mergedAt)} with no check reported on its head commit, and ${pr.baseBranch} of ${pr.repository} requires none`,
          remediation: `Run CI on ${pr.repository} for every pull request and make it a required status check of ${pr.baseBranch}; check that ${pr.htmlUrl} did not break anything.`,
          details,
        });
        continue;
      }
      const problems: string[] = [];
      for (const name of required) {
        const runs = pr.checks.filter((c) => c.name === name);
        if (runs.some(okBeforeMerge)) continue;
        const done = runs.filter((c) => c.conclusion !== null && c.completedAt !== null).sort((a, b) => ms(b.completedAt!) - ms(a.completedAt!));
        const latest = done[0];
        if (!runs.length) problems.push(`${name} never reported on the head commit`);
        else if (!latest) problems.push(`${name} was still running`);
        else if (!passing.has(latest.conclusion!)) problems.push(`${name} concluded ${latest.conclusion} at ${at(latest.completedAt!)}`);
        else problems.push(`${name} passed only after the merge, at ${at(latest.completedAt!)}`);
      }
      if (!problems.length) {
        const last = Math.max(...required.map((name) => Math.min(...pr.checks.filter((c) => c.name === name && okBeforeMerge(c)).map((c) => ms(c.completedAt!)))));
        results.push({ ...base, status: 'pass', reason: `${pr.ref}: ${required.join(', ')} passed by ${at(new Date(last).toISOString())}, before the merge at ${at(pr.mergedAt)}`, details });
        continue;
      }
      results.push({
        ...base,
        status: 'fail',
        reason: `${pr.ref} "${pr.title}" was merged at ${at(pr.mergedAt)} although ${problems.join('; ')}`,
        remediation: `Check that ${pr.htmlUrl} did not break ${pr.baseBranch} (re-run ${required.join(', ')} on it), and make ${required.join(', ')} required status checks of ${pr.baseBranch} in ${pr.repository} with administrators included, so a change cannot merge until they pass.`,
        details,
      });
    }
    return results;
  },
});
