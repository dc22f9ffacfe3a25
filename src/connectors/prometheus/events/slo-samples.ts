/**
 * SLO samples: the configured availability ratio of each SLO at every step, read with
 * `/api/v1/query_range` from where the last run stopped (per SLO, in the cursor) up to the last
 * complete step before now. Long ranges are split to stay under Prometheus' 11,000 points per
 * series. A step with no data (no series, or NaN from 0/0) yields no sample: the SLO check counts
 * it as unobserved, never as up.
 */
import { z } from 'zod';
import { VigilError } from '../../../lib/errors.ts';
import { DAY_MS } from '../../../lib/clock.ts';
import { durationMs } from '../../../lib/duration.ts';
import { defineEvents, type RunContext } from '../../sdk/index.ts';
import { querySeries, showLabels } from '../api.ts';
import type { PrometheusConfig, SloConfig } from '../config.ts';

export const sloSampleSchema = z.object({
  id: z.string().describe('`<slo>@<time>`: unique per SLO and step.'),
  slo: z.string().describe('The SLO name from the config.'),
  at: z.iso.datetime().describe('The evaluation time of the sample (UTC); it covers the step that ends here.'),
  ratio: z.number().min(0).max(1).describe('The availability ratio over the step, 0–1 (a `percent` SLO is divided by 100).'),
  stepSeconds: z.number().int().describe('Length of the step the sample covers, in seconds.'),
  query: z.string().describe('The PromQL expression that produced it, as configured then.'),
});

export type SloSampleRow = z.output<typeof sloSampleSchema>;

/** Cursor: SLO name → the evaluation time (ISO) of the last step read. */
type Cursor = Record<string, string>;

function parseCursor(cursor: string | null): Cursor {
  if (!cursor) return {};
  try {
    const c = JSON.parse(cursor) as unknown;
    if (c && typeof c === 'object' && !Array.isArray(c)) return Object.fromEntries(Object.entries(c).filter(([, v]) => typeof v === 'string' && !Number.isNaN(Date.parse(v))));
  } catch {
    // An unreadable cursor re-reads the lookback window; samples are keyed, so nothing doubles.
  }
  return {};
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Samples per page handed to the engine. */
const PAGE = 1000;

function toRatio(ctx: RunContext<PrometheusConfig>, slo: SloConfig, raw: string): number | undefined {
  const value = Number(raw);
  if (!Number.isFinite(value)) return undefined;
  const ratio = slo.scale === 'percent' ? value / 100 : value;
  // Rounding in rate() can push a perfect ratio a hair past 1.
  if (ratio > 1 && ratio < 1 + 1e-9) return 1;
  if (ratio < 0 || ratio > 1) {
    throw new VigilError('InvalidConfig', `SLO ${slo.name}: the query returned ${raw}, which is not ${slo.scale === 'percent' ? 'a percentage (0–100)' : 'a ratio between 0 and 1'}`, {
      where: `connector ${ctx.connectorId}: slos.${slo.name}.query`,
      hint: slo.scale === 'percent' ? 'check the query' : 'divide by 100 in the query, or set scale: percent',
    });
  }
  return ratio;
}

export const sloSamples = defineEvents({
  name: 'slo-samples',
  description: 'The availability ratio of each configured SLO expression at every step, read incrementally with query_range.',
  schema: sloSampleSchema,
  key: 'id',
  time: 'at',
  async *list(ctx: RunContext<PrometheusConfig>, cursor: string | null) {
    const stepMs = durationMs(ctx.config.step);
    const stepSeconds = Math.round(stepMs / 1000);
    const progress = parseCursor(cursor);
    // Only complete steps: the sample at `end` covers the step that just finished.
    const end = Math.floor(ctx.clock.now().getTime() / stepMs) * stepMs;
    const chunk = (ctx.config.maxPointsPerQuery - 1) * stepMs;
    for (const slo of ctx.config.slos) {
      const last = progress[slo.name];
      let start = last ? Date.parse(last) + stepMs : Math.ceil((end - ctx.config.lookbackDays * DAY_MS) / stepMs) * stepMs;
      while (start <= end) {
        const to = Math.min(end, start + chunk);
        const series = await querySeries(ctx, '/api/v1/query_range', { query: slo.query, start: iso(start), end: iso(to), step: String(stepSeconds) }, 'matrix');
        if (series.length > 1) {
          throw new VigilError('InvalidConfig', `SLO ${slo.name}: the query returned ${series.length} series (${series.slice(0, 3).map((s) => showLabels(s.metric)).join(', ')}${series.length > 3 ? ', …' : ''}), not one ratio`, {
            where: `connector ${ctx.connectorId}: slos.${slo.name}.query`,
            hint: 'aggregate it to one series, e.g. wrap numerator and denominator in sum(…)',
          });
        }
        const rows: SloSampleRow[] = [];
        for (const [t, raw] of series[0]?.values ?? []) {
          const ratio = toRatio(ctx, slo, raw);
          if (ratio === undefined) continue;
          const at = iso(Math.round(t * 1000));
          rows.push({ id: `${slo.name}@${at}`, slo: slo.name, at, ratio, stepSeconds, query: slo.query });
        }
        // A chunk can hold 11,000 samples; pages stay small enough to store in one statement, each
        // with the cursor of its last sample so a run stopped between them resumes exactly there.
        for (let k = 0; k === 0 || k < rows.length; k += PAGE) {
          const page = rows.slice(k, k + PAGE);
          progress[slo.name] = k + PAGE >= rows.length ? iso(to) : page.at(-1)!.at;
          yield { rows: page, cursor: JSON.stringify(progress) };
        }
        start = to + stepMs;
      }
    }
  },
});
