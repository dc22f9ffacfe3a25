/**
 * access.root-account — the AWS root user is locked down: it holds no active access key, has MFA,
 * and has not been used (console sign-in or key) within the last N days. One result per account's
 * root row of the credential report, which is the only place root's keys and use are visible.
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { AWS_CREDENTIAL_REPORT, credentialRow, readAws } from '../cloud/aws-rows.ts';

export const rootAccount = defineCheck({
  id: 'access.root-account',
  title: 'Cloud root account locked down',
  description: 'The AWS root user has no active access keys, has MFA, and was not used in the last N days (from the IAM credential report).',
  area: 'access',
  controls: ['ACC-09'],
  severity: 'critical',
  // Results move with the clock: root use within recentUseDays before now.
  readsNow: true,
  inputs: { resources: [AWS_CREDENTIAL_REPORT] },
  params: z.object({
    recentUseDays: z
      .number()
      .int()
      .min(1)
      .default(90)
      .describe('A root sign-in or key use within this many days is a failure: root is for the few tasks only it can do, and each use should be explained.'),
  }),
  async evaluate({ inputs, params, now }) {
    const results: CheckResult[] = [];
    const since = now.getTime() - params.recentUseDays * DAY_MS;
    for (const r of await readAws(inputs, AWS_CREDENTIAL_REPORT, credentialRow)) {
      if (!r.isRoot) continue;
      const problems: string[] = [];
      const fixes: string[] = [];
      const keys = [r.accessKey1Active, r.accessKey2Active].filter(Boolean).length;
      if (keys) {
        problems.push(`it holds ${keys === 1 ? 'an active access key' : `${keys} active access keys`}`);
        fixes.push('delete the root access keys (sign in as root → Security credentials → Access keys) and give whatever used them an IAM role');
      }
      if (!r.mfaActive) {
        problems.push('it has no MFA device');
        fixes.push('assign a hardware or passkey MFA device to root');
      }
      const uses = [
        ['console sign-in', r.passwordLastUsed],
        ['access key use', r.accessKey1LastUsedDate],
        ['access key use', r.accessKey2LastUsedDate],
      ].filter((u): u is [string, string] => typeof u[1] === 'string' && Date.parse(u[1]) >= since);
      for (const [what, at] of uses) problems.push(`last ${what} ${at.slice(0, 10)}, within ${params.recentUseDays} days`);
      if (uses.length) fixes.push('find out who used root and why (CloudTrail, userIdentity.type Root), and do that work with an IAM role from now on');
      const base = { resource: r.resource, source: r.source, evidence: r.evidence, details: { arn: r.arn, activeKeys: keys, mfaActive: r.mfaActive, passwordLastUsed: r.passwordLastUsed, reportGeneratedAt: r.reportGeneratedAt } };
      results.push(
        problems.length
          ? { ...base, status: 'fail', reason: `The AWS root user of ${r.arn.split(':')[4]} is not locked down: ${problems.join('; ')}`, remediation: `${fixes.join('; ')}.` }
          : { ...base, status: 'pass', reason: `The AWS root user of ${r.arn.split(':')[4]} has MFA, no access keys, and no use in the last ${params.recentUseDays} days` },
      );
    }
    return results;
  },
});
