/**
 * Acme People — a small fictional directory/HR REST API, and the connector to copy when writing a
 * new one. It shows each piece of the contract: a config with a secret, bearer auth with the least
 * permissions, a cheap connection test, a resource paginated by Link header, one paginated by a
 * cursor in the body, incremental events, and a provider answer that means "not applicable".
 */
import { bearerAuth, defineConnector } from '../sdk/index.ts';
import { configSchema } from './config.ts';
import { auditEvents } from './resources/audit-events.ts';
import { groups } from './resources/groups.ts';
import { users } from './resources/users.ts';

export const acmePeople = defineConnector({
  id: 'acme-people',
  title: 'Acme People',
  description: 'Users, groups and the audit log of an Acme People directory (a fictional provider: this is the connector template).',
  configSchema,
  auth: {
    description: 'An API token, sent as `Authorization: Bearer <token>`. A token of a read-only service account is enough.',
    permissions: ['users:read', 'groups:read', 'audit:read (Business plan only)'],
    create: (config) => bearerAuth(config.token),
  },
  // Acme People allows 600 requests a minute per token; stay under it.
  http: { rateLimit: { requestsPerSecond: 10 } },
  async testConnection(ctx) {
    const org = await ctx.http.get<{ id: string; name: string; plan: string }>('/v1/organization');
    return { summary: `connected to ${org.name} (plan ${org.plan})`, details: { organization: org.id, plan: org.plan } };
  },
  resources: [users, groups],
  events: [auditEvents],
  notApplicable: [
    { status: 402, code: 'plan_upgrade_required', reason: 'the audit log is not part of this Acme People plan', appliesTo: ['audit-events'] },
  ],
});
