/**
 * availability.uptime — each service probed by Vigil (http-probe) meets its availability target
 * (default 99.9 %) every month. One result per service and month, for the month in progress and
 * the `months - 1` before it, with the uptime of each day in the details.
 *
 * A probe result stands for the time until the next probe, but for at most `maxProbeGap`: longer
 * silences are unobserved (see months.ts for how unobserved time is judged).
 */
import { z } from 'zod';
import { durationMs } from '../../lib/duration.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { judgeMonths, type Span } from './months.ts';
import { PROBES, readProbes } from './rows.ts';

const isoDuration = (fallback: string, what: string) =>
  z
    .string()
    .default(fallback)
    .refine((s) => {
      try {
        return durationMs(s) > 0;
      } catch {
        return false;
      }
    }, 'an ISO 8601 duration such as PT15M')
    .describe(what);

export const monthParams = {
  target: z.number().min(0).max(100).default(99.9).describe('The availability commitment, in percent of each calendar month (UTC).'),
  targets: z.record(z.string(), z.number().min(0).max(100)).default({}).describe('Per-service commitments that differ from `target`, by service name.'),
  months: z.number().int().min(1).max(24).default(3).describe('Months judged: the month in progress and the ones before it.'),
  minCoverage: z.number().min(0).max(100).default(90).describe('Percent of each month (since observation began) that must be observed; a month observed less fails for lack of evidence.'),
};

export { isoDuration };

/** The first instant of the oldest month judged. */
export function lookbackStart(now: Date, months: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
}

export const uptime = defineCheck({
  id: 'availability.uptime',
  title: 'Services meet their availability target each month (probes)',
  description:
    "Uptime per service per calendar month, from Vigil's own HTTP/TCP probes, against the service's commitment (default 99.9 %): a complete month below target fails, the month in progress fails once its downtime exceeds the month's error budget, and a month too thinly observed fails for lack of evidence.",
  area: 'availability',
  controls: ['AVL-01', 'AVL-02'],
  severity: 'high',
  // Results move with the clock: the months up to now, the current one still open.
  readsNow: true,
  inputs: { events: [PROBES] },
  params: z.object({
    ...monthParams,
    maxProbeGap: isoDuration('PT15M', 'The longest a probe result stands for; beyond it, time until the next probe is unobserved.'),
  }),
  async evaluate({ inputs, params, now }) {
    const gap = durationMs(params.maxProbeGap);
    const from = lookbackStart(now, params.months);
    const byTarget = await readProbes(inputs, new Date(from.getTime() - gap), new Date(now.getTime() + 1));
    const results: CheckResult[] = [];
    for (const [target, probes] of [...byTarget.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const spans: Span[] = probes.map((p, i) => ({
        start: p.at,
        end: Math.min(probes[i + 1]?.at ?? now.getTime(), p.at + gap, now.getTime()),
        up: p.up,
        evidence: p.evidence,
      }));
      results.push(
        ...judgeMonths(
          {
            resource: `${PROBES}/${target}`,
            source: probes[0]!.source,
            service: target,
            observedBy: 'probes',
            spans,
            since: probes[0]!.at,
            remedy: `the ${probes[0]!.source} source's schedule is the probe interval`,
          },
          now.getTime(),
          { target: params.targets[target] ?? params.target, months: params.months, minCoverage: params.minCoverage },
        ),
      );
    }
    return results;
  },
});
