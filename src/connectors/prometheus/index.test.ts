import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { isVigilError, type VigilError } from '../../lib/errors.ts';
import { createRunContext, readEvents, runTestConnection, type Row } from '../sdk/index.ts';
import { createTestTime, describeConnectorContract, startFixtureServer, type FixtureRoute } from '../sdk/testing/index.ts';
import { API_QUERY, fixturesDir, routes, testConfig } from './__fixtures__/routes.ts';
import { prometheus } from './index.ts';

// Prometheus wraps errors as { status: "error", errorType, error }.
const errorBody = (message: string) => ({ status: 'error', errorType: 'bad_data', error: message });

describeConnectorContract(prometheus, { config: testConfig, routes, fixturesDir, errorBody });

async function withServer<T>(serverRoutes: FixtureRoute[], run: (url: string, requests: () => readonly { target: string; query: Record<string, string>; headers: Record<string, string> }[]) => Promise<T>) {
  const server = await startFixtureServer(serverRoutes, { fixturesDir });
  try {
    const result = await run(server.url, () => server.requests);
    server.assertNoUnexpected();
    return result;
  } finally {
    await server.close();
  }
}

const samples = prometheus.events[0]!;

async function collect(url: string, cursor: string | null, config: Record<string, unknown> = {}, clock = createTestTime().clock) {
  const ctx = createRunContext({ connector: prometheus, config: { ...testConfig(url), ...config }, clock });
  const rows: Row[] = [];
  const cursors: (string | null)[] = [];
  const outcome = await readEvents(ctx, samples, cursor, (p) => {
    rows.push(...p.rows);
    cursors.push(p.cursor);
  });
  return { rows, cursors, outcome };
}

describe('prometheus', () => {
  it('reads each SLO in chunks below the point limit, skipping gaps and NaN, and scales percentages', async () => {
    await withServer(routes.slice(2), async (url, requests) => {
      const { rows, cursors, outcome } = await collect(url, null);
      expect(requests().map((r) => [r.query.query === API_QUERY ? 'api' : 'checkout', r.query.start, r.query.end, r.query.step])).toEqual([
        ['api', '2025-12-31T00:00:00.000Z', '2025-12-31T12:00:00.000Z', '3600'],
        ['api', '2025-12-31T13:00:00.000Z', '2026-01-01T00:00:00.000Z', '3600'],
        ['checkout', '2025-12-31T00:00:00.000Z', '2025-12-31T12:00:00.000Z', '3600'],
        ['checkout', '2025-12-31T13:00:00.000Z', '2026-01-01T00:00:00.000Z', '3600'],
      ]);
      expect(outcome).toMatchObject({ status: 'complete', pages: 4 });
      const api = rows.filter((r) => r.slo === 'api');
      // 25 hourly steps, one missing (17:00).
      expect(api).toHaveLength(24);
      expect(api.find((r) => r.at === '2025-12-31T17:00:00.000Z')).toBeUndefined();
      expect(api.find((r) => r.at === '2025-12-31T09:00:00.000Z')).toEqual({
        id: 'api@2025-12-31T09:00:00.000Z',
        slo: 'api',
        at: '2025-12-31T09:00:00.000Z',
        ratio: 0.75,
        stepSeconds: 3600,
        query: API_QUERY,
      });
      const checkout = rows.filter((r) => r.slo === 'checkout');
      expect(checkout.map((r) => [String(r.at).slice(11, 16), r.ratio])).toEqual([
        ['18:00', 1],
        ['19:00', 1],
        ['21:00', 1],
        ['22:00', 0.995],
        ['23:00', 1],
        ['00:00', 1],
      ]);
      expect(JSON.parse(cursors.at(-1)!)).toEqual({ api: '2026-01-01T00:00:00.000Z', checkout: '2026-01-01T00:00:00.000Z' });
      expect(JSON.parse(cursors[0]!)).toEqual({ api: '2025-12-31T12:00:00.000Z' });
    });
  });

  it('resumes each SLO after its last step, and starts an SLO new to the cursor from the lookback', async () => {
    const resume: FixtureRoute[] = [
      { path: '/api/v1/query_range', query: { query: API_QUERY, start: '2026-01-01T01:00:00.000Z', end: '2026-01-01T03:00:00.000Z', step: '3600' }, reply: { body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1767229200, '1'], [1767232800, '0.5'], [1767236400, '1']] }] } } } },
      { path: '/api/v1/query_range', query: { query: testConfig('').slos[1]!.query, start: '2025-12-31T03:00:00.000Z', end: '2026-01-01T03:00:00.000Z', step: '3600' }, reply: { body: { status: 'success', data: { resultType: 'matrix', result: [] } } } },
    ];
    await withServer(resume, async (url) => {
      // 03:40: the step ending 04:00 is not complete yet.
      const { rows, cursors } = await collect(url, JSON.stringify({ api: '2026-01-01T00:00:00.000Z' }), { lookbackDays: 1, maxPointsPerQuery: 100 }, fixedClock('2026-01-01T03:40:00Z'));
      expect(rows.map((r) => [r.at, r.ratio])).toEqual([
        ['2026-01-01T01:00:00.000Z', 1],
        ['2026-01-01T02:00:00.000Z', 0.5],
        ['2026-01-01T03:00:00.000Z', 1],
      ]);
      expect(JSON.parse(cursors.at(-1)!)).toEqual({ api: '2026-01-01T03:00:00.000Z', checkout: '2026-01-01T03:00:00.000Z' });
    });
    // Nothing new since the last step: no request at all.
    await withServer([], async (url, requests) => {
      await collect(url, JSON.stringify({ api: '2026-01-01T03:00:00.000Z', checkout: '2026-01-01T03:00:00.000Z' }), {}, fixedClock('2026-01-01T03:59:59Z'));
      expect(requests()).toEqual([]);
    });
  });

  it('hands a long chunk over in pages of 1000 samples, each with the cursor of its last sample', async () => {
    const start = Date.parse('2025-12-31T00:00:00Z') / 1000;
    const values = Array.from({ length: 2500 }, (_, i) => [start + i * 10, '1']);
    const long: FixtureRoute[] = [
      { path: '/api/v1/query_range', query: { query: API_QUERY, start: '2025-12-31T00:00:00.000Z', end: '2026-01-01T00:00:00.000Z', step: '10' }, reply: { body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] } } } },
    ];
    await withServer(long, async (url) => {
      const { rows, cursors } = await collect(url, null, { slos: [{ name: 'api', query: API_QUERY }], step: 'PT10S', maxPointsPerQuery: 11_000 });
      expect(rows).toHaveLength(2500);
      expect(cursors.map((c) => JSON.parse(c!).api)).toEqual(['2025-12-31T02:46:30.000Z', '2025-12-31T05:33:10.000Z', '2026-01-01T00:00:00.000Z']);
    });
  });

  it('refuses a query that returns several series, naming their labels and how to fix it', async () => {
    const two: FixtureRoute[] = [
      {
        path: '/api/v1/query_range',
        repeat: true,
        reply: { body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: { instance: 'a:9090' }, values: [] }, { metric: { instance: 'b:9090' }, values: [] }] } } },
      },
    ];
    await withServer(two, async (url) => {
      const error = (await collect(url, null).catch((e: unknown) => e)) as VigilError;
      expect(isVigilError(error) && error._tag).toBe('InvalidConfig');
      expect(error.message).toBe('SLO api: the query returned 2 series ({instance="a:9090"}, {instance="b:9090"}), not one ratio');
      expect(error.hint).toContain('aggregate it to one series');
    });
  });

  it('refuses a ratio query that returns percentages, and says to set scale', async () => {
    const pct: FixtureRoute[] = [
      { path: '/api/v1/query_range', reply: { body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1767139200, '99.9']] }] } } } },
    ];
    await withServer(pct, async (url) => {
      const error = (await collect(url, null).catch((e: unknown) => e)) as VigilError;
      expect(error.message).toBe('SLO api: the query returned 99.9, which is not a ratio between 0 and 1');
      expect(error.hint).toBe('divide by 100 in the query, or set scale: percent');
    });
  });

  it("reports a PromQL error with Prometheus' errorType and message", async () => {
    const bad: FixtureRoute[] = [
      { path: '/api/v1/query', reply: { status: 400, body: { status: 'error', errorType: 'bad_data', error: '1:15: parse error: unexpected "}"' } } },
    ];
    await withServer(bad, async (url) => {
      const ctx = createRunContext({ connector: prometheus, config: testConfig(url), clock: createTestTime().clock });
      const error = (await runTestConnection(ctx).catch((e: unknown) => e)) as VigilError;
      expect(error._tag).toBe('ProviderError');
      expect(error.message).toBe('GET /api/v1/query: the provider refused the request with 400 (400 [bad_data]): 1:15: parse error: unexpected "}"');
    });
  });

  it('refuses an answer that is not a Prometheus response, naming the path', async () => {
    const html: FixtureRoute[] = [{ path: '/api/v1/query', reply: { body: { data: [] } } }];
    await withServer(html, async (url) => {
      const error = (await runTestConnection(createRunContext({ connector: prometheus, config: testConfig(url) })).catch((e: unknown) => e)) as VigilError;
      expect(error._tag).toBe('ProviderError');
      expect(error.message).toBe('GET /api/v1/query: the answer is not a Prometheus API response');
    });
  });

  it('sends HTTP Basic credentials when given, and refuses a token together with them', async () => {
    await withServer(routes.slice(0, 2), async (url, requests) => {
      const config = { ...testConfig(url), token: undefined, username: 'vigil', password: 'prom-basic-pass-51d0' };
      const info = await runTestConnection(createRunContext({ connector: prometheus, config, clock: createTestTime().clock }));
      expect(info.summary).toBe('queried 2 SLOs at 2026-01-01T00:00:00.000Z: api = 1, checkout = 100');
      expect(requests()[0]!.headers.authorization).toBe(`Basic ${Buffer.from('vigil:prom-basic-pass-51d0').toString('base64')}`);
    });
    expect(() => createRunContext({ connector: prometheus, config: { ...testConfig('http://127.0.0.1:9090'), username: 'u', password: 'prom-other-pass-77aa' } })).toThrow(/give a token or a username and password, not both/);
  });
});
