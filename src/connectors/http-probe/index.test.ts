import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { isVigilError } from '../../lib/errors.ts';
import { createRunContext, readEvents, runTestConnection, type LogEntry, type Row } from '../sdk/index.ts';
import { assertEveryFieldDescribed } from '../sdk/testing/index.ts';
import { outageEventSchema } from './events/outages.ts';
import { probeResultSchema } from './events/probes.ts';
import { httpProbe } from './index.ts';
import { advanceOutages, emptyState, parseState } from './outages.ts';

/** A local service whose behaviour each test sets: what `/health` answers, and how slowly. */
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('ok');
let server: Server;
let base: string;
const seen: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const clock = fixedClock('2026-03-01T12:00:00Z');

async function probeOnce(target: Record<string, unknown>, logs: LogEntry[] = []): Promise<Row> {
  const ctx = createRunContext({ connector: httpProbe, config: { targets: [{ name: 'svc', ...target }] }, clock, onLog: (e) => logs.push(e) });
  const rows: Row[] = [];
  await readEvents(ctx, httpProbe.events[0]!, null, (p) => void rows.push(...p.rows));
  expect(rows).toHaveLength(1);
  expect(probeResultSchema.safeParse(rows[0]).success).toBe(true);
  return rows[0]!;
}

/** A port nothing listens on: bound, noted, closed. */
async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('http-probe: the schema', () => {
  it('describes every config and event field (the docs page is generated from them)', () => {
    assertEveryFieldDescribed(httpProbe.configSchema, 'config');
    assertEveryFieldDescribed(probeResultSchema, 'probes');
    assertEveryFieldDescribed(outageEventSchema, 'outages');
  });

  it('refuses targets without what their type needs, duplicate names, bad regexes and a token over plain http', () => {
    const bad = (targets: unknown[]) => {
      try {
        createRunContext({ connector: httpProbe, config: { targets } });
      } catch (e) {
        return isVigilError(e) ? `${e._tag}: ${e.message}` : String(e);
      }
      return 'accepted';
    };
    expect(bad([{ name: 'a' }])).toContain('targets.0.url: an http target needs a url');
    expect(bad([{ name: 'db', type: 'tcp', host: 'db.internal' }])).toContain('targets.0.port: a tcp target needs a port');
    expect(bad([{ name: 'a', url: 'https://a.example/' }, { name: 'a', url: 'https://b.example/' }])).toContain('targets.1.name: two targets are named "a"');
    expect(bad([{ name: 'a', url: 'https://a.example/', bodyMatches: '(' }])).toContain('targets.0.bodyMatches: not a valid regular expression');
    expect(bad([{ name: 'a', url: 'http://a.example/', bearerToken: 'probe-token-1234' }])).toContain('a bearer token is only sent over https');
    expect(bad([])).toContain('list at least one target');
    expect(bad([{ name: 'a', url: 'http://127.0.0.1:9/', bearerToken: 'probe-token-1234' }])).toBe('accepted');
  });
});

describe('http-probe: one HTTP probe', () => {
  it('passes a 2xx answer and records the status, latency and the endpoint without its query string', async () => {
    handler = (_req, res) => res.end('{"status":"ok"}');
    const row = await probeOnce({ url: `${base}/health?key=abc` });
    expect(row).toMatchObject({ id: 'svc@2026-03-01T12:00:00.000Z', target: 'svc', type: 'http', endpoint: `${base}/health`, at: '2026-03-01T12:00:00.000Z', ok: true, statusCode: 200, error: null });
    expect(row.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('fails a 503, and a status outside expectedStatus', async () => {
    handler = (_req, res) => {
      res.statusCode = 503;
      res.end('down');
    };
    expect(await probeOnce({ url: `${base}/health` })).toMatchObject({ ok: false, statusCode: 503, error: 'status 503, expected 2xx' });
    handler = (_req, res) => res.end('ok');
    expect(await probeOnce({ url: `${base}/health`, expectedStatus: [204, 301] })).toMatchObject({ ok: false, statusCode: 200, error: 'status 200, expected 204 or 301' });
  });

  it('fails when the body lacks the marker or does not match the pattern', async () => {
    handler = (_req, res) => res.end('<html>Scheduled maintenance</html>');
    const row = await probeOnce({ url: `${base}/`, bodyContains: 'data-app-ready', bodyMatches: '^<html>App' });
    expect(row).toMatchObject({ ok: false, statusCode: 200, error: 'the body does not contain "data-app-ready"; the body does not match /^<html>App/' });
    handler = (_req, res) => res.end('<html>App <div data-app-ready></div></html>');
    expect(await probeOnce({ url: `${base}/`, bodyContains: 'data-app-ready', bodyMatches: '^<html>App' })).toMatchObject({ ok: true, error: null });
  });

  it('fails an answer slower than maxLatencyMs, and one slower than the timeout with no status', async () => {
    handler = (_req, res) => void setTimeout(() => res.end('ok'), 150);
    const slow = await probeOnce({ url: `${base}/`, maxLatencyMs: 50 });
    expect(slow.ok).toBe(false);
    expect(slow.statusCode).toBe(200);
    expect(String(slow.error)).toMatch(/^slow: \d+ ms, limit 50 ms$/);
    expect(await probeOnce({ url: `${base}/`, timeoutMs: 100 })).toMatchObject({ ok: false, statusCode: null, latencyMs: null, error: 'no answer within 100 ms' });
  });

  it('fails a refused connection with the reason', async () => {
    expect(await probeOnce({ url: `http://127.0.0.1:${await freePort()}/` })).toMatchObject({ ok: false, statusCode: null, error: 'connection refused' });
  });

  it('sends the bearer token, does not follow a redirect with it, and keeps it out of rows and logs', async () => {
    const token = 'probe-token-7f3a9c2e1d';
    handler = (req, res) => {
      if (req.url === '/moved') {
        res.statusCode = 302;
        res.setHeader('location', `http://elsewhere.invalid/?t=${token}`);
        return res.end();
      }
      res.statusCode = req.headers.authorization === `Bearer ${token}` ? 200 : 401;
      res.end(`echo ${token}`);
    };
    const logs: LogEntry[] = [];
    expect(await probeOnce({ url: `${base}/private`, bearerToken: token, bodyContains: 'echo' }, logs)).toMatchObject({ ok: true, statusCode: 200 });
    const moved = await probeOnce({ url: `${base}/moved`, bearerToken: token, expectedStatus: [200] }, logs);
    expect(moved).toMatchObject({ ok: false, statusCode: 302, error: 'status 302, expected 200' });
    expect(JSON.stringify([moved, logs])).not.toContain(token);
  });
});

describe('http-probe: TCP', () => {
  it('passes when the port accepts a connection and fails when it refuses', async () => {
    const port = Number(new URL(base).port);
    expect(await probeOnce({ type: 'tcp', host: '127.0.0.1', port })).toMatchObject({ type: 'tcp', endpoint: `127.0.0.1:${port}`, ok: true, statusCode: null, error: null });
    expect(await probeOnce({ type: 'tcp', host: '127.0.0.1', port: await freePort() })).toMatchObject({ ok: false, latencyMs: null, error: 'connection refused' });
  });
});

describe('http-probe: outages from consecutive failures', () => {
  const r = (at: string, ok: boolean, target = 'api') => ({ target, at: `2026-03-01T12:${at}:00.000Z`, ok, error: ok ? null : 'status 503, expected 2xx' });

  it('opens an outage at the first failure once outageAfter are seen in a row, and resolves it at the first pass', () => {
    let state = emptyState();
    const events = [];
    for (const [at, ok] of [['00', true], ['01', false], ['02', true], ['03', false], ['04', false], ['05', false], ['06', true]] as const) {
      const step = advanceOutages(state, [r(at, ok)], 2);
      state = step.state;
      events.push(...step.events);
    }
    expect(events).toEqual([
      { id: 'api@2026-03-01T12:03:00.000Z/started', outageId: 'api@2026-03-01T12:03:00.000Z', target: 'api', phase: 'started', at: '2026-03-01T12:04:00.000Z', startedAt: '2026-03-01T12:03:00.000Z', resolvedAt: null, failedProbes: 2, lastError: 'status 503, expected 2xx', durationSeconds: null },
      { id: 'api@2026-03-01T12:03:00.000Z/resolved', outageId: 'api@2026-03-01T12:03:00.000Z', target: 'api', phase: 'resolved', at: '2026-03-01T12:06:00.000Z', startedAt: '2026-03-01T12:03:00.000Z', resolvedAt: '2026-03-01T12:06:00.000Z', failedProbes: 3, lastError: 'status 503, expected 2xx', durationSeconds: 180 },
    ]);
    expect(state.targets.api).toEqual({ failures: 0, since: null, lastError: null, open: false });
  });

  it('keeps targets apart, forgets removed targets and starts afresh from an unreadable cursor', () => {
    const first = advanceOutages(emptyState(), [r('00', false, 'api'), r('00', true, 'web')], 1);
    expect(first.events.map((e) => e.id)).toEqual(['api@2026-03-01T12:00:00.000Z/started']);
    const second = advanceOutages(first.state, [r('01', false, 'web')], 1);
    expect(Object.keys(second.state.targets)).toEqual(['web']);
    expect(parseState('not json')).toEqual({ state: emptyState(), reset: true });
    expect(parseState(JSON.stringify(second.state))).toEqual({ state: second.state, reset: false });
  });

  it('carries the state between collections in the outages cursor, probing once per run for both streams', async () => {
    let up = true;
    handler = (_req, res) => {
      res.statusCode = up ? 200 : 503;
      res.end();
    };
    const config = { targets: [{ name: 'api', url: `${base}/health` }], outageAfter: 2 };
    const t = fixedClock('2026-03-01T12:00:00Z');
    let cursor: string | null = null;
    const outageRows: Row[] = [];
    const before = seen.length;
    for (const state of [true, false, false, false, true]) {
      up = state;
      const ctx = createRunContext({ connector: httpProbe, config, clock: t });
      const probes: Row[] = [];
      await readEvents(ctx, httpProbe.events[0]!, null, (p) => void probes.push(...p.rows));
      const out: { cursor: string | null } = await readEvents(ctx, httpProbe.events[1]!, cursor, (p) => void outageRows.push(...p.rows));
      cursor = out.cursor;
      expect(probes.map((p) => p.ok)).toEqual([state]);
      t.advance(60_000);
    }
    expect(seen.length - before).toBe(5);
    expect(outageRows.map((e) => [e.phase, e.startedAt, e.at, e.durationSeconds])).toEqual([
      ['started', '2026-03-01T12:01:00.000Z', '2026-03-01T12:02:00.000Z', null],
      ['resolved', '2026-03-01T12:01:00.000Z', '2026-03-01T12:04:00.000Z', 180],
    ]);
    for (const row of outageRows) expect(outageEventSchema.safeParse(row).success).toBe(true);
  });
});

describe('http-probe: the connection test', () => {
  it('probes every target and names the ones down, without failing for them', async () => {
    handler = (_req, res) => res.end('ok');
    const ctx = createRunContext({
      connector: httpProbe,
      config: { targets: [{ name: 'api', url: `${base}/` }, { name: 'gone', type: 'tcp', host: '127.0.0.1', port: await freePort() }] },
    });
    const info = await runTestConnection(ctx);
    expect(info.summary).toMatch(/^1 of 2 targets up: api up \(200, \d+ ms\); gone DOWN \(connection refused\)$/);
  });
});
