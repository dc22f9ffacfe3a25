/**
 * What a user writes under `config:` for a Prometheus source: the server (or any server speaking
 * the Prometheus HTTP API: Thanos, Mimir, VictoriaMetrics, a managed Prometheus), optional
 * credentials, and the SLO expressions to sample — each a PromQL query returning one availability
 * ratio between 0 and 1.
 */
import { z } from 'zod';
import { parseDuration, durationMs } from '../../lib/duration.ts';
import { httpFields, secret } from '../sdk/index.ts';

export const sloSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, ".", "_" and "-"')
    .describe('Service or SLO name: samples and the SLO check report under it (e.g. `api`).'),
  query: z
    .string()
    .min(1)
    .describe(
      'PromQL returning one series: the share of good events (or up time) over one step, e.g. `sum(rate(http_requests_total{job="api",code!~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))` or `avg_over_time(probe_success{job="api"}[5m])`.',
    ),
  scale: z.enum(['ratio', 'percent']).default('ratio').describe('`ratio` when the query returns 0–1, `percent` when it returns 0–100.'),
});

const step = z
  .string()
  .default('PT5M')
  .superRefine((s, ctx) => {
    try {
      const d = parseDuration(s);
      if (d.years || d.months) ctx.addIssue({ code: 'custom', message: 'use days, hours, minutes or seconds (a month has no fixed length)' });
      else if (durationMs(d) < 1000) ctx.addIssue({ code: 'custom', message: 'at least one second' });
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  })
  .describe('Resolution of the samples, as an ISO 8601 duration (PT5M); match the range in the query ([5m]) so each sample covers exactly one step.');

export const configSchema = z
  .strictObject({
    ...httpFields({ example: 'https://prometheus.example.com' }),
    token: secret('A bearer token, for a Prometheus behind an authenticating proxy or a managed service.').optional(),
    username: z.string().min(1).optional().describe('User name for HTTP Basic authentication (with `password`).'),
    password: secret('Password for HTTP Basic authentication.').optional(),
    slos: z
      .array(sloSchema)
      .min(1, 'list at least one SLO')
      .superRefine((slos, ctx) => {
        const seen = new Set<string>();
        slos.forEach((s, i) => {
          if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two SLOs are named "${s.name}"` });
          seen.add(s.name);
        });
      })
      .describe('The SLO expressions to sample.'),
    step,
    lookbackDays: z
      .number()
      .int()
      .min(1)
      .max(400)
      .default(35)
      .describe('On the first collection (and for an SLO added later), how many days of history to read; later runs continue from the cursor.'),
    maxPointsPerQuery: z
      .number()
      .int()
      .min(2)
      .max(11_000)
      .default(11_000)
      .describe('Samples per query_range request; Prometheus refuses more than 11,000 points per series, so longer ranges are split.'),
  })
  .superRefine((c, ctx) => {
    if (c.token && (c.username || c.password)) ctx.addIssue({ code: 'custom', path: ['token'], message: 'give a token or a username and password, not both' });
    if ((c.username === undefined) !== (c.password === undefined)) ctx.addIssue({ code: 'custom', path: ['password'], message: 'Basic authentication needs both username and password' });
  });

export type PrometheusConfig = z.output<typeof configSchema>;
export type SloConfig = z.output<typeof sloSchema>;
