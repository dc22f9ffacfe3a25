/**
 * Google Workspace — users with their 2-Step Verification state and admin flags (Admin SDK
 * Directory API) and the Admin console audit log (Reports API), read as a service account with
 * domain-wide delegation.
 */
import { defineConnector } from '../sdk/index.ts';
import { googlePages, googleProblem } from './api.ts';
import { createAuth, SCOPES } from './auth.ts';
import { configSchema } from './config.ts';
import { adminActivity } from './events/admin-activity.ts';
import { USERS_PATH, users, type ApiUser } from './resources/users.ts';

export const googleWorkspace = defineConnector({
  id: 'google-workspace',
  title: 'Google Workspace',
  description: 'Users with 2-Step Verification enrolment and enforcement, admin flags, suspension and sign-in dates, and the Admin console audit log of a Google Workspace account.',
  configSchema,
  auth: {
    description:
      'A service account with domain-wide delegation: Vigil signs a JWT (RS256) with the account’s private key for the read-only scopes, acting as `subject` (an administrator), and exchanges it at the token endpoint for an hour-long access token, sent as `Authorization: Bearer`. An access token obtained elsewhere can be given instead (`accessToken`).',
    permissions: [
      `${SCOPES[0]} (users), granted to the service account’s client id under domain-wide delegation`,
      `${SCOPES[1]} (admin audit log), granted the same way`,
      'subject: an administrator whose role can read users and reports (a custom role with Users → Read and Reports privileges is enough)',
    ],
    create: createAuth,
  },
  http: {
    readProblem: googleProblem,
    // The Directory API allows about 40 queries a second per customer by default; stay well under.
    rateLimit: { requestsPerSecond: 10 },
  },
  async testConnection(ctx) {
    // One user proves the URL, the credentials (and the delegation behind them) and the users scope.
    const query = { customer: ctx.config.customer, maxResults: 1 };
    let sample: ApiUser | undefined;
    for await (const page of googlePages<ApiUser>(ctx, USERS_PATH, 'users', query)) {
      sample = page[0];
      break;
    }
    const domain = sample?.primaryEmail.split('@')[1];
    return {
      summary: `connected to Google Workspace${domain ? ` (${domain})` : ''} as ${ctx.config.subject ?? 'the given access token'}; can read users`,
      details: { customer: ctx.config.customer, auth: ctx.config.accessToken !== undefined ? 'access token' : 'service account' },
    };
  },
  resources: [users],
  events: [adminActivity],
});

export default googleWorkspace;
