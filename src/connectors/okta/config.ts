/**
 * What a user writes under `config:` for an Okta source in vigil.yaml. Okta has no shared API host:
 * every organization has its own domain (acme.okta.com, acme.oktapreview.com, a custom domain), so
 * the base URL has no default.
 */
import { z } from 'zod';
import { httpFields, secret } from '../sdk/index.ts';

export const configSchema = z.strictObject({
  ...httpFields({ example: 'https://acme.okta.com' }),
  token: secret(
    'An Okta API token (Security → API → Tokens) created by a Read-Only Administrator, sent as `Authorization: SSWS <token>`; or an OAuth 2.0 access token for a service app with the okta.users.read, okta.groups.read, okta.roles.read and okta.logs.read scopes (set authScheme: Bearer).',
  ),
  authScheme: z
    .enum(['SSWS', 'Bearer'])
    .default('SSWS')
    .describe('How the token is sent: SSWS for an Okta API token, Bearer for an OAuth 2.0 access token.'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(200)
    .describe('Users and groups per page (Okta allows up to 200); lower it only to test pagination.'),
  logLookbackDays: z
    .number()
    .int()
    .min(1)
    .max(90)
    .default(90)
    .describe('On the first collection, how many days of System Log to fetch (Okta keeps 90 days); later runs continue from the stored cursor.'),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(16)
    .default(4)
    .describe("How many users' factors or admin roles are fetched at once."),
  rateLimitReservePercent: z
    .number()
    .int()
    .min(0)
    .max(90)
    .default(10)
    .describe(
      "Share of each Okta rate-limit window to leave for other integrations: when X-Rate-Limit-Remaining falls to this percentage of X-Rate-Limit-Limit, Vigil waits for X-Rate-Limit-Reset before its next request.",
    ),
});

export type OktaConfig = z.output<typeof configSchema>;
