import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeResultSchema } from '../../connectors/http-probe/events/probes.ts';
import { sloSampleSchema } from '../../connectors/prometheus/events/slo-samples.ts';
import { seed, type Seeded } from '../access/hr-test-data.ts';
import type { CheckResult } from '../sdk/define.ts';
import { percent, tally } from './months.ts';
import { slo } from './slo.ts';
import { uptime } from './uptime.ts';

const MIN = 60_000;
const HOUR = 3_600_000;

let store: Seeded;
beforeAll(async () => {
  store = await seed({ slug: 'availability' });
});
afterAll(() => store.close());

let ws = 0;
/** A fresh workspace in the shared database, so each test judges only its own rows. */
async function workspace(): Promise<Seeded> {
  return seed({ db: store.db, slug: `uptime-${++ws}` });
}

/** Probe rows shaped (and validated) as the http-probe connector writes them. */
function probes(target: string, from: string, count: number, everyMs: number, down: (i: number) => boolean) {
  const start = Date.parse(from);
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(start + i * everyMs).toISOString();
    return probeResultSchema.parse({ id: `${target}@${at}`, target, type: 'http', endpoint: `https://${target}.example.com/healthz`, at, ok: !down(i), latencyMs: down(i) ? null : 42, statusCode: down(i) ? 503 : 200, error: down(i) ? 'status 503, expected 2xx' : null });
  });
}

const putProbes = (s: Seeded, rows: Record<string, unknown>[]) => s.putEvents('http-probe.probes', 'probes', 'id', 'at', rows);
const summary = (results: CheckResult[]) => results.map((r) => [r.resource, r.status, r.reason]);

describe('uptime arithmetic', () => {
  it('splits time at UTC midnight and cuts percentages instead of rounding them up to a target', () => {
    const { total, days } = tally([{ start: Date.parse('2026-03-01T23:00:00Z'), end: Date.parse('2026-03-02T01:00:00Z'), up: 0.5, evidence: [] }], 0, Date.parse('2026-03-02T00:30:00Z'));
    expect(total).toEqual({ observedMs: 1.5 * HOUR, upMs: 0.75 * HOUR });
    expect([...days.entries()]).toEqual([
      ['2026-03-01', { observedMs: HOUR, upMs: 0.5 * HOUR }],
      ['2026-03-02', { observedMs: 0.5 * HOUR, upMs: 0.25 * HOUR }],
    ]);
    expect(percent(99_899_999, 100_000_000)).toBe(99.899);
    expect(percent(1, 1)).toBe(100);
  });
});

describe('availability.uptime', () => {
  it('gives the uptime of the month so far with each day, passing while the downtime is within the error budget', async () => {
    const s = await workspace();
    await putProbes(s, probes('api', '2026-03-01T12:00:00Z', 60, MIN, (i) => i >= 20 && i < 30));
    const results = await s.run(uptime, '2026-03-01T13:00:00Z');
    expect(summary(results)).toEqual([
      ['http-probe.probes/api/2026-03', 'pass', 'api: 10 min down so far in 2026-03, within the 45 min monthly error budget of the 99.9 % target'],
    ]);
    expect(results[0]!.details).toMatchObject({ uptimePercent: 83.333, downMinutes: 10, budgetMinutes: 44.64, coveragePercent: 100, observedHours: 1, complete: false, days: [{ date: '2026-03-01', uptimePercent: 83.333, downMinutes: 10 }] });
    // First probe, the ten failed ones and the last: what an auditor opens.
    expect(results[0]!.evidence).toHaveLength(12);
    expect(results[0]!.evidence[1]).toBe('ev-http-probe.probes-api@2026-03-01T12:20:00.000Z');
  });

  it('fails the month in progress once its downtime exceeds the budget of a per-service target', async () => {
    const s = await workspace();
    await putProbes(s, probes('api', '2026-03-01T12:00:00Z', 60, MIN, (i) => i >= 20 && i < 30));
    await putProbes(s, probes('web', '2026-03-01T12:00:00Z', 60, MIN, () => false));
    const results = await s.run(uptime, '2026-03-01T13:00:00Z', { targets: { api: 99.99 } });
    expect(summary(results)).toEqual([
      ['http-probe.probes/api/2026-03', 'fail', 'api has been down 10 min so far in 2026-03, more than the 4 min error budget of the 99.99 % target; worst day 2026-03-01 (83.333 %)'],
      ['http-probe.probes/web/2026-03', 'pass', 'web: 0 min down so far in 2026-03, within the 45 min monthly error budget of the 99.9 % target'],
    ]);
    expect(results[0]!.details).toMatchObject({ uptimePercent: 83.333, targetPercent: 99.99, complete: false });
    expect(results[1]!.details).toMatchObject({ uptimePercent: 100, targetPercent: 99.9, complete: false });
    expect(results[0]!.status === 'fail' && results[0]!.remediation).toContain('can no longer meet its objective');
  });

  it('judges complete months on their uptime: exactly at the target passes, just below fails', async () => {
    const s = await workspace();
    // February 2026: 672 hourly probes. One failed hour is 99.851 %; one failed in 1000 would be 99.9 %.
    await putProbes(s, probes('api', '2026-02-01T00:00:00Z', 672, HOUR, (i) => i === 100));
    await putProbes(s, probes('api', '2026-03-01T00:00:00Z', 1, HOUR, () => false));
    const results = await s.run(uptime, '2026-03-01T00:30:00Z', { maxProbeGap: 'PT1H' });
    expect(summary(results)).toEqual([
      ['http-probe.probes/api/2026-03', 'pass', 'api: 0 min down so far in 2026-03, within the 45 min monthly error budget of the 99.9 % target'],
      ['http-probe.probes/api/2026-02', 'fail', 'api was up 99.851 % in 2026-02, below the 99.9 % target: 1 h down in 28 d observed; worst day 2026-02-05 (95.833 %)'],
    ]);
    expect(results[0]!.details).toMatchObject({ uptimePercent: 100, complete: false });
    const exact = await workspace();
    // 1000 minutes of which one down: 99.9 % exactly.
    await putProbes(exact, probes('api', '2026-02-28T07:20:00Z', 1000, MIN, (i) => i === 500));
    await putProbes(exact, probes('api', '2026-03-01T00:00:00Z', 1, MIN, () => false));
    const [, feb] = await exact.run(uptime, '2026-03-01T00:01:00Z', { minCoverage: 0 });
    expect(feb!.status).toBe('pass');
    expect(feb!.details).toMatchObject({ uptimePercent: 99.9, coveragePercent: 100 });
  });

  it('counts silences longer than maxProbeGap as unobserved, and fails a month observed too thinly', async () => {
    const s = await workspace();
    // Probes every minute for an hour, then nothing for five hours, then one more hour.
    await putProbes(s, [...probes('api', '2026-03-01T00:00:00Z', 60, MIN, () => false), ...probes('api', '2026-03-01T06:00:00Z', 60, MIN, () => false)]);
    const [r] = await s.run(uptime, '2026-03-01T07:00:00Z');
    // Observed: 59 min + 15 min after the last probe of the first hour, then 60 min: 134 of 420 min.
    expect(r!.details).toMatchObject({ observedHours: 2.23, coveragePercent: 31.904 });
    expect(r!.status).toBe('fail');
    expect(r!.reason).toBe('api: less than 90 % of 2026-03 so far was observed by probes, so the 99.9 % target cannot be shown to be met');
    expect(r!.status === 'fail' && r!.remediation).toContain("the probes source's schedule is the probe interval");
  });

  it('judges nothing for a workspace without probes', async () => {
    expect(await (await workspace()).run(uptime, '2026-03-01T07:00:00Z')).toEqual([]);
  });
});

describe('availability.slo', () => {
  const samples = (name: string, from: string, count: number, stepMs: number, ratio: (i: number) => number) =>
    Array.from({ length: count }, (_, i) => {
      const at = new Date(Date.parse(from) + (i + 1) * stepMs).toISOString();
      return sloSampleSchema.parse({ id: `${name}@${at}`, slo: name, at, ratio: ratio(i), stepSeconds: stepMs / 1000, query: 'avg_over_time(up[1h])' });
    });

  it('weights each sample by its step and fails a complete month below target', async () => {
    const s = await workspace();
    // January 2026, hourly: 744 samples; one hour at 0.25 is 45 min down — 99.899 %.
    await s.putEvents('prometheus.slo-samples', 'prom', 'id', 'at', samples('checkout', '2026-01-01T00:00:00Z', 744, HOUR, (i) => (i === 10 ? 0.25 : 1)));
    await s.putEvents('prometheus.slo-samples', 'prom', 'id', 'at', samples('checkout', '2026-02-01T00:00:00Z', 24, HOUR, () => 1));
    const results = await s.run(slo, '2026-02-02T00:00:00Z', { months: 2 });
    expect(summary(results)).toEqual([
      ['prometheus.slo-samples/checkout/2026-02', 'pass', 'checkout: 0 min down so far in 2026-02, within the 40 min monthly error budget of the 99.9 % target'],
      ['prometheus.slo-samples/checkout/2026-01', 'fail', 'checkout was up 99.899 % in 2026-01, below the 99.9 % target: 45 min down in 31 d observed; worst day 2026-01-01 (96.875 %)'],
    ]);
    expect(results[0]!.details).toMatchObject({ uptimePercent: 100, complete: false });
    expect(results[1]!.evidence).toEqual(['ev-prometheus.slo-samples-checkout@2026-01-01T01:00:00.000Z', 'ev-prometheus.slo-samples-checkout@2026-01-01T11:00:00.000Z', 'ev-prometheus.slo-samples-checkout@2026-02-01T00:00:00.000Z']);
    expect(results[1]!.source).toBe('prom');
  });
});

