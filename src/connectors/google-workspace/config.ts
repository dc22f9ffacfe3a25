/**
 * What a user writes under `config:` for a Google Workspace source in vigil.yaml. The Admin SDK
 * only answers a service account that impersonates an administrator (domain-wide delegation), so
 * the usual config is the service account's email and private key plus the admin to act as; a
 * ready access token is also accepted (tools, tests, a token minted elsewhere).
 */
import { z } from 'zod';
import { httpFields, secret } from '../sdk/index.ts';

export const DEFAULT_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export const configSchema = z
  .strictObject({
    ...httpFields({ defaultBaseUrl: 'https://admin.googleapis.com' }),
    customer: z
      .string()
      .min(1)
      .default('my_customer')
      .describe('The Google Workspace customer to read: my_customer (the account of the impersonated admin) or a customer id such as C03az79cb.'),
    clientEmail: z
      .email()
      .optional()
      .describe('Email of the service account (client_email in its JSON key), e.g. vigil-reader@acme-prod.iam.gserviceaccount.com.'),
    privateKey: secret(
      'The service account’s private key (private_key in its JSON key: the PEM text from -----BEGIN PRIVATE KEY-----), used to sign the token request; it never leaves Vigil.',
    ).optional(),
    subject: z
      .email()
      .optional()
      .describe('The administrator the service account acts as (domain-wide delegation needs one), e.g. vigil-reader@acme.com: an admin with a read-only role.'),
    accessToken: secret('Instead of a service account: an OAuth 2.0 access token with the two read-only scopes (it expires within the hour; for tools and tests).').optional(),
    tokenUrl: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL such as https://oauth2.googleapis.com/token' })
      .default(DEFAULT_TOKEN_URL)
      .describe('Google’s OAuth 2.0 token endpoint the signed service-account assertion is exchanged at (token_uri in the JSON key).'),
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(500)
      .default(500)
      .describe('Users per page (maxResults; Google allows up to 500); lower it only to test pagination.'),
    auditLookbackDays: z
      .number()
      .int()
      .min(1)
      .max(180)
      .default(180)
      .describe('On the first collection, how many days of admin audit events to fetch (Google keeps about six months); later runs continue from the stored cursor.'),
  })
  .superRefine((c, ctx) => {
    const account = [c.clientEmail, c.privateKey, c.subject];
    if (c.accessToken !== undefined) {
      if (account.some((v) => v !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['accessToken'], message: 'give either accessToken or the service account (clientEmail, privateKey, subject), not both' });
      }
      return;
    }
    for (const field of ['clientEmail', 'privateKey', 'subject'] as const) {
      if (c[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `${field} is needed for a service account with domain-wide delegation (or give an accessToken instead)` });
      }
    }
  });

export type GoogleWorkspaceConfig = z.output<typeof configSchema>;
