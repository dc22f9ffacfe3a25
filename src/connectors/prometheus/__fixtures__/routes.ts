/**
 * The recorded happy path on test time (2026-01-01T00:00:00Z): an instant query per SLO for the
 * connection test, then one day of hourly samples per SLO read with query_range in two chunks of at
 * most 13 points — shaped as the Prometheus HTTP API documents its responses.
 */
import type { FixtureRoute } from '../../sdk/testing/index.ts';

export const fixturesDir = new URL('./', import.meta.url);

export const API_QUERY = 'avg_over_time(probe_success{job="blackbox",instance="api.example.com:443"}[1h])';
export const CHECKOUT_QUERY = '100 * sum(rate(http_requests_total{job="checkout",code!~"5.."}[1h])) / sum(rate(http_requests_total{job="checkout"}[1h]))';

const range = (query: string, start: string, end: string) => ({ query, start, end, step: '3600' });

export const routes: FixtureRoute[] = [
  { name: 'instant query api', path: '/api/v1/query', query: { query: API_QUERY, time: '2026-01-01T00:00:00.000Z' }, reply: { fixture: 'query.api.json' } },
  { name: 'instant query checkout', path: '/api/v1/query', query: { query: CHECKOUT_QUERY, time: '2026-01-01T00:00:00.000Z' }, reply: { fixture: 'query.checkout.json' } },
  { name: 'api range 1', path: '/api/v1/query_range', query: range(API_QUERY, '2025-12-31T00:00:00.000Z', '2025-12-31T12:00:00.000Z'), reply: { fixture: 'query-range.api.page1.json' } },
  { name: 'api range 2', path: '/api/v1/query_range', query: range(API_QUERY, '2025-12-31T13:00:00.000Z', '2026-01-01T00:00:00.000Z'), reply: { fixture: 'query-range.api.page2.json' } },
  { name: 'checkout range 1', path: '/api/v1/query_range', query: range(CHECKOUT_QUERY, '2025-12-31T00:00:00.000Z', '2025-12-31T12:00:00.000Z'), reply: { fixture: 'query-range.checkout.page1.json' } },
  { name: 'checkout range 2', path: '/api/v1/query_range', query: range(CHECKOUT_QUERY, '2025-12-31T13:00:00.000Z', '2026-01-01T00:00:00.000Z'), reply: { fixture: 'query-range.checkout.page2.json' } },
];

/** A test config pointing at the fixture server, with a distinctive token to hunt for in output. */
export const testConfig = (baseUrl: string) => ({
  baseUrl,
  token: 'prom-test-token-8e21c4b7a9',
  slos: [
    { name: 'api', query: API_QUERY },
    { name: 'checkout', query: CHECKOUT_QUERY, scale: 'percent' },
  ],
  step: 'PT1H',
  lookbackDays: 1,
  maxPointsPerQuery: 13,
});
