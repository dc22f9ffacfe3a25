/**
 * The life of a finding: opened with an owner and an SLA due date, acknowledged, muted (never a
 * pass), reopened when the mute expires, resolved when the check passes, reopened with its history
 * on regression — each transition logged as evidence and alerted through the outbox.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { configSchema } from './config/schema.ts';
import { createMonitor, type Monitor } from './monitor.ts';
import { createOwnerResolver } from './owners.ts';
import { defineCheck } from '../checks/sdk/define.ts';
import { resources } from '../db/schema/resources.ts';
import { sources } from '../db/schema/sources.ts';
import { outboxDeliveries } from '../db/schema/outbox-deliveries.ts';
import { syncControls } from '../catalog/index.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import { createAlerter } from '../notify/index.ts';
import { testDbKind } from '../db/testing.ts';
import { DAY_MS } from '../lib/clock.ts';

const check = defineCheck({
  id: 'test.encrypted',
  title: 'Disks are encrypted',
  description: 'Every disk must be encrypted.',
  area: 'cloud',
  controls: ['DAT-01'],
  severity: 'critical',
  inputs: { resources: ['fake.disks'] },
  freshness: 'P30D',
  params: z.object({}),
  async evaluate({ inputs }) {
    const disks = await inputs.resources<{ encrypted: boolean; team: string }>('fake.disks');
    return disks.map((d) =>
      d.data.encrypted
        ? { resource: `fake.disks/${d.key}`, status: 'pass' as const, reason: 'encrypted', evidence: [] }
        : { resource: `fake.disks/${d.key}`, status: 'fail' as const, reason: `disk ${d.key} is not encrypted`, remediation: 'encrypt it', evidence: [], details: { team: d.data.team } },
    );
  },
});

let ev: EvidenceFixture;
let monitor: Monitor;

async function setDisk(key: string, encrypted: boolean, team = 'platform') {
  const now = ev.clock.now();
  await ev.db.orm
    .insert(resources)
    .values({ workspaceId: ev.workspaceId, source: 'fake', type: 'fake.disks', key, data: { encrypted, team }, dataHash: `${encrypted}`, firstSeenAt: now, lastSeenAt: now, changedAt: now })
    .onConflictDoUpdate({ target: [resources.workspaceId, resources.source, resources.type, resources.key], set: { data: { encrypted, team }, changedAt: now } });
  await ev.db.orm.update(sources).set({ lastSuccessAt: now, lastRunAt: now }).where(eq(sources.workspaceId, ev.workspaceId));
}

beforeEach(async () => {
  ev = await createEvidenceFixture('2026-05-01T08:00:00.000Z');
  await syncControls({ db: ev.db, workspaceId: ev.workspaceId, paths: [] });
  await ev.db.orm.insert(sources).values({ workspaceId: ev.workspaceId, name: 'fake', type: 'fake', status: 'ok', provides: ['fake.disks'], lastSuccessAt: ev.clock.now() });
  const config = configSchema.parse({
    findings: { ownerRules: [{ owner: 'data-team@example.com', attributes: { team: 'data' } }] },
    alerts: {
      channels: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/unused', secret: 'hook-secret-0123456789' }],
      rules: [{ channel: 'hook', kinds: ['finding.opened', 'finding.reopened', 'finding.sla_at_risk', 'finding.sla_breached', 'mute.expiring'] }],
      digest: { schedule: 'daily', channel: 'hook' },
    },
  });
  monitor = createMonitor({
    db: ev.db,
    clock: ev.clock,
    evidence: ev.log,
    blobs: ev.blobs,
    alerts: createAlerter({ db: ev.db, clock: ev.clock, config: config.alerts }),
    config,
    checks: [check],
    resolveOwner: createOwnerResolver(ev.workspaceId, config.findings.ownerRules),
  });
});

afterEach(async () => {
  await ev.close();
});

const alertKinds = async () =>
  (await ev.db.orm.select({ kind: outboxDeliveries.kind }).from(outboxDeliveries).where(eq(outboxDeliveries.workspaceId, ev.workspaceId))).map((r) => r.kind);

describe(`findings (${testDbKind()})`, () => {
  it("opens one finding per failing resource, owned by the control's owner role or a matching rule, due by the severity's SLA", async () => {
    await setDisk('d1', false);
    await setDisk('d2', false, 'data');
    await setDisk('d3', true);
    await monitor.evaluate(ev.workspaceId);
    const list = await monitor.findings.list(ev.workspaceId);
    expect(list.map((f) => f.resource).sort()).toEqual(['fake.disks/d1', 'fake.disks/d2']);
    const d1 = list.find((f) => f.resource === 'fake.disks/d1')!;
    const d2 = list.find((f) => f.resource === 'fake.disks/d2')!;
    expect(d2.owner).toBe('data-team@example.com');
    expect(d1.owner).toBeTruthy(); // DAT-01's owner role from the library
    expect(d1.owner).not.toBe('data-team@example.com');
    expect(d1.dueAt.getTime() - d1.openedAt.getTime()).toBe(15 * DAY_MS); // critical: P15D
    // `vigil findings --owner` matches an email address whatever its case, as the API does.
    expect((await monitor.findings.list(ev.workspaceId, { owner: 'Data-Team@Example.COM' })).map((f) => f.resource)).toEqual(['fake.disks/d2']);
    // Evaluating again with nothing changed opens nothing new.
    await monitor.evaluate(ev.workspaceId);
    expect(await monitor.findings.list(ev.workspaceId)).toHaveLength(2);
    expect((await alertKinds()).filter((k) => k === 'finding.opened')).toHaveLength(2);
  });

  it('acknowledges, mutes with reason/approver/expiry, and reopens when the mute expires — a muted failure is never a pass', async () => {
    await setDisk('d1', false);
    await monitor.evaluate(ev.workspaceId);
    const [f] = await monitor.findings.list(ev.workspaceId);
    await monitor.findings.acknowledge(ev.workspaceId, f!.id, 'cli:alice', 'looking into it');
    await expect(monitor.findings.acknowledge(ev.workspaceId, f!.id, 'cli:alice')).rejects.toThrow(/only an open finding/);
    await expect(monitor.findings.mute(ev.workspaceId, f!.id, { reason: '', approver: 'bob', expiresAt: new Date('2026-06-01') }, 'cli:alice')).rejects.toThrow(/needs a reason/);
    await expect(monitor.findings.mute(ev.workspaceId, f!.id, { reason: 'legacy', approver: 'bob', expiresAt: new Date('2028-01-01') }, 'cli:alice')).rejects.toThrow(/at most one year/);
    await monitor.findings.mute(ev.workspaceId, f!.id, { reason: 'legacy volume, migration planned', approver: 'bob@example.com', expiresAt: new Date('2026-05-10T00:00:00Z') }, 'cli:alice');
    expect((await monitor.findings.list(ev.workspaceId))[0]!.status).toBe('muted');

    ev.clock.set('2026-05-08T00:00:00Z');
    await monitor.sweep(ev.workspaceId);
    expect(await alertKinds()).toContain('mute.expiring');
    ev.clock.set('2026-05-10T00:00:01Z');
    const swept = await monitor.sweep(ev.workspaceId);
    expect(swept.unmuted).toBe(1);
    const reopened = (await monitor.findings.list(ev.workspaceId))[0]!;
    expect(reopened.status).toBe('open');
    expect(reopened.muteReason).toBeNull();
    const history = (await monitor.findings.history(ev.workspaceId, f!.id)).map((h) => h.action);
    expect(history).toEqual(['opened', 'acknowledged', 'muted', 'mute_expired']);
  });

  it('resolves when the check passes and reopens with its history on regression', async () => {
    await setDisk('d1', false);
    await monitor.evaluate(ev.workspaceId);
    ev.clock.advance(DAY_MS);
    await setDisk('d1', true);
    await monitor.evaluate(ev.workspaceId);
    let [f] = await monitor.findings.list(ev.workspaceId, { status: ['resolved'] });
    expect(f!.resolvedAt?.toISOString()).toBe('2026-05-02T08:00:00.000Z');
    ev.clock.advance(DAY_MS);
    await setDisk('d1', false);
    await monitor.evaluate(ev.workspaceId);
    [f] = await monitor.findings.list(ev.workspaceId);
    expect(f).toMatchObject({ status: 'open', reopenedCount: 1 });
    expect(f!.dueAt.toISOString()).toBe('2026-05-18T08:00:00.000Z'); // a new SLA clock from the regression
    const history = await monitor.findings.history(ev.workspaceId, f!.id);
    expect(history.map((h) => h.action)).toEqual(['opened', 'resolved', 'reopened']);
    // Every transition is an evidence record in the log.
    for (const h of history) expect((await ev.log.get(ev.workspaceId, h.evidenceId!))?.kind).toBe('finding.transition');
    expect(await alertKinds()).toContain('finding.reopened');
  });

  it('alerts once when an SLA is at risk and once when it is breached', async () => {
    await setDisk('d1', false);
    await monitor.evaluate(ev.workspaceId);
    ev.clock.set('2026-05-13T00:00:00Z'); // 80 % of 15 days
    await monitor.sweep(ev.workspaceId);
    await monitor.sweep(ev.workspaceId);
    ev.clock.set('2026-05-17T00:00:00Z');
    await monitor.sweep(ev.workspaceId);
    await monitor.sweep(ev.workspaceId);
    const kinds = await alertKinds();
    expect(kinds.filter((k) => k === 'finding.sla_at_risk')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'finding.sla_breached')).toHaveLength(1);
  });

  it('sends each owner one daily digest of their findings, once per day', async () => {
    await setDisk('d1', false);
    await setDisk('d2', false, 'data');
    await monitor.evaluate(ev.workspaceId);
    ev.clock.set('2026-05-02T06:00:00Z');
    expect((await monitor.sweep(ev.workspaceId)).digests).toBe(2);
    await monitor.sweep(ev.workspaceId);
    const rows = await ev.db.orm.select().from(outboxDeliveries).where(and(eq(outboxDeliveries.workspaceId, ev.workspaceId), eq(outboxDeliveries.kind, 'digest')));
    expect(rows).toHaveLength(2);
    const payloads = rows.map((r) => (r.alert as { payload: { owner: string; totals: { open: number; openedInPeriod: number } } }).payload);
    const data = payloads.find((p) => p.owner === 'data-team@example.com')!;
    expect(data.totals).toMatchObject({ open: 1, openedInPeriod: 1 });
  });

  it('keeps findings of another workspace apart', async () => {
    await setDisk('d1', false);
    await monitor.evaluate(ev.workspaceId);
    const [f] = await monitor.findings.list(ev.workspaceId);
    await expect(monitor.findings.acknowledge('ws_other', f!.id, 'cli:eve')).rejects.toThrow(/no finding/);
    expect(await monitor.findings.list('ws_other')).toEqual([]);
    const rows = await ev.db.orm.select().from(sources).where(and(eq(sources.workspaceId, ev.workspaceId)));
    expect(rows).toHaveLength(1);
  });
});
