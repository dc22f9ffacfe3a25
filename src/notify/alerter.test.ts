import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { alertsSchema, type AlertsConfig } from '../core/config/schema.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { createTestDb, testDbKind, type TestDb } from '../db/testing.ts';
import { fixedClock } from '../lib/clock.ts';
import { VigilError } from '../lib/errors.ts';
import { createAlerter } from './alerter.ts';
import { parseAlert } from './alerts.ts';
import { createOutboxRepo } from './outbox.ts';
import { routeAlert } from './routing.ts';
import { sampleFinding } from './testing.ts';

const config: AlertsConfig = alertsSchema.parse({
  channels: [
    { name: 'all-hook', type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: '0123456789abcdef0123' },
    { name: 'sec-slack', type: 'slack', url: 'http://127.0.0.1:9/slack' },
    { name: 'owner-mail', type: 'email', toOwner: true, from: 'vigil@example.com', smtp: { host: '127.0.0.1' } },
    { name: 'infra-mail', type: 'email', to: ['infra@example.com'], from: 'vigil@example.com', smtp: { host: '127.0.0.1' } },
  ],
  rules: [
    { channel: 'all-hook', kinds: ['finding.opened', 'source.failing', 'digest'] },
    { channel: 'sec-slack', kinds: ['finding.opened', 'finding.sla_breached', 'source.failing'], minSeverity: 'high' },
    { channel: 'owner-mail', kinds: ['finding.opened', 'finding.sla_at_risk'] },
    { channel: 'infra-mail', kinds: ['finding.opened', 'source.failing'], owners: ['infra@example.com'] },
  ],
  digest: { schedule: 'weekly', channel: 'owner-mail' },
});

const names = (alert: unknown) => routeAlert(config, parseAlert(alert)).map((c) => c.name);

describe('routing alerts to channels', () => {
  it('sends a finding to every rule that matches its kind, severity and owner', () => {
    expect(names({ kind: 'finding.opened', payload: sampleFinding({ severity: 'critical', owner: 'dev@example.com' }) })).toEqual([
      'all-hook',
      'sec-slack',
      'owner-mail',
    ]);
  });

  it('holds a finding below minSeverity back from that rule only', () => {
    expect(names({ kind: 'finding.opened', payload: sampleFinding({ severity: 'medium', owner: 'dev@example.com' }) })).toEqual([
      'all-hook',
      'owner-mail',
    ]);
  });

  it('matches an owners rule only for that owner, and skips an email channel with nobody to write to', () => {
    expect(names({ kind: 'finding.opened', payload: sampleFinding({ severity: 'low', owner: 'infra@example.com' }) })).toEqual([
      'all-hook',
      'owner-mail',
      'infra-mail',
    ]);
    // owner-mail writes only to owners, and "team-infra" is not an address.
    expect(names({ kind: 'finding.opened', payload: sampleFinding({ severity: 'low', owner: 'team-infra' }) })).toEqual(['all-hook']);
  });

  it('does not filter severity-less alerts by minSeverity, and does not send owner-less ones to owners rules', () => {
    const failing = {
      kind: 'source.failing',
      payload: { source: 'okta', type: 'okta', error: 'Unreachable: refused', failingSince: '2026-12-01T08:00:00.000Z', lastSuccessAt: null },
    };
    expect(names(failing)).toEqual(['all-hook', 'sec-slack']);
  });

  it('sends digests to the digest channel as well as to rules that name digests', () => {
    const digest = {
      kind: 'digest',
      payload: {
        owner: 'dev@example.com',
        schedule: 'weekly',
        periodStart: '2026-11-23T00:00:00.000Z',
        periodEnd: '2026-11-30T00:00:00.000Z',
        totals: { open: 1, overdue: 0, openedInPeriod: 1, resolvedInPeriod: 0 },
        findings: [],
      },
    };
    expect(names(digest)).toEqual(['all-hook', 'owner-mail']);
  });

  it('sends nothing for a kind no rule names', () => {
    expect(names({ kind: 'source.recovered', payload: { source: 'okta', type: 'okta', failingSince: '2026-12-01T08:00:00.000Z', recoveredAt: '2026-12-01T09:00:00.000Z' } })).toEqual([]);
  });
});

describe(`raising alerts into the outbox (${testDbKind()})`, () => {
  let db: TestDb;
  let ws: string;
  const clock = fixedClock('2026-12-01T09:00:00Z');
  beforeAll(async () => {
    db = await createTestDb();
    ws = (await createWorkspaceRepo(db.orm).ensure('acme', 'Acme')).id;
  });
  afterAll(() => db.close());

  it('enqueues one pending delivery per selected channel, due now', async () => {
    const alerter = createAlerter({ db, clock, config });
    const raised = await alerter.raise(ws, { kind: 'finding.opened', payload: sampleFinding({ findingId: 'fnd_a', severity: 'critical', owner: 'dev@example.com' }) });
    expect(raised.map((r) => [r.channel, r.enqueued])).toEqual([
      ['all-hook', true],
      ['sec-slack', true],
      ['owner-mail', true],
    ]);
    const repo = createOutboxRepo(db, ws);
    const row = await repo.get(raised[1]!.id);
    expect(row).toMatchObject({
      status: 'pending',
      channel: 'sec-slack',
      channelType: 'slack',
      kind: 'finding.opened',
      attempts: 0,
      idempotencyKey: 'finding.opened:fnd_a@sec-slack',
    });
    expect(row!.nextAttemptAt.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(row!.alert).toMatchObject({ kind: 'finding.opened', payload: { findingId: 'fnd_a', severity: 'critical' } });
  });

  it('enqueues the same alert once however often it is raised', async () => {
    const alerter = createAlerter({ db, clock, config });
    const alert = { kind: 'finding.opened' as const, payload: sampleFinding({ findingId: 'fnd_twice', severity: 'low', owner: null }) };
    const first = await alerter.raise(ws, alert);
    const second = await alerter.raise(ws, alert);
    expect(first).toEqual([{ channel: 'all-hook', id: first[0]!.id, enqueued: true }]);
    expect(second).toEqual([{ channel: 'all-hook', id: first[0]!.id, enqueued: false }]);
    const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_deliveries WHERE idempotency_key LIKE '%fnd_twice%'`);
    expect(rows[0]!.n).toBe(1);
  });

  it('enqueues a new delivery when the same finding reaches a new state (a new due date breached)', async () => {
    const alerter = createAlerter({ db, clock, config });
    const f = sampleFinding({ findingId: 'fnd_due', severity: 'high' });
    const a = await alerter.raise(ws, { kind: 'finding.sla_breached', payload: f });
    const b = await alerter.raise(ws, { kind: 'finding.sla_breached', payload: { ...f, dueAt: '2027-01-31T09:00:00.000Z' } });
    expect(a[0]!.enqueued && b[0]!.enqueued).toBe(true);
    expect(a[0]!.id).not.toBe(b[0]!.id);
  });

  it("writes in the caller's transaction: rolled back with it, committed with it", async () => {
    const alerter = createAlerter({ db, clock, config });
    const alert = (id: string) => ({ kind: 'finding.opened' as const, payload: sampleFinding({ findingId: id, severity: 'low', owner: null }) });
    await expect(
      db.orm.transaction(async (tx) => {
        await alerter.raise(ws, alert('fnd_rolled_back'), tx);
        await tx.execute(sql`SELECT 1`);
        throw new Error('the finding could not be saved');
      }),
    ).rejects.toThrow('the finding could not be saved');
    await db.orm.transaction(async (tx) => {
      await alerter.raise(ws, alert('fnd_committed'), tx);
    });
    const rows = await db.query<{ key: string }>(
      `SELECT idempotency_key AS key FROM outbox_deliveries WHERE idempotency_key LIKE '%fnd_rolled_back%' OR idempotency_key LIKE '%fnd_committed%'`,
    );
    expect(rows.map((r) => r.key)).toEqual(['finding.opened:fnd_committed@all-hook']);
  });

  it('keeps workspaces apart: the same alert in two workspaces is two deliveries', async () => {
    const other = (await createWorkspaceRepo(db.orm).ensure('globex', 'Globex')).id;
    const alerter = createAlerter({ db, clock, config });
    const alert = { kind: 'finding.opened' as const, payload: sampleFinding({ findingId: 'fnd_shared', severity: 'low', owner: null }) };
    const a = await alerter.raise(ws, alert);
    const b = await alerter.raise(other, alert);
    expect(a[0]!.enqueued && b[0]!.enqueued).toBe(true);
    expect((await createOutboxRepo(db, other).list()).map((r) => r.id)).toEqual([b[0]!.id]);
  });

  it('rejects a malformed alert with the field at fault, and enqueues nothing', async () => {
    const alerter = createAlerter({ db, clock, config });
    const before = await createOutboxRepo(db, ws).counts();
    const bad = { kind: 'finding.opened', payload: { ...sampleFinding(), dueAt: 'next tuesday' } };
    await expect(alerter.raise(ws, bad as never)).rejects.toThrow(/finding\.opened payload\.dueAt/);
    await expect(alerter.raise(ws, { kind: 'finding.exploded', payload: {} } as never)).rejects.toBeInstanceOf(VigilError);
    expect(await createOutboxRepo(db, ws).counts()).toEqual(before);
  });
});
