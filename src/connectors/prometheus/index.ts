/**
 * Prometheus: availability SLOs read from a Prometheus-compatible HTTP API. Each configured SLO is
 * a PromQL expression returning the share of good time (or good requests) per step; the samples
 * become events, judged per service and month by availability.slo.
 */
import { basicAuth, bearerAuth, defineConnector, noAuth } from '../sdk/index.ts';
import { querySeries, readPrometheusProblem } from './api.ts';
import { configSchema } from './config.ts';
import { sloSamples } from './events/slo-samples.ts';

export const prometheus = defineConnector({
  id: 'prometheus',
  title: 'Prometheus',
  description: 'Availability SLOs from the Prometheus HTTP API (query_range): one ratio per SLO per step, for uptime against the commitment per month.',
  configSchema,
  auth: {
    description: 'None, a bearer token (`Authorization: Bearer`), or HTTP Basic — whatever the server or the proxy in front of it asks for.',
    permissions: ['read access to the query API (`/api/v1/query`, `/api/v1/query_range`) for the series the SLO expressions use'],
    create: (c) => (c.token ? bearerAuth(c.token) : c.username && c.password ? basicAuth(c.username, c.password) : noAuth),
  },
  http: { readProblem: readPrometheusProblem, rateLimit: { requestsPerSecond: 5 } },
  async testConnection(ctx) {
    const now = ctx.clock.now().toISOString();
    const values: string[] = [];
    for (const slo of ctx.config.slos) {
      const series = await querySeries(ctx, '/api/v1/query', { query: slo.query, time: now }, 'vector');
      values.push(`${slo.name} = ${series.length === 1 ? series[0]!.value?.[1] : `${series.length} series`}`);
    }
    return { summary: `queried ${ctx.config.slos.length} SLO${ctx.config.slos.length === 1 ? '' : 's'} at ${now}: ${values.join(', ')}`, details: { slos: ctx.config.slos.length } };
  },
  resources: [],
  events: [sloSamples],
});

export default prometheus;
