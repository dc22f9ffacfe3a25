/**
 * access.mfa-cloud — every AWS IAM user who can sign in to the console has MFA. The population is
 * the IAM users of the credential report with a console password; users without one (programmatic
 * access only) are not applicable, and root is judged by access.root-account. Evidence: the user's
 * row of the credential report.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { AWS_CREDENTIAL_REPORT, credentialRow, readAws } from '../cloud/aws-rows.ts';

export const mfaCloud = defineCheck({
  id: 'access.mfa-cloud',
  title: 'MFA for every cloud console user',
  description: 'Every AWS IAM user with a console password has an MFA device enabled (from the IAM credential report).',
  area: 'access',
  controls: ['ACC-03'],
  severity: 'high',
  inputs: { resources: [AWS_CREDENTIAL_REPORT] },
  // Each row on its own: an incremental run re-judges only the rows that changed.
  scope: 'resource',
  params: z.object({}),
  async evaluate({ inputs }) {
    const results: CheckResult[] = [];
    for (const u of await readAws(inputs, AWS_CREDENTIAL_REPORT, credentialRow)) {
      if (u.isRoot) continue;
      const base = { resource: u.resource, source: u.source, evidence: u.evidence, details: { user: u.user, arn: u.arn, passwordLastUsed: u.passwordLastUsed, reportGeneratedAt: u.reportGeneratedAt } };
      if (u.passwordEnabled !== true) {
        results.push({ ...base, status: 'not_applicable', reason: `${u.user} has no console password: it cannot sign in to the console` });
      } else if (u.mfaActive) {
        results.push({ ...base, status: 'pass', reason: `${u.user} signs in to the console with MFA` });
      } else {
        results.push({
          ...base,
          status: 'fail',
          reason: `${u.user} can sign in to the AWS console with a password alone: no MFA device is enabled${u.passwordLastUsed ? ` (last console sign-in ${u.passwordLastUsed.slice(0, 10)})` : ''}`,
          remediation: `Have ${u.user} assign an MFA device (IAM → Users → ${u.user} → Security credentials → Assign MFA device), or remove the console password if the user does not need the console; add an IAM policy that denies actions without aws:MultiFactorAuthPresent so no user can skip it.`,
        });
      }
    }
    return results;
  },
});
