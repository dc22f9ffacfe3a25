/**
 * What a user writes under `config:` for a synthetic-probe source: the endpoints to probe (HTTP(S)
 * with the answer expected, or a TCP connect), and how many failed probes in a row make an outage.
 * The source's `schedule` is the probe interval: each collection probes every target once.
 */
import { z } from 'zod';
import { isLoopbackHost, secret } from '../sdk/index.ts';

export const targetSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, ".", "_" and "-"')
      .describe('Service name: results, uptime and outages are reported under it (e.g. `api`, `checkout`).'),
    type: z.enum(['http', 'tcp']).default('http').describe('`http` requests a URL and judges the answer; `tcp` only opens a connection to host:port.'),
    url: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL such as https://api.example.com/healthz' })
      .optional()
      .describe('For `http`: the URL to request. https is verified against the system CA store; a certificate error is a failed probe.'),
    method: z.enum(['GET', 'HEAD']).default('GET').describe('For `http`: the request method.'),
    expectedStatus: z
      .array(z.number().int().min(100).max(599))
      .default([])
      .describe('For `http`: the status codes that count as up; empty means any 2xx.'),
    bodyContains: z.string().min(1).optional().describe('For `http`: text the body must contain (the first MiB is read), e.g. a marker only a healthy page renders.'),
    bodyMatches: z.string().min(1).optional().describe('For `http`: a regular expression the body must match (JavaScript syntax).'),
    maxLatencyMs: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('A probe slower than this many milliseconds (request to last byte read) counts as failed, even with the right answer.'),
    bearerToken: secret('For `http`: a token sent as `Authorization: Bearer …`, for a health endpoint that needs one. Redirects are then not followed.').optional(),
    host: z.string().min(1).optional().describe('For `tcp`: the host name or address to connect to.'),
    port: z.number().int().min(1).max(65535).optional().describe('For `tcp`: the port to connect to.'),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('Give up after this many milliseconds; a timeout is a failed probe.'),
  })
  .superRefine((t, ctx) => {
    if (t.type === 'http') {
      if (!t.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'an http target needs a url' });
      if (t.host !== undefined || t.port !== undefined) ctx.addIssue({ code: 'custom', path: ['host'], message: 'host and port are for tcp targets; an http target has a url' });
      if (t.bodyMatches !== undefined) {
        try {
          new RegExp(t.bodyMatches);
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['bodyMatches'], message: `not a valid regular expression: ${(e as Error).message}` });
        }
      }
      // A token over plain http to another machine would cross the network in clear text.
      if (t.url && t.bearerToken && t.url.startsWith('http:') && !isLoopbackHost(new URL(t.url).hostname)) {
        ctx.addIssue({ code: 'custom', path: ['bearerToken'], message: 'a bearer token is only sent over https (or to a loopback host)' });
      }
    } else {
      if (!t.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'a tcp target needs a host' });
      if (t.port === undefined) ctx.addIssue({ code: 'custom', path: ['port'], message: 'a tcp target needs a port' });
      for (const f of ['url', 'bodyContains', 'bodyMatches', 'bearerToken'] as const) {
        if (t[f] !== undefined) ctx.addIssue({ code: 'custom', path: [f], message: `${f} is for http targets` });
      }
    }
  });

export type ProbeTarget = z.output<typeof targetSchema>;

export const configSchema = z.strictObject({
  targets: z
    .array(targetSchema)
    .min(1, 'list at least one target')
    .superRefine((targets, ctx) => {
      const seen = new Set<string>();
      targets.forEach((t, i) => {
        if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two targets are named "${t.name}"` });
        seen.add(t.name);
      });
    })
    .describe('The endpoints to probe, each under its own service name.'),
  outageAfter: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(2)
    .describe('How many failed probes in a row make an outage (one failure alone is a blip: it counts against uptime but opens no outage).'),
});

export type HttpProbeConfig = z.output<typeof configSchema>;
