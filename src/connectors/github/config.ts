/**
 * What a user writes under `config:` for a GitHub source in vigil.yaml. The same connector reads
 * github.com and GitHub Enterprise Server: only the base URL differs.
 */
import { z } from 'zod';
import { httpFields, secret } from '../sdk/index.ts';

export const configSchema = z.strictObject({
  ...httpFields({ defaultBaseUrl: 'https://api.github.com', example: 'https://api.github.com, or https://ghe.example.com/api/v3 for GitHub Enterprise Server' }),
  org: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'a GitHub organization login such as octo-org')
    .describe('The organization login, as in https://github.com/<org>.'),
  token: secret(
    'A token of an organization owner (classic PAT with read:org, repo and security_events; or a fine-grained token / GitHub App with read access to members, administration, contents, pull requests, checks, commit statuses, Dependabot alerts and code scanning alerts). Owner rights are needed to see 2FA status and the audit log.',
  ),
  lookbackDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(365)
    .describe('How far back merged pull requests and default-branch commits are collected, in days (the change-management checks judge the last 365 days by default).'),
  auditLogLookbackDays: z
    .number()
    .int()
    .min(1)
    .max(180)
    .default(90)
    .describe('On the first collection, how many days of the organization audit log to fetch; later runs continue from the stored cursor.'),
});

export type GitHubConfig = z.output<typeof configSchema>;
