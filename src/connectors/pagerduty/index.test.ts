import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../lib/errors.ts';
import { createRunContext, readResource, runTestConnection, type Row } from '../sdk/index.ts';
import { createTestTime, describeConnectorContract, startFixtureServer, type FixtureRoute, type RecordedRequest } from '../sdk/testing/index.ts';
import { errorBody, fixturesDir, incidentsQuery, routes, testConfig, TOKEN } from './__fixtures__/routes.ts';
import { windows } from './api.ts';
import { pagerduty } from './index.ts';

describeConnectorContract(pagerduty, { config: testConfig, routes, fixturesDir, errorBody });

const incidents = pagerduty.resources[0]!;

async function collect(serverRoutes: FixtureRoute[], config: Record<string, unknown> = {}) {
  const server = await startFixtureServer(serverRoutes, { fixturesDir });
  const time = createTestTime();
  try {
    const ctx = createRunContext({ connector: pagerduty, config: { ...testConfig(server.url), ...config }, clock: time.clock, sleep: time.sleep });
    const rows: Row[] = [];
    let error: unknown;
    let outcome;
    try {
      outcome = await readResource(ctx, incidents, (page) => void rows.push(...page));
    } catch (e) {
      error = e;
    }
    return { rows, outcome, error, requests: server.requests as RecordedRequest[], sleeps: time.sleeps, gaps: ctx.gaps(), unexpected: server.unexpected, pending: server.pending() };
  } finally {
    await server.close();
  }
}

describe('pagerduty', () => {
  it("sends the key as `Token token=…` and PagerDuty's v2 media type on every request", async () => {
    const c = await collect(routes.slice(1));
    expect(c.requests.length).toBe(9);
    for (const r of c.requests) {
      expect(r.headers.authorization).toBe(`Token token=${TOKEN}`);
      expect(r.headers.accept).toBe('application/vnd.pagerduty+json;version=2');
    }
    const bearer = await collect(routes.slice(1), { authScheme: 'Bearer' });
    expect(bearer.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('names the account host and its abilities in the connection test', async () => {
    const server = await startFixtureServer(routes.slice(0, 1), { fixturesDir });
    try {
      const info = await runTestConnection(createRunContext({ connector: pagerduty, config: testConfig(server.url) }));
      expect(info.summary).toBe(`connected to the PagerDuty account at ${new URL(server.url).host} (15 abilities, urgencies on)`);
    } finally {
      await server.close();
    }
  });

  it('follows `more` to the second page of incidents and of log entries, and takes the first acknowledgement from the log', async () => {
    const c = await collect(routes.slice(1));
    expect(c.error).toBeUndefined();
    expect(c.unexpected).toEqual([]);
    expect(c.pending).toEqual([]);
    expect(c.outcome).toEqual({ status: 'complete', rows: 3, pages: 2 });
    expect(c.rows.map((r) => r.id)).toEqual(['PT4KHLK', 'PQ7W2XH', 'PKD9F0L']);
    expect(c.rows[0]).toEqual({
      id: 'PT4KHLK',
      number: 1234,
      title: 'Checkout API returns 502 for all card payments',
      status: 'resolved',
      urgency: 'high',
      priority: 'P1',
      service: 'Checkout API',
      serviceId: 'PIJ90N7',
      escalationPolicy: 'Platform on-call',
      teams: ['Platform'],
      createdAt: '2025-12-10T02:14:07.000Z',
      acknowledgedAt: '2025-12-10T02:22:31.000Z',
      acknowledgedBy: 'Alice Moreau',
      resolvedAt: '2025-12-10T03:41:55.000Z',
      resolvedBy: 'Alice Moreau',
      timeline: [
        { at: '2025-12-10T02:14:07.000Z', type: 'trigger', by: 'Datadog', summary: 'Triggered through the API.' },
        { at: '2025-12-10T02:22:31.000Z', type: 'acknowledge', by: 'Alice Moreau', summary: 'Acknowledged by Alice Moreau.' },
        { at: '2025-12-10T03:05:12.000Z', type: 'annotate', by: 'Alice Moreau', summary: 'Note added by Alice Moreau.' },
        { at: '2025-12-10T03:41:55.000Z', type: 'resolve', by: 'Alice Moreau', summary: 'Resolved by Alice Moreau.' },
      ],
      notes: [{ at: '2025-12-10T03:05:12.000Z', author: 'Alice Moreau', content: 'Rolled back the payment gateway client to 4.12; error rate back to baseline. Postmortem: INC-88.' }],
      htmlUrl: 'https://acme-ops.pagerduty.com/incidents/PT4KHLK',
    });
  });

  it('keeps an auto-resolved incident unacknowledged, resolved by its service, and an open one acknowledged', async () => {
    const c = await collect(routes.slice(1));
    expect(c.rows[1]).toMatchObject({ priority: null, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: '2025-12-14T16:09:12.000Z', resolvedBy: 'Orders database' });
    expect(c.rows[2]).toMatchObject({ status: 'acknowledged', urgency: 'low', acknowledgedAt: '2025-12-30T23:20:18.000Z', acknowledgedBy: 'Ben Okafor', resolvedAt: null, resolvedBy: null });
  });

  it('skips the notes requests when includeNotes is off', async () => {
    const c = await collect(
      routes.slice(1).filter((r) => !r.path.endsWith('/notes')),
      { includeNotes: false },
    );
    expect(c.error).toBeUndefined();
    expect(c.requests.some((r) => r.path.endsWith('/notes'))).toBe(false);
    expect(c.rows.every((r) => Array.isArray(r.notes) && r.notes.length === 0)).toBe(true);
  });

  it('reads a year as date windows of at most 90 days, because PagerDuty caps since..until at six months', () => {
    const w = windows(new Date('2026-01-01T00:00:00Z'), 200);
    expect(w).toEqual([
      { since: '2025-06-15T00:00:00.000Z', until: '2025-09-13T00:00:00.000Z' },
      { since: '2025-09-13T00:00:00.000Z', until: '2025-12-12T00:00:00.000Z' },
      { since: '2025-12-12T00:00:00.000Z', until: '2026-01-01T00:00:00.000Z' },
    ]);
  });

  it('asks for every window in turn and collects what each holds', async () => {
    const empty = { incidents: [], limit: 2, offset: 0, more: false, total: null };
    const w = windows(new Date('2026-01-01T00:00:00Z'), 200);
    const q = (i: number) => ({ since: w[i]!.since, until: w[i]!.until, time_zone: 'UTC', sort_by: 'created_at:asc', offset: '0', limit: '2' });
    const third = routes.filter((r) => r.path.includes('PKD9F0L'));
    const c = await collect(
      [
        { name: 'window 1', path: '/incidents', query: q(0), reply: { body: empty } },
        { name: 'window 2', path: '/incidents', query: q(1), reply: { body: empty } },
        { name: 'window 3', path: '/incidents', query: q(2), reply: { fixture: 'incidents.page2.json' } },
        ...third,
      ],
      { lookbackDays: 200 },
    );
    expect(c.error).toBeUndefined();
    expect(c.pending).toEqual([]);
    expect(c.rows.map((r) => r.id)).toEqual(['PKD9F0L']);
  });

  it('waits as Retry-After asks when the second page of incidents is rate limited, then collects it', async () => {
    const limited = routes.slice(1).map((r) =>
      r.name === 'incidents page 2' ? { ...r, reply: [{ status: 429, headers: { 'retry-after': '12' }, body: errorBody('Rate Limit Exceeded') }, { fixture: 'incidents.page2.json' }] } : r,
    );
    const c = await collect(limited);
    expect(c.error).toBeUndefined();
    expect(c.sleeps).toContain(12_000);
    expect(c.rows).toHaveLength(3);
    expect(c.requests.filter((r) => r.query.offset === '2' && r.path === '/incidents')).toHaveLength(2);
  });

  it('fails with AuthFailed, not an empty collection, when the key is rejected', async () => {
    const c = await collect([{ path: '/incidents', query: incidentsQuery(0), reply: { status: 401, body: { error: { message: 'Unauthorized', code: 2006 } } } }]);
    expect(isVigilError(c.error) && c.error._tag).toBe('AuthFailed');
    expect((c.error as Error).message).toContain('Unauthorized');
    expect(c.rows).toEqual([]);
  });

  it("records a 403 on an incident's log as a missing permission, keeping the rows read before it", async () => {
    const denied = routes.slice(1).map((r) => (r.name === 'PQ7W2XH log' ? { ...r, reply: { status: 403, body: errorBody('Access Denied: this key cannot read the Orders database service') } } : r));
    const c = await collect(denied);
    expect(c.outcome?.status).toBe('permission_missing');
    expect(c.gaps).toEqual([expect.objectContaining({ kind: 'permission_missing', what: 'incidents', message: 'Access Denied: this key cannot read the Orders database service' })]);
  });

  it('rejects a page without an incidents list, and an incident whose creation time is not a date, as provider errors', async () => {
    const noList = await collect([{ path: '/incidents', query: incidentsQuery(0), reply: { body: { limit: 2, offset: 0, more: false } } }]);
    expect(isVigilError(noList.error) && noList.error._tag).toBe('ProviderError');
    expect((noList.error as Error).message).toContain('/incidents');

    const badDate = routes.slice(1).map((r) =>
      r.name === 'incidents page 2'
        ? { ...r, reply: { body: { incidents: [{ ...pkd9f0l(), created_at: 'yesterday' }], limit: 2, offset: 2, more: false } } }
        : r,
    );
    const bad = await collect(badDate);
    expect(isVigilError(bad.error) && bad.error._tag).toBe('ProviderError');
    expect((bad.error as Error).message).toMatch(/incidents: row 3 does not match the schema: createdAt/);
  });
});

function pkd9f0l(): Record<string, unknown> {
  return {
    id: 'PKD9F0L',
    type: 'incident',
    summary: '[#1236] Disk usage above 85 % on orders-db-2',
    html_url: 'https://acme-ops.pagerduty.com/incidents/PKD9F0L',
    incident_number: 1236,
    title: 'Disk usage above 85 % on orders-db-2',
    status: 'acknowledged',
    urgency: 'low',
    service: { id: 'PF9KMXH', type: 'service_reference', summary: 'Orders database' },
  };
}
