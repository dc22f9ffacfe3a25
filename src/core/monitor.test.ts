/**
 * The monitoring loop end to end, with real parts only: the template connector collecting over
 * HTTP from a fixture server, the evidence log, the evaluator, findings, and alerts delivered to a
 * local webhook receiver through the outbox.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { and, eq, isNull } from 'drizzle-orm';
import { configSchema } from './config/schema.ts';
import { createMonitor, type Monitor } from './monitor.ts';
import { defineCheck } from '../checks/sdk/define.ts';
import { acmePeople } from '../connectors/_template/index.ts';
import { fixturesDir } from '../connectors/_template/__fixtures__/routes.ts';
import { startFixtureServer, type FixtureServer } from '../connectors/sdk/testing/index.ts';
import { checkResults } from '../db/schema/check-results.ts';
import { resources } from '../db/schema/resources.ts';
import { sources } from '../db/schema/sources.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import { createAlerter, createChannels, createDispatcher } from '../notify/index.ts';
import { startReceiver, type Receiver } from '../notify/testing.ts';
import { testDbKind } from '../db/testing.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const mfaCheck = defineCheck({
  id: 'test.mfa',
  title: 'Every active user has MFA',
  description: 'Active directory users must have an MFA factor enrolled.',
  area: 'access',
  controls: ['ACC-02'],
  severity: 'high',
  inputs: { resources: ['acme-people.users'] },
  params: z.object({}),
  async evaluate({ inputs }) {
    const users = await inputs.resources<{ email: string; status: string; mfaEnrolled: boolean }>('acme-people.users');
    return users
      .filter((u) => u.data.status === 'active')
      .map((u) =>
        u.data.mfaEnrolled
          ? { resource: `acme-people.users/${u.key}`, status: 'pass' as const, reason: `${u.data.email} has MFA`, evidence: [u.evidenceId!] }
          : {
              resource: `acme-people.users/${u.key}`,
              status: 'fail' as const,
              reason: `${u.data.email} has no MFA factor`,
              remediation: 'enrol an MFA factor',
              evidence: [u.evidenceId!],
            },
      );
  },
});

const fixture = (name: string) => JSON.parse(readFileSync(fileURLToPath(new URL(name, fixturesDir)), 'utf8')) as { data: Record<string, unknown>[] };

// No retry back-off in tests: a failure should show on the first answer.
const quick = { http: { retries: 0, timeoutMs: 2000 } };

let ev: EvidenceFixture;
let server: FixtureServer;
let receiver: Receiver;
let monitor: Monitor;
let mode: 'ok' | '401' | '500' | 'malformed' = 'ok';

beforeEach(async () => {
  mode = 'ok';
  ev = await createEvidenceFixture('2026-03-02T09:00:00.000Z');
  receiver = await startReceiver();
  const fail = () =>
    mode === '401'
      ? { status: 401, body: { error: 'invalid_token', message: 'The access token expired' } }
      : mode === '500'
        ? { status: 500, body: { error: 'internal' } }
        : mode === 'malformed'
          ? { status: 200, raw: '{"data": [ {"id": "usr_01", ' }
          : undefined;
  server = await startFixtureServer(
    [
      { path: '/v1/users', query: { limit: '200' }, repeat: true, reply: () => fail() ?? { fixture: 'users.page1.json', headers: { link: '<{{baseUrl}}/v1/users?limit=200&after=usr_02>; rel="next"' } } },
      {
        path: '/v1/users',
        query: { limit: '200', after: 'usr_02' },
        repeat: true,
        reply: () => fail() ?? { body: fixture('users.page2.json') },
      },
      { path: '/v1/groups', query: { page_size: '50' }, repeat: true, reply: () => fail() ?? { fixture: 'groups.page1.json' } },
      { path: '/v1/groups', query: { page_size: '50', cursor: 'Z3JwX2VuZw' }, repeat: true, reply: () => fail() ?? { fixture: 'groups.page2.json' } },
      { path: '/v1/audit-events', repeat: true, reply: () => fail() ?? { fixture: 'audit-events.page2.json' } },
    ],
    { fixturesDir },
  );
  const config = configSchema.parse({
    sources: [{ name: 'people', type: 'acme-people', config: { baseUrl: server.url, token: 'acme-test-token-5f2c9a1e7d' } }],
    alerts: {
      channels: [{ name: 'hook', type: 'webhook', url: receiver.url, secret: 'hook-secret-0123456789' }],
      rules: [{ channel: 'hook', kinds: ['finding.opened', 'finding.reopened', 'source.failing', 'source.recovered'] }],
    },
  });
  monitor = createMonitor({
    db: ev.db,
    clock: ev.clock,
    evidence: ev.log,
    blobs: ev.blobs,
    alerts: createAlerter({ db: ev.db, clock: ev.clock, config: config.alerts }),
    config,
    checks: [mfaCheck],
    lookup: (type) => {
      if (type !== 'acme-people') throw new Error(`unexpected type ${type}`);
      return acmePeople;
    },
  });
  await monitor.sync(ev.workspaceId);
});

afterEach(async () => {
  await server.close();
  await receiver.close();
  await ev.close();
});

async function deliver() {
  const config = configSchema.parse({
    alerts: { channels: [{ name: 'hook', type: 'webhook', url: receiver.url, secret: 'hook-secret-0123456789' }] },
  });
  const dispatcher = createDispatcher({ db: ev.db, clock: ev.clock, workspaceId: ev.workspaceId, channels: createChannels(config.alerts) });
  return dispatcher.runOnce();
}

const current = (workspaceId: string) =>
  ev.db.orm
    .select()
    .from(checkResults)
    .where(and(eq(checkResults.workspaceId, workspaceId), isNull(checkResults.validTo)));

describe(`continuous monitoring end to end (${testDbKind()})`, () => {
  it('collects, judges, opens a finding with an owner-less due date from the SLA, and alerts the webhook', async () => {
    const { outcomes, evaluation } = await monitor.collect(ev.workspaceId, undefined, quick);
    expect(outcomes[0]!.status).toBe('ok');
    expect(evaluation[0]).toMatchObject({ check: 'test.mfa', outcome: 'judged', results: 2, changes: 2 });

    const rows = await ev.db.orm.select().from(resources).where(eq(resources.type, 'acme-people.users'));
    expect(rows.map((r) => r.key).sort()).toEqual(['usr_01', 'usr_02', 'usr_03']);

    const results = await current(ev.workspaceId);
    const byResource = Object.fromEntries(results.map((r) => [r.resource, r]));
    expect(byResource['acme-people.users/usr_01']!.status).toBe('pass');
    expect(byResource['acme-people.users/usr_02']).toMatchObject({ status: 'fail', reason: 'sam.okafor@example.com has no MFA factor' });
    // Every result names the snapshot evidence it was judged on, and is itself evidence.
    const snapshot = await ev.log.get(ev.workspaceId, byResource['acme-people.users/usr_02']!.evidence[0]!);
    expect(snapshot?.kind).toBe('resource.snapshot');
    expect(byResource['acme-people.users/usr_02']!.evidenceId).toMatch(/^ev_/);

    const findings = await monitor.findings.list(ev.workspaceId);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ resource: 'acme-people.users/usr_02', status: 'open', severity: 'high' });
    expect(findings[0]!.dueAt.toISOString()).toBe('2026-04-01T09:00:00.000Z'); // opened + P30D (high)

    const stats = await deliver();
    expect(stats.sent).toBe(1);
    const body = JSON.parse(receiver.requests[0]!.body) as { event: string; data: { resource: string } };
    expect(body.event).toBe('finding.opened');
    expect(body.data.resource).toBe('acme-people.users/usr_02');
  });

  it('a failing source turns its checks stale — never pass — alerts, and loses nothing stored', async () => {
    await monitor.collect(ev.workspaceId, undefined, quick);
    await deliver();
    for (const failure of ['401', '500', 'malformed'] as const) {
      mode = failure;
      ev.clock.advance(3_600_000);
      const { outcomes } = await monitor.collect(ev.workspaceId, undefined, quick);
      expect(outcomes[0]!.status).not.toBe('ok');
      const [src] = await ev.db.orm.select().from(sources).where(eq(sources.name, 'people'));
      expect(['failing', 'partial']).toContain(src!.status);
      expect(src!.lastError ?? JSON.stringify(src!.missing)).toBeTruthy();
      if (failure === '401') expect(src!.lastError).toContain('expired');
      const results = await current(ev.workspaceId);
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((r) => r.status === 'stale')).toBe(true);
      // Nothing collected earlier was removed.
      const rows = await ev.db.orm.select().from(resources).where(and(eq(resources.type, 'acme-people.users'), isNull(resources.deletedAt)));
      expect(rows).toHaveLength(3);
      // The finding stays open: stale says nothing about whether Sam fixed it.
      expect((await monitor.findings.list(ev.workspaceId))[0]!.status).toBe('open');
    }
    await deliver();
    const kinds = receiver.requests.map((r) => (JSON.parse(r.body) as { event: string }).event);
    expect(kinds.filter((k) => k === 'source.failing')).toHaveLength(1);
    mode = 'ok';
    ev.clock.advance(3_600_000);
    await monitor.collect(ev.workspaceId, undefined, quick);
    expect((await current(ev.workspaceId)).map((r) => r.status).sort()).toEqual(['fail', 'pass']);
    await deliver();
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as { event: string }).event)).toContain('source.recovered');
  });

  it('a source whose server refuses connections fails as Unreachable and its results go stale', async () => {
    await monitor.collect(ev.workspaceId, undefined, quick);
    await server.close();
    ev.clock.advance(3_600_000);
    const { outcomes } = await monitor.collect(ev.workspaceId, undefined, quick);
    expect(outcomes[0]).toMatchObject({ status: 'failed', errorTag: 'Unreachable' });
    expect(outcomes[0]!.error).not.toContain('acme-test-token');
    expect((await current(ev.workspaceId)).every((r) => r.status === 'stale')).toBe(true);
    server = await startFixtureServer([], {}); // afterEach closes it
  });

  it('results go stale when data is older than the freshness window, even with no new collection', async () => {
    await monitor.collect(ev.workspaceId, undefined, quick);
    ev.clock.advance(2 * 86_400_000);
    const [summary] = await monitor.evaluate(ev.workspaceId);
    expect(summary!.outcome).toBe('stale');
    expect(summary!.reason).toMatch(/older than this check's freshness window/);
    expect((await current(ev.workspaceId)).every((r) => r.status === 'stale')).toBe(true);
  });

  it('stores only state changes, so an unchanged re-collection writes no results', async () => {
    await monitor.collect(ev.workspaceId, undefined, quick);
    ev.clock.advance(3_600_000);
    const again = await monitor.collect(ev.workspaceId, undefined, quick);
    expect(again.evaluation[0]!.changes).toBe(0);
    const all = await ev.db.orm.select().from(checkResults);
    expect(all).toHaveLength(2);
  });

  it('two evaluations of the same check at once store each state once and open one finding', async () => {
    await monitor.collect(ev.workspaceId, undefined, quick);
    // Past the freshness window, every evaluation has a new state to write: the results go stale.
    ev.clock.advance(2 * 86_400_000);
    const runs = await Promise.all([1, 2, 3, 4].map(() => monitor.evaluate(ev.workspaceId)));
    expect(runs.map((r) => r[0]!.outcome)).toEqual(['stale', 'stale', 'stale', 'stale']);
    // One evaluation wrote the two stale states; the others found them already current.
    expect(runs.map((r) => r[0]!.changes).sort()).toEqual([0, 0, 0, 2]);
    const now = await current(ev.workspaceId);
    expect(now.map((r) => r.status)).toEqual(['stale', 'stale']);
    expect(await ev.db.orm.select().from(checkResults)).toHaveLength(4);
    expect(await monitor.findings.list(ev.workspaceId)).toHaveLength(1);
  });
});
