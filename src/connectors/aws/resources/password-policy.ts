/**
 * The account's IAM password policy: one row per account. An account without one is a finding,
 * not a failed collection: IAM answers 404 NoSuchEntity, and the row says `configured: false`.
 */
import { z } from 'zod';
import { GetAccountPasswordPolicyCommand, type PasswordPolicy } from '@aws-sdk/client-iam';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { hasAwsCode } from '../errors.ts';
import { awsSession } from '../session.ts';

const setting = (what: string) => z.boolean().nullable().describe(`${what}; null when no policy is configured.`);

export const passwordPolicySchema = z.object({
  accountId: z.string().describe('The AWS account (12 digits) the policy belongs to.'),
  configured: z.boolean().describe('Whether the account has a password policy at all; without one, IAM applies its weak built-in default.'),
  minimumPasswordLength: z.number().int().nullable().describe('Minimum number of characters; null when no policy is configured.'),
  requireSymbols: setting('Whether a password must contain a symbol'),
  requireNumbers: setting('Whether a password must contain a digit'),
  requireUppercaseCharacters: setting('Whether a password must contain an upper-case letter'),
  requireLowercaseCharacters: setting('Whether a password must contain a lower-case letter'),
  allowUsersToChangePassword: setting('Whether users may change their own password'),
  expirePasswords: setting('Whether passwords expire (MaxPasswordAge is set)'),
  maxPasswordAge: z.number().int().nullable().describe('Days after which a password must be changed; null when passwords do not expire.'),
  passwordReusePrevention: z.number().int().nullable().describe('How many previous passwords cannot be reused; null when reuse is not restricted.'),
  hardExpiry: setting('Whether an expired password blocks the user until an administrator resets it'),
});

export type PasswordPolicyRow = z.output<typeof passwordPolicySchema>;

export function toPasswordPolicyRow(accountId: string, p: PasswordPolicy | undefined): PasswordPolicyRow {
  return {
    accountId,
    configured: p !== undefined,
    minimumPasswordLength: p?.MinimumPasswordLength ?? null,
    requireSymbols: p ? (p.RequireSymbols ?? false) : null,
    requireNumbers: p ? (p.RequireNumbers ?? false) : null,
    requireUppercaseCharacters: p ? (p.RequireUppercaseCharacters ?? false) : null,
    requireLowercaseCharacters: p ? (p.RequireLowercaseCharacters ?? false) : null,
    allowUsersToChangePassword: p ? (p.AllowUsersToChangePassword ?? false) : null,
    expirePasswords: p ? (p.ExpirePasswords ?? false) : null,
    maxPasswordAge: p?.MaxPasswordAge ?? null,
    passwordReusePrevention: p?.PasswordReusePrevention ?? null,
    hardExpiry: p ? (p.HardExpiry ?? false) : null,
  };
}

export const passwordPolicy = defineResource({
  name: 'password-policy',
  description: "The account's IAM password policy (one row; configured: false when the account has none).",
  schema: passwordPolicySchema,
  primaryKey: 'accountId',
  async *list(ctx: RunContext<AwsConfig>) {
    const aws = awsSession(ctx);
    const accountId = await aws.accountId();
    let policy: PasswordPolicy | undefined;
    try {
      const r = await aws.call('iam', 'GetAccountPasswordPolicy', undefined, (o) => aws.iam().send(new GetAccountPasswordPolicyCommand({}), o));
      policy = r.PasswordPolicy;
    } catch (e) {
      if (!hasAwsCode(e, 'NoSuchEntity')) throw e;
    }
    yield toPasswordPolicyRow(accountId, policy);
  },
});
