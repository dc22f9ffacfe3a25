/**
 * Probe results: one event per target per collection — when, whether it passed, how fast, and why
 * not. Uptime is computed from these (availability.uptime); each probe result stands for the time
 * until the next one.
 */
import { z } from 'zod';
import { defineEvents, type RunContext } from '../../sdk/index.ts';
import type { HttpProbeConfig } from '../config.ts';
import { probeRun } from '../run.ts';

export const probeResultSchema = z.object({
  id: z.string().describe('`<target>@<time>`: unique per target and run.'),
  target: z.string().describe('The service name of the target (from the config).'),
  type: z.enum(['http', 'tcp']).describe('How it was probed: an HTTP(S) request or a TCP connect.'),
  endpoint: z.string().describe('What was probed: the URL without its query string, or host:port.'),
  at: z.iso.datetime().describe('When the probe ran (UTC); every target of one run shares it.'),
  ok: z.boolean().describe('Whether the target passed: answered in time, with an expected status and body, within the latency limit.'),
  latencyMs: z.number().nullable().describe('Milliseconds to the answer (HTTP: to the last byte read; TCP: to the connection); null when there was no answer.'),
  statusCode: z.number().int().nullable().describe('The HTTP status of the answer; null for TCP probes and when no answer came.'),
  error: z.string().nullable().describe('Why the probe failed (refused, timed out, TLS, wrong status, body mismatch, slow); null when it passed.'),
});

export type ProbeRow = z.output<typeof probeResultSchema>;

export const probes = defineEvents({
  name: 'probes',
  description: 'One result per target each time the source is collected: up or down, latency, status and the reason for a failure.',
  schema: probeResultSchema,
  key: 'id',
  time: 'at',
  async *list(ctx: RunContext<HttpProbeConfig>) {
    const results = await probeRun(ctx);
    // Every run is new: the cursor only records when the last one happened.
    yield { rows: results, cursor: results[0]?.at ?? null };
  },
});
