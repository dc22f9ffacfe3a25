/**
 * access.password-policy — the AWS account's IAM password policy meets the company baseline
 * (params). An account without a policy fails: IAM then applies its weak built-in default. The
 * defaults follow CIS AWS Foundations (length ≥ 14, no reuse of the last 24); composition rules and
 * forced expiry are off by default, as NIST SP 800-63B advises, and can be required.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { AWS_PASSWORD_POLICY, passwordPolicyRow, readAws } from '../cloud/aws-rows.ts';

export const passwordPolicy = defineCheck({
  id: 'access.password-policy',
  title: 'Cloud password policy meets the baseline',
  description: "The AWS account's IAM password policy exists and meets the baseline: minimum length, reuse prevention, and any required character classes or maximum age.",
  area: 'access',
  controls: ['ACC-11'],
  severity: 'medium',
  inputs: { resources: [AWS_PASSWORD_POLICY] },
  // Each row on its own: an incremental run re-judges only the rows that changed.
  scope: 'resource',
  params: z.object({
    minimumLength: z.number().int().min(6).max(128).default(14).describe('Shortest password allowed.'),
    reusePrevention: z.number().int().min(0).max(24).default(24).describe('How many previous passwords may not be reused (0: no requirement).'),
    requireSymbols: z.boolean().default(false).describe('Require a symbol in every password.'),
    requireNumbers: z.boolean().default(false).describe('Require a digit in every password.'),
    requireUppercase: z.boolean().default(false).describe('Require an upper-case letter in every password.'),
    requireLowercase: z.boolean().default(false).describe('Require a lower-case letter in every password.'),
    maxAgeDays: z.number().int().min(1).nullable().default(null).describe('When set, passwords must expire within this many days; null: no expiry required.'),
  }),
  async evaluate({ inputs, params }) {
    const results: CheckResult[] = [];
    for (const p of await readAws(inputs, AWS_PASSWORD_POLICY, passwordPolicyRow)) {
      const base = { resource: p.resource, source: p.source, evidence: p.evidence, details: { accountId: p.accountId, configured: p.configured, minimumPasswordLength: p.minimumPasswordLength, passwordReusePrevention: p.passwordReusePrevention, maxPasswordAge: p.maxPasswordAge } };
      if (!p.configured) {
        results.push({
          ...base,
          status: 'fail',
          reason: `AWS account ${p.accountId} has no IAM password policy, so IAM's default applies (8 characters, no reuse prevention)`,
          remediation: `Set an account password policy (IAM → Account settings → Password policy) with at least ${params.minimumLength} characters and reuse prevention of ${params.reusePrevention}.`,
        });
        continue;
      }
      const gaps: string[] = [];
      if ((p.minimumPasswordLength ?? 0) < params.minimumLength) gaps.push(`minimum length ${p.minimumPasswordLength ?? 'unset'} (baseline ${params.minimumLength})`);
      if (params.reusePrevention > 0 && (p.passwordReusePrevention ?? 0) < params.reusePrevention) gaps.push(`reuse prevention ${p.passwordReusePrevention ?? 'off'} (baseline ${params.reusePrevention})`);
      const classes: [boolean, boolean | null, string][] = [
        [params.requireSymbols, p.requireSymbols, 'symbols'],
        [params.requireNumbers, p.requireNumbers, 'numbers'],
        [params.requireUppercase, p.requireUppercaseCharacters, 'upper-case letters'],
        [params.requireLowercase, p.requireLowercaseCharacters, 'lower-case letters'],
      ];
      for (const [required, set, what] of classes) if (required && !set) gaps.push(`does not require ${what}`);
      if (params.maxAgeDays !== null && (p.maxPasswordAge === null || p.maxPasswordAge > params.maxAgeDays)) gaps.push(`passwords expire after ${p.maxPasswordAge ?? 'never'} (baseline ${params.maxAgeDays} days)`);
      results.push(
        gaps.length
          ? {
              ...base,
              status: 'fail',
              reason: `The IAM password policy of AWS account ${p.accountId} is below the baseline: ${gaps.join('; ')}`,
              remediation: 'Update the account password policy (IAM → Account settings → Password policy, or aws iam update-account-password-policy) to the baseline; existing passwords must meet it at their next change.',
            }
          : { ...base, status: 'pass', reason: `The IAM password policy of AWS account ${p.accountId} meets the baseline (length ${p.minimumPasswordLength}, reuse prevention ${p.passwordReusePrevention ?? 'off'})` },
      );
    }
    return results;
  },
});
