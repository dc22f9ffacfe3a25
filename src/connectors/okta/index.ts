/**
 * Okta — users (DEPROVISIONED included), their MFA factors and admin roles, groups with members,
 * and the System Log, from the Okta Management REST API of one org.
 */
import { bearerAuth, defineConnector, headerAuth } from '../sdk/index.ts';
import { oktaGet, type ApiUser } from './api.ts';
import { configSchema } from './config.ts';
import { systemLog } from './events/system-log.ts';
import { adminRoles } from './resources/admin-roles.ts';
import { factors } from './resources/factors.ts';
import { groups } from './resources/groups.ts';
import { users } from './resources/users.ts';

export const okta = defineConnector({
  id: 'okta',
  title: 'Okta',
  description: 'Users with lifecycle dates, MFA factors, admin role assignments, groups with members, and the System Log of an Okta org.',
  configSchema,
  auth: {
    description:
      'An Okta API token sent as `Authorization: SSWS <token>` (the token acts with the roles of the admin who created it: create it as a dedicated Read-Only Administrator), or an OAuth 2.0 access token of a service app sent as `Authorization: Bearer <token>` (`authScheme: Bearer`).',
    permissions: [
      'API token: the Read-Only Administrator role',
      'OAuth 2.0: okta.users.read (users and their factors)',
      'OAuth 2.0: okta.groups.read (groups and members)',
      'OAuth 2.0: okta.roles.read (admin role assignments)',
      'OAuth 2.0: okta.logs.read (System Log)',
    ],
    create: (config) => (config.authScheme === 'Bearer' ? bearerAuth(config.token) : headerAuth('authorization', `SSWS ${config.token}`, [config.token])),
  },
  // No fixed request rate: Okta reports its per-minute limits on every answer, and rate-limit.ts
  // paces by them (a guessed rate would be too slow for a large org or too fast for a small one).
  async testConnection(ctx) {
    // One user proves the URL, the token and the read permission every listing needs.
    const page = await oktaGet<ApiUser[]>(ctx, '/api/v1/users', { limit: 1 });
    const host = ctx.http.baseUrl.host;
    return {
      summary: `connected to the Okta org at ${host}; can read users${Array.isArray(page) && page.length === 0 ? ' (the org has none)' : ''}`,
      details: { org: host, authScheme: ctx.config.authScheme },
    };
  },
  resources: [users, factors, adminRoles, groups],
  events: [systemLog],
  // Okta itself always has these endpoints, so a 404 from a server that answered the users list is
  // an Okta-compatible server without them (a proxy, a directory bridge): nothing to read there.
  notApplicable: [{ status: 404, reason: 'this server has no such Okta endpoint (it answered the users list, so the base URL is right)', appliesTo: ['groups', 'system-log'] }],
});

export default okta;
