/**
 * What a user writes under `config:` for a PagerDuty source in vigil.yaml. Accounts in the EU
 * service region use https://api.eu.pagerduty.com; everyone else the default.
 */
import { z } from 'zod';
import { httpFields, secret } from '../sdk/index.ts';

export const configSchema = z.strictObject({
  ...httpFields({ defaultBaseUrl: 'https://api.pagerduty.com', example: 'https://api.pagerduty.com, or https://api.eu.pagerduty.com for the EU service region' }),
  token: secret(
    'A read-only REST API key (Integrations → API Access Keys → Create New API Key, "Read-only API Key" ticked), sent as `Authorization: Token token=<key>`; or an OAuth 2.0 access token with the incidents.read scope (set authScheme: Bearer).',
  ),
  authScheme: z
    .enum(['Token', 'Bearer'])
    .default('Token')
    .describe('How the token is sent: Token for a REST API key, Bearer for an OAuth 2.0 access token.'),
  lookbackDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(365)
    .describe('Collect incidents created within this many days before now (the incident checks judge the last 365 days by default).'),
  includeNotes: z
    .boolean()
    .default(true)
    .describe("Also read each incident's notes (one request per incident): the responders' own record of triage and follow-up."),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(100)
    .describe('Incidents and log entries per page (PagerDuty allows up to 100); lower it only to test pagination.'),
});

export type PagerDutyConfig = z.output<typeof configSchema>;
