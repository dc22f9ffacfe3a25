/**
 * End to end on this machine: the http-probe connector probes a local server once a minute (the
 * clock injected) while it goes down for ten minutes; the uptime check gives the right figure and
 * the outage check sees exactly one outage.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { httpProbe } from '../../connectors/http-probe/index.ts';
import { createRunContext, readEvents, type Row } from '../../connectors/sdk/index.ts';
import { seed, type Seeded } from '../access/hr-test-data.ts';
import { outageHasIncident } from './outage-has-incident.ts';
import { uptime } from './uptime.ts';

let server: Server;
let up = true;
let store: Seeded;
const probes: Row[] = [];
const outages: Row[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.statusCode = up ? 200 : 503;
    res.end(up ? 'ok' : 'maintenance');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
  const clock = fixedClock('2026-03-01T12:00:00Z');
  let cursor: string | null = null;
  // One collection a minute from 12:00 to 12:59; the service is down from 12:20 to 12:30.
  for (let minute = 0; minute < 60; minute++) {
    up = minute < 20 || minute >= 30;
    const ctx = createRunContext({ connector: httpProbe, config: { targets: [{ name: 'api', url, bodyContains: 'ok' }] }, clock });
    await readEvents(ctx, httpProbe.events[0]!, null, (p) => void probes.push(...p.rows));
    const out: { cursor: string | null } = await readEvents(ctx, httpProbe.events[1]!, cursor, (p) => void outages.push(...p.rows));
    cursor = out.cursor;
    clock.advance(60_000);
  }
  store = await seed({ slug: 'probe-to-uptime' });
  await store.putEvents('http-probe.probes', 'status-probes', 'id', 'at', probes);
  await store.putEvents('http-probe.outages', 'status-probes', 'id', 'at', outages);
}, 60_000);
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await store.close();
});

describe('probing a local server that goes down for ten minutes', () => {
  it('records 60 probes, 10 of them failed with the status', () => {
    expect(probes).toHaveLength(60);
    const failed = probes.filter((p) => !p.ok);
    expect(failed.map((p) => String(p.at).slice(11, 16))).toEqual(['12:20', '12:21', '12:22', '12:23', '12:24', '12:25', '12:26', '12:27', '12:28', '12:29']);
    expect(failed[0]).toMatchObject({ statusCode: 503, error: 'status 503, expected 2xx; the body does not contain "ok"' });
  });

  it('yields 83.333 % uptime for the hour: within the monthly budget at 99.9 %, beyond it at 99.99 %', async () => {
    const [r] = await store.run(uptime, '2026-03-01T13:00:00Z');
    expect(r).toMatchObject({ resource: 'http-probe.probes/api/2026-03', status: 'pass', source: 'status-probes' });
    expect(r!.details).toMatchObject({ uptimePercent: 83.333, downMinutes: 10, observedHours: 1, coveragePercent: 100, days: [{ date: '2026-03-01', uptimePercent: 83.333, downMinutes: 10 }] });
    const [strict] = await store.run(uptime, '2026-03-01T13:00:00Z', { target: 99.99 });
    expect(strict!.status).toBe('fail');
    expect(strict!.reason).toBe('api has been down 10 min so far in 2026-03, more than the 4 min error budget of the 99.99 % target; worst day 2026-03-01 (83.333 %)');
    expect(strict!.details).toMatchObject({ uptimePercent: 83.333, targetPercent: 99.99, downMinutes: 10, complete: false });
  });

  it('finds one outage from 12:20 to 12:30, not applicable to the incident check while no incident source is collected', async () => {
    expect(outages.map((o) => [o.phase, o.startedAt, o.at, o.durationSeconds])).toEqual([
      ['started', '2026-03-01T12:20:00.000Z', '2026-03-01T12:21:00.000Z', null],
      ['resolved', '2026-03-01T12:20:00.000Z', '2026-03-01T12:30:00.000Z', 600],
    ]);
    const results = await store.run(outageHasIncident, '2026-03-01T13:00:00Z');
    expect(results.map((r) => [r.resource, r.status])).toEqual([['http-probe.outages/api@2026-03-01T12:20:00.000Z', 'not_applicable']]);
  });
});
