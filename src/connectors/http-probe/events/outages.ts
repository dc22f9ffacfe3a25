/**
 * Outages: a target failing `outageAfter` probes in a row. Each outage is announced once when
 * detected (`started`) and once when a probe passes again (`resolved`), under one `outageId` — the
 * record other checks see (availability.outage-has-incident looks for the incident that handled it).
 * The detection state is the cursor (see ../outages.ts).
 */
import { z } from 'zod';
import { defineEvents, type RunContext } from '../../sdk/index.ts';
import type { HttpProbeConfig } from '../config.ts';
import { advanceOutages, parseState } from '../outages.ts';
import { probeRun } from '../run.ts';

export const outageEventSchema = z.object({
  id: z.string().describe('`<outageId>/started` or `<outageId>/resolved`: unique per event.'),
  outageId: z.string().describe('`<target>@<startedAt>`: the same for both events of one outage.'),
  target: z.string().describe('The service name of the target that was down.'),
  phase: z.enum(['started', 'resolved']).describe('`started` when enough failures in a row were seen; `resolved` at the first probe that passed again.'),
  at: z.iso.datetime().describe('When this was seen: the probe that made the outage (started) or ended it (resolved).'),
  startedAt: z.iso.datetime().describe('The first failed probe of the outage: when it began, as far as the probes can tell.'),
  resolvedAt: z.iso.datetime().nullable().describe('The first probe that passed again; null on the started event.'),
  failedProbes: z.number().int().describe('Failed probes in a row so far (started) or in all (resolved).'),
  lastError: z.string().nullable().describe('Why the last failed probe failed.'),
  durationSeconds: z.number().int().nullable().describe('From the first failed probe to the first passing one (resolved only).'),
});

export type OutageRow = z.output<typeof outageEventSchema>;

export const outages = defineEvents({
  name: 'outages',
  description: 'Outages detected from consecutive failed probes: one event when an outage starts and one when it ends.',
  schema: outageEventSchema,
  key: 'id',
  time: 'at',
  async *list(ctx: RunContext<HttpProbeConfig>, cursor: string | null) {
    const { state, reset } = parseState(cursor);
    if (reset) ctx.log.warn('the stored outage state could not be read; counting failed probes afresh');
    const results = await probeRun(ctx);
    const next = advanceOutages(state, results, ctx.config.outageAfter);
    for (const e of next.events) {
      if (e.phase === 'started') ctx.log.warn(`outage: ${e.target} down since ${e.startedAt} (${e.failedProbes} failed probes: ${e.lastError})`);
      else ctx.log.info(`outage over: ${e.target} back at ${e.at} after ${e.durationSeconds} s`);
    }
    yield { rows: next.events, cursor: JSON.stringify(next.state) };
  },
});
