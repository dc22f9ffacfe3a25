/**
 * PagerDuty — incidents with their triggered, acknowledged and resolved times, urgency, priority,
 * service, timeline and notes, from the PagerDuty REST API v2 of one account.
 */
import { bearerAuth, defineConnector, headerAuth } from '../sdk/index.ts';
import { pdHeaders } from './api.ts';
import { configSchema } from './config.ts';
import { incidents } from './resources/incidents.ts';

export const pagerduty = defineConnector({
  id: 'pagerduty',
  title: 'PagerDuty',
  description: 'Incidents with triggered, acknowledged and resolved times, urgency, priority, service, timeline and notes, from a PagerDuty account.',
  configSchema,
  auth: {
    description:
      'A read-only REST API key sent as `Authorization: Token token=<key>`, or an OAuth 2.0 access token sent as `Authorization: Bearer <token>` (`authScheme: Bearer`). Every request accepts `application/vnd.pagerduty+json;version=2`.',
    permissions: ['REST API key: a read-only API key (account level) or a user API key of a user who can see every service', 'OAuth 2.0: incidents.read, abilities.read'],
    create: (config) => (config.authScheme === 'Bearer' ? bearerAuth(config.token) : headerAuth('authorization', `Token token=${config.token}`, [config.token])),
  },
  // PagerDuty allows 960 REST requests a minute per key; stay well under it.
  http: { rateLimit: { requestsPerSecond: 12 } },
  async testConnection(ctx) {
    const body = await ctx.http.get<{ abilities?: unknown }>('/abilities', { headers: pdHeaders });
    const abilities = Array.isArray(body?.abilities) ? body.abilities.filter((a): a is string => typeof a === 'string') : [];
    const host = ctx.http.baseUrl.host;
    return {
      summary: `connected to the PagerDuty account at ${host}${abilities.length ? ` (${abilities.length} abilities${abilities.includes('urgencies') ? ', urgencies on' : ''})` : ''}`,
      details: { host, abilities: abilities.length, urgencies: abilities.includes('urgencies') },
    };
  },
  resources: [incidents],
});

export default pagerduty;
