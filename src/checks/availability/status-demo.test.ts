/**
 * The availability checks over what the real connectors collect from the demo company's status
 * endpoints, its Prometheus and its PagerDuty: they must report exactly the planted availability
 * failures — and nothing else. The probes run every five minutes through the night after the anchor
 * (the company keeps living), across the planted outage that has no incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { httpProbe } from '../../connectors/http-probe/index.ts';
import { pagerduty } from '../../connectors/pagerduty/index.ts';
import { prometheus } from '../../connectors/prometheus/index.ts';
import { createRunContext, readEvents, readResource, type Row } from '../../connectors/sdk/index.ts';
import { createDemoOrg } from '../../demo/org/org.ts';
import { pagerdutyProvider } from '../../demo/providers/pagerduty.ts';
import { plantedStatus, prometheusDemoProvider, statusProvider } from '../../demo/providers/status.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { seed, type Seeded } from '../access/hr-test-data.ts';
import type { CheckResult } from '../sdk/define.ts';
import { outageHasIncident } from './outage-has-incident.ts';
import { slo } from './slo.ts';
import { uptime } from './uptime.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const org = createDemoOrg({ anchor });
const clock = fixedClock('2026-11-27T01:00:00Z');
const NOW = '2026-11-27T04:00:00Z';
let server: DemoServer;
let store: Seeded;

const sourceOf = (type: string) => server.sources.find((s) => s.type === type)!;

beforeAll(async () => {
  server = await startDemoServer(org, clock, { providers: [statusProvider, prometheusDemoProvider, pagerdutyProvider] });
  store = await seed({ slug: 'status-demo' });
  const probes: Row[] = [];
  const outages: Row[] = [];
  let cursor: string | null = null;
  // The source's schedule, PT5M, from 01:00 to 03:55.
  for (let run = 0; run < 36; run++) {
    const ctx = createRunContext({ connector: httpProbe, config: sourceOf('http-probe').config, clock, where: 'demo source status-probes' });
    await readEvents(ctx, httpProbe.events[0]!, null, (p) => void probes.push(...p.rows));
    const out: { cursor: string | null } = await readEvents(ctx, httpProbe.events[1]!, cursor, (p) => void outages.push(...p.rows));
    cursor = out.cursor;
    clock.advance(5 * 60_000);
  }
  await store.putEvents('http-probe.probes', 'status-probes', 'id', 'at', probes);
  await store.putEvents('http-probe.outages', 'status-probes', 'id', 'at', outages);

  clock.set(NOW);
  const samples: Row[] = [];
  const prom = createRunContext({ connector: prometheus, config: sourceOf('prometheus').config, clock });
  expect((await readEvents(prom, prometheus.events[0]!, null, (p) => void samples.push(...p.rows))).status).toBe('complete');
  // In slices: one INSERT takes at most 65,535 parameters.
  for (let k = 0; k < samples.length; k += 1000) await store.putEvents('prometheus.slo-samples', 'prometheus', 'id', 'at', samples.slice(k, k + 1000));

  const incidents: Row[] = [];
  const pd = createRunContext({ connector: pagerduty, config: sourceOf('pagerduty').config, clock });
  const incidentsResource = pagerduty.resources.find((r) => r.name === 'incidents')!;
  expect((await readResource(pd, incidentsResource, (page) => void incidents.push(...page))).status).toBe('complete');
  await store.put('pagerduty.incidents', 'pagerduty', 'id', incidents);
}, 120_000);
afterAll(async () => {
  await server.close();
  await store.close();
});

const planted = (check: string) => [...new Set(plantedStatus(org).filter((p) => p.check === check && p.at <= new Date(NOW)).map((p) => p.resource))].sort();
const failing = (results: CheckResult[]) => results.filter((r) => r.status === 'fail').map((r) => r.resource).sort();

describe('the availability checks over the demo company', () => {
  it('availability.uptime fails exactly the planted month of the API that the probes watched go down', async () => {
    const results = await store.run(uptime, NOW);
    expect(planted('availability.uptime')).toEqual(['http-probe.probes/api/2026-11']);
    expect(failing(results)).toEqual(planted('availability.uptime'));
    expect(results.map((r) => [r.resource, r.status])).toEqual([
      ['http-probe.probes/api/2026-11', 'fail'],
      ['http-probe.probes/db/2026-11', 'pass'],
      ['http-probe.probes/web/2026-11', 'pass'],
    ]);
    expect(results[0]!.details).toMatchObject({ downMinutes: 50, observedHours: 3, coveragePercent: 100 });
  });

  it('availability.slo fails exactly the planted month of the API SLO, and passes the other months and the web app', async () => {
    const results = await store.run(slo, NOW);
    expect(failing(results)).toEqual(planted('availability.slo'));
    expect(results.map((r) => r.resource)).toEqual([
      'prometheus.slo-samples/api/2026-11',
      'prometheus.slo-samples/api/2026-10',
      'prometheus.slo-samples/api/2026-09',
      'prometheus.slo-samples/web/2026-11',
      'prometheus.slo-samples/web/2026-10',
      'prometheus.slo-samples/web/2026-09',
    ]);
    expect((results[0]!.details as { downMinutes: number }).downMinutes).toBeGreaterThanOrEqual(145);
  });

  it('availability.outage-has-incident fails exactly the planted outage without an incident', async () => {
    const results = await store.run(outageHasIncident, NOW);
    expect(failing(results)).toEqual(planted('availability.outage-has-incident'));
    expect(results.map((r) => [r.resource, r.status])).toEqual([
      ['http-probe.outages/api@2026-11-27T02:00:00.000Z', 'fail'],
      ['http-probe.probes/db', 'pass'],
      ['http-probe.probes/web', 'pass'],
    ]);
  });
});
