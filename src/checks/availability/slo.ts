/**
 * availability.slo — each SLO read from Prometheus meets its availability target (default 99.9 %)
 * every month. The same judgement as availability.uptime (months.ts), over SLO samples: a sample
 * covers the step that ends at its time, with the ratio as the share of that step that was up.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { judgeMonths, type Span } from './months.ts';
import { SLO_SAMPLES, readSamples } from './rows.ts';
import { lookbackStart, monthParams } from './uptime.ts';

export const slo = defineCheck({
  id: 'availability.slo',
  title: 'Services meet their availability target each month (Prometheus SLO)',
  description:
    'Availability per SLO per calendar month, from the SLO expressions sampled in Prometheus, against the commitment (default 99.9 %): a complete month below target fails, the month in progress fails once its downtime exceeds the error budget, and steps without data count as unobserved.',
  area: 'availability',
  controls: ['AVL-02'],
  severity: 'high',
  // Results move with the clock: the months up to now, the current one still open.
  readsNow: true,
  inputs: { events: [SLO_SAMPLES] },
  params: z.object(monthParams),
  async evaluate({ inputs, params, now }) {
    const from = lookbackStart(now, params.months);
    const bySlo = await readSamples(inputs, from, new Date(now.getTime() + 1));
    const results: CheckResult[] = [];
    for (const [name, samples] of [...bySlo.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const spans: Span[] = samples.map((s) => ({ start: s.at, end: s.at + s.stepMs, up: s.up, evidence: s.evidence }));
      results.push(
        ...judgeMonths(
          {
            resource: `${SLO_SAMPLES}/${name}`,
            source: samples[0]!.source,
            service: name,
            observedBy: 'SLO samples',
            spans,
            since: samples[0]!.at,
            remedy: `check that the ${samples[0]!.source} source collects and that its query returns data for every step`,
          },
          now.getTime(),
          { target: params.targets[name] ?? params.target, months: params.months, minCoverage: params.minCoverage },
        ),
      );
    }
    return results;
  },
});
