import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, HOUR_MS } from '../../lib/clock.ts';
import { isVigilError, type VigilError } from '../../lib/errors.ts';
import { httpProbe } from '../../connectors/http-probe/index.ts';
import { prometheus } from '../../connectors/prometheus/index.ts';
import { sloSampleSchema } from '../../connectors/prometheus/events/slo-samples.ts';
import { createRunContext, readEvents, runTestConnection, type Row } from '../../connectors/sdk/index.ts';
import { createDemoOrg } from '../org/org.ts';
import { startDemoServer, type DemoServer } from '../server.ts';
import { isDown, plantedStatus, prometheusDemoProvider, statusOf, statusProvider } from './status.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const org = createDemoOrg({ anchor });
const clock = fixedClock(new Date(anchor.getTime() + 10 * HOUR_MS));
let server: DemoServer;

beforeAll(async () => {
  server = await startDemoServer(org, clock, { providers: [statusProvider, prometheusDemoProvider] });
});
afterAll(() => server.close());

const sourceOf = (type: string) => server.sources.find((s) => s.type === type)!;

async function probeAt(t: Date): Promise<Row[]> {
  clock.set(t);
  const ctx = createRunContext({ connector: httpProbe, config: sourceOf('http-probe').config, clock });
  const rows: Row[] = [];
  await readEvents(ctx, httpProbe.events[0]!, null, (p) => void rows.push(...p.rows));
  return rows;
}

describe('the demo status endpoints and Prometheus', () => {
  it('derive a short outage for every API or web incident, plus the two planted API outages', () => {
    const model = statusOf(org);
    const fromIncidents = model.outages.filter((o) => o.incidentId);
    expect(fromIncidents.length).toBeGreaterThanOrEqual(3);
    for (const o of fromIncidents) expect(o.end.getTime() - o.start.getTime()).toBe(8 * 60_000);
    expect(model.outages.filter((o) => !o.incidentId).map((o) => [o.service, o.start.toISOString(), o.end.toISOString()])).toEqual([
      ['api', '2026-11-06T14:10:00.000Z', '2026-11-06T15:45:00.000Z'],
      ['api', '2026-11-27T02:00:00.000Z', '2026-11-27T02:50:00.000Z'],
    ]);
    expect(plantedStatus(org).map((p) => [p.check, p.resource])).toEqual([
      ['availability.slo', 'prometheus.slo-samples/api/2026-11'],
      ['availability.slo', 'prometheus.slo-samples/api/2026-11'],
      ['availability.uptime', 'http-probe.probes/api/2026-11'],
      ['availability.outage-has-incident', 'http-probe.outages/api@2026-11-27T02:00:00.000Z'],
    ]);
  });

  it('answer the real probes as of now: 503 and a maintenance page during an outage, 200 otherwise, and a TCP connect', async () => {
    const calm = await probeAt(new Date('2026-11-27T01:30:00Z'));
    expect(calm.map((r) => [r.target, r.ok])).toEqual([
      ['api', true],
      ['web', true],
      ['db', true],
    ]);
    const down = await probeAt(new Date('2026-11-27T02:10:00Z'));
    expect(down.map((r) => [r.target, r.ok, r.statusCode, r.error])).toEqual([
      ['api', false, 503, 'status 503, expected 2xx; the body does not contain "\\"ok\\""'],
      ['web', true, 200, null],
      ['db', true, null, null],
    ]);
    const webOutage = statusOf(org).outages.find((o) => o.service === 'web')!;
    const maint = await probeAt(new Date(webOutage.start.getTime() + 60_000));
    expect(maint.find((r) => r.target === 'web')).toMatchObject({ ok: false, statusCode: 200, error: 'the body does not contain "data-app-ready"' });
  });

  it('serve query_range to the real connector: ratios per step that hold exactly the downtime of the outages', async () => {
    clock.set(new Date('2026-11-27T04:00:00Z'));
    const ctx = createRunContext({ connector: prometheus, config: sourceOf('prometheus').config, clock });
    const rows: Row[] = [];
    const outcome = await readEvents(ctx, prometheus.events[0]!, null, (p) => void rows.push(...p.rows));
    expect(outcome.status).toBe('complete');
    for (const r of rows) expect(sloSampleSchema.safeParse(r).success).toBe(true);
    // 70 days of hourly steps per service, up to 04:00.
    const api = rows.filter((r) => r.slo === 'api');
    expect(api).toHaveLength(70 * 24 + 1);
    expect(api.at(-1)!.at).toBe('2026-11-27T04:00:00.000Z');
    const downMinutes = (from: string, to: string) =>
      api.filter((r) => String(r.at) > from && String(r.at) <= to).reduce((sum, r) => sum + (1 - Number(r.ratio)) * 60, 0);
    expect(downMinutes('2026-11-06T14:00:00.000Z', '2026-11-06T16:00:00.000Z')).toBeCloseTo(95, 6);
    expect(downMinutes('2026-11-27T01:45:00.000Z', '2026-11-27T03:00:00.000Z')).toBeCloseTo(50, 6);
    const model = statusOf(org);
    const expected = model.outages.filter((o) => o.service === 'api' && o.start >= new Date('2026-09-18T04:00:00Z') && o.end <= new Date('2026-11-27T04:00:00Z')).reduce((s, o) => s + (o.end.getTime() - o.start.getTime()) / 60_000, 0);
    expect(downMinutes('2026-09-18T04:00:00.000Z', '2026-11-27T04:00:00.000Z')).toBeCloseTo(expected, 6);
    expect(isDown(model, 'api', new Date('2026-11-06T15:44:59Z'))).toBe(true);
  });

  it('answer as Prometheus does: instant queries, refusal of too many points and of unknown expressions', async () => {
    clock.set(new Date('2026-11-27T02:30:00Z'));
    const info = await runTestConnection(createRunContext({ connector: prometheus, config: sourceOf('prometheus').config, clock }));
    expect(info.summary).toBe('queried 2 SLOs at 2026-11-27T02:30:00.000Z: api = 0.5, web = 1');
    const base = String(sourceOf('prometheus').config.baseUrl);
    const tooMany = await fetch(`${base}/api/v1/query_range?query=probe_success{service="api"}&start=0&end=20000&step=1`);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({ status: 'error', errorType: 'bad_data', error: 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)' });
    const ctx = createRunContext({ connector: prometheus, config: { ...sourceOf('prometheus').config, slos: [{ name: 'x', query: 'rate(http_requests_total[5m])' }] }, clock });
    const e = (await runTestConnection(ctx).catch((x: unknown) => x)) as VigilError;
    expect(isVigilError(e) && e._tag).toBe('ProviderError');
    expect(e.message).toContain('[bad_data]): 1:1: parse error: the demo Prometheus knows only');
  });
});
