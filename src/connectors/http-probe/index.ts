/**
 * Synthetic probes: Vigil itself requests each configured endpoint (HTTP(S) with the status, body
 * and latency expected, or a TCP connect) every time the source is collected — the source's
 * schedule is the probe interval. Results and outages are events; uptime is judged from them.
 */
import { defineConnector } from '../sdk/index.ts';
import { configSchema } from './config.ts';
import { outages } from './events/outages.ts';
import { probes } from './events/probes.ts';
import { probeAll } from './run.ts';

export const httpProbe = defineConnector({
  id: 'http-probe',
  title: 'Synthetic probes (HTTP / TCP)',
  description: 'Uptime of your own endpoints, measured by Vigil: an HTTP(S) request judged on status, body and latency, or a TCP connect, on the source schedule; consecutive failures become outages.',
  configSchema,
  auth: {
    description: 'None by default: the endpoints are probed as an anonymous client would reach them. A target may send a bearer token to a health endpoint that needs one.',
    permissions: ['network access from the Vigil host to each target (the probe measures that path)'],
  },
  async testConnection(ctx) {
    const results = await probeAll(ctx);
    const up = results.filter((r) => r.ok).length;
    const each = results.map((r) => (r.ok ? `${r.target} up (${r.statusCode ?? 'connected'}, ${Math.round(r.latencyMs ?? 0)} ms)` : `${r.target} DOWN (${r.error})`));
    return { summary: `${up} of ${results.length} targets up: ${each.join('; ')}`, details: { targets: results.length, up } };
  },
  resources: [],
  events: [probes, outages],
});

export default httpProbe;
