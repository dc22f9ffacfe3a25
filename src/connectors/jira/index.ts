/**
 * Jira Cloud — issues of configurable kinds (incidents, security issues, changes, postmortems,
 * corrective actions, incident-response exercises) with status history, assignee, links, approvals
 * and configurable custom fields, from the Jira Cloud REST API v3 of one site.
 */
import { basicAuth, bearerAuth, defineConnector } from '../sdk/index.ts';
import { readJiraProblem } from './api.ts';
import { configSchema } from './config.ts';
import { issues } from './resources/issues.ts';

export const jira = defineConnector({
  id: 'jira',
  title: 'Jira Cloud',
  description: 'Incidents, security issues, changes, postmortems, corrective actions and incident-response exercises from Jira Cloud, with status history, links, approvals and custom fields.',
  configSchema,
  auth: {
    description:
      'HTTP basic auth with the email address of an Atlassian account and an API token (`authScheme: basic`), or an OAuth 2.0 (3LO) access token sent as `Authorization: Bearer <token>` with the base URL `https://api.atlassian.com/ex/jira/<cloudId>` (`authScheme: bearer`).',
    permissions: ['Browse projects on every project collected (a dedicated read-only account is enough)', 'OAuth 2.0: read:jira-work, read:jira-user'],
    create: (config) => (config.authScheme === 'bearer' ? bearerAuth(config.apiToken) : basicAuth(config.email ?? '', config.apiToken)),
  },
  // Jira Cloud's limits are cost-based and announced with 429 + Retry-After; 10 a second stays clear.
  http: { rateLimit: { requestsPerSecond: 10 }, readProblem: readJiraProblem },
  async testConnection(ctx) {
    const me = await ctx.http.get<{ accountId?: string; displayName?: string }>('/rest/api/3/myself');
    const host = ctx.http.baseUrl.host;
    return { summary: `connected to the Jira site at ${host} as ${me?.displayName ?? 'an unnamed account'}`, details: { host, accountId: me?.accountId ?? '' } };
  },
  resources: [issues],
});

export default jira;
