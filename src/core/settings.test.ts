/**
 * Settings changed per workspace over vigil.yaml: the merged view with each value's origin,
 * validation that names the field, null back to vigil.yaml, the evidence record of every change,
 * and the effect — checks judged with the new params (also by another process's monitor), new
 * findings due by the new SLA while existing ones keep theirs, the sweep at the new at-risk share.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { configSchema, type VigilConfig } from './config/schema.ts';
import { createMonitor, type Monitor } from './monitor.ts';
import { defineCheck, type AnyCheck } from '../checks/sdk/define.ts';
import { resources } from '../db/schema/resources.ts';
import { sources } from '../db/schema/sources.ts';
import { settingOverrides } from '../db/schema/setting-overrides.ts';
import { outboxDeliveries } from '../db/schema/outbox-deliveries.ts';
import { syncControls } from '../catalog/index.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import { createAlerter } from '../notify/index.ts';
import { testDbKind } from '../db/testing.ts';
import { DAY_MS } from '../lib/clock.ts';
import { isVigilError } from '../lib/errors.ts';
import type { SettingField } from './settings.ts';

const sizeCheck = defineCheck({
  id: 'test.disk-size',
  title: 'Disks stay small',
  description: 'No disk larger than the limit.',
  area: 'cloud',
  controls: ['DAT-01'],
  severity: 'high',
  inputs: { resources: ['fake.disks'] },
  freshness: 'P30D',
  params: z.object({
    maxSizeGb: z.number().int().min(1).default(100).describe('Largest disk allowed, in GB.'),
    label: z.string().default('disk'),
    strict: z.boolean().default(false),
    zones: z.array(z.string()).default([]),
    evidenceRetention: z.record(z.string(), z.string()).default({}),
  }),
  async evaluate({ inputs, params }) {
    const disks = await inputs.resources<{ sizeGb: number }>('fake.disks');
    return disks.map((d) =>
      d.data.sizeGb <= params.maxSizeGb
        ? { resource: `fake.disks/${d.key}`, status: 'pass' as const, reason: `${params.label} ${d.key}: ${d.data.sizeGb} GB`, evidence: [] }
        : { resource: `fake.disks/${d.key}`, status: 'fail' as const, reason: `${params.label} ${d.key}: ${d.data.sizeGb} GB over ${params.maxSizeGb}`, remediation: 'shrink it', evidence: [] },
    );
  },
});
const checks: AnyCheck[] = [sizeCheck];

let ev: EvidenceFixture;
let config: VigilConfig;
let monitor: Monitor;
const admin = { id: 'usr_admin', email: 'admin@example.com', role: 'admin', via: 'session' };

function newMonitor(): Monitor {
  return createMonitor({
    db: ev.db,
    clock: ev.clock,
    evidence: ev.log,
    blobs: ev.blobs,
    alerts: createAlerter({ db: ev.db, clock: ev.clock, config: config.alerts }),
    config,
    checks,
  });
}

async function setDisk(key: string, sizeGb: number) {
  const now = ev.clock.now();
  await ev.db.orm
    .insert(resources)
    .values({ workspaceId: ev.workspaceId, source: 'fake', type: 'fake.disks', key, data: { sizeGb }, dataHash: `${sizeGb}`, firstSeenAt: now, lastSeenAt: now, changedAt: now })
    .onConflictDoUpdate({ target: [resources.workspaceId, resources.source, resources.type, resources.key], set: { data: { sizeGb }, dataHash: `${sizeGb}`, changedAt: now } });
  await ev.db.orm.update(sources).set({ lastSuccessAt: now, lastRunAt: now }).where(eq(sources.workspaceId, ev.workspaceId));
}

const statusOf = async (resource: string) => {
  const list = await monitor.findings.list(ev.workspaceId);
  return list.find((f) => f.resource === resource);
};

const fieldOf = (fields: SettingField[], path: string) => fields.find((f) => f.path === path)!;

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isVigilError(e)) return { message: e.message, where: e.where, tag: e._tag };
    throw e;
  }
  throw new Error('expected the change to be refused');
}

beforeEach(async () => {
  ev = await createEvidenceFixture('2026-05-01T08:00:00.000Z');
  await syncControls({ db: ev.db, workspaceId: ev.workspaceId, paths: [] });
  await ev.db.orm.insert(sources).values({ workspaceId: ev.workspaceId, name: 'fake', type: 'fake', status: 'ok', provides: ['fake.disks'], lastSuccessAt: ev.clock.now() });
  config = configSchema.parse({
    findings: { sla: { high: 'P20D' } },
    checks: { params: { 'test.disk-size': { label: 'volume' } } },
    evidence: { retention: { default: 'P2Y' } },
    alerts: {
      channels: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/unused', secret: 'hook-secret-0123456789' }],
      rules: [{ channel: 'hook', kinds: ['finding.sla_at_risk'] }],
    },
  });
  monitor = newMonitor();
});

afterEach(async () => {
  await ev.close();
});

describe(`settings (${testDbKind()})`, () => {
  it('merges vigil.yaml with the overrides and says where each value comes from', async () => {
    let s = await monitor.settings.effective(ev.workspaceId);
    expect(fieldOf(s.findings.fields, 'findings.sla.critical')).toMatchObject({ value: 'P15D', origin: 'default', base: 'P15D' });
    expect(fieldOf(s.findings.fields, 'findings.sla.high')).toMatchObject({ value: 'P20D', origin: 'config', base: 'P20D' });
    expect(fieldOf(s.findings.fields, 'alerts.slaAtRisk')).toMatchObject({ value: 0.75, origin: 'default', input: 'number' });
    const fields = s.checks.find((c) => c.id === 'test.disk-size')!.fields;
    expect(fieldOf(fields, 'checks.params.test.disk-size.maxSizeGb')).toMatchObject({ value: 100, origin: 'default', input: 'integer', description: 'Largest disk allowed, in GB.', locked: null });
    expect(fieldOf(fields, 'checks.params.test.disk-size.label')).toMatchObject({ value: 'volume', origin: 'config', input: 'string' });
    expect(fieldOf(fields, 'checks.params.test.disk-size.strict')).toMatchObject({ input: 'boolean' });
    expect(fieldOf(fields, 'checks.params.test.disk-size.zones')).toMatchObject({ input: 'string-list' });
    expect(fieldOf(fields, 'checks.params.test.disk-size.evidenceRetention')).toMatchObject({ value: { default: 'P2Y' }, origin: 'config', input: 'json' });
    expect(fieldOf(fields, 'checks.params.test.disk-size.evidenceRetention').locked).toMatch(/evidence\.retention/);

    ev.clock.advance(60_000);
    const out = await monitor.settings.update(ev.workspaceId, { findings: { sla: { critical: 'P3D' }, slaAtRisk: 0.5 }, checks: { 'test.disk-size': { maxSizeGb: 50, label: 'vol' } } }, admin);
    expect(out.changes.map((c) => c.path).sort()).toEqual(['alerts.slaAtRisk', 'checks.params.test.disk-size.label', 'checks.params.test.disk-size.maxSizeGb', 'findings.sla.critical']);
    s = await monitor.settings.effective(ev.workspaceId);
    expect(s.findings.sla).toMatchObject({ critical: 'P3D', high: 'P20D', medium: 'P90D' });
    expect(s.findings.slaAtRisk).toBe(0.5);
    expect(fieldOf(s.findings.fields, 'findings.sla.critical')).toMatchObject({ value: 'P3D', origin: 'override', base: 'P15D', updatedBy: 'usr_admin', updatedAt: '2026-05-01T08:01:00.000Z' });
    const c = s.checks.find((x) => x.id === 'test.disk-size')!;
    expect(c.params).toEqual({ maxSizeGb: 50, label: 'vol', strict: false, zones: [], evidenceRetention: { default: 'P2Y' } });
    expect(fieldOf(c.fields, 'checks.params.test.disk-size.label')).toMatchObject({ value: 'vol', origin: 'override', base: 'volume' });
    // Overrides belong to one workspace.
    const other = await monitor.settings.effective('ws_other');
    expect(other.findings.sla.critical).toBe('P15D');
  });

  it('refuses a bad value naming the field, and applies nothing of a change with one', async () => {
    const ws = ev.workspaceId;
    const cases: [Parameters<Monitor['settings']['update']>[1], string, RegExp][] = [
      [{ findings: { sla: { high: '30 days' } } }, 'findings.sla.high', /ISO 8601 duration/],
      [{ findings: { slaAtRisk: 1.5 } }, 'alerts.slaAtRisk', /between 0 and 1/],
      [{ checks: { 'test.nope': { x: 1 } } }, 'checks.params.test.nope', /there is no check "test.nope"/],
      [{ checks: { 'test.disk-size': { maxSizeGB: 5 } } }, 'checks.params.test.disk-size.maxSizeGB', /has no parameter "maxSizeGB" \(its parameters: maxSizeGb, label, strict, zones\)/],
      [{ checks: { 'test.disk-size': { maxSizeGb: 0 } } }, 'checks.params.test.disk-size.maxSizeGb', /checks\.params\.test\.disk-size\.maxSizeGb: /],
      [{ checks: { 'test.disk-size': { zones: 'eu' } } }, 'checks.params.test.disk-size.zones', /expected array/],
      [{ checks: { 'test.disk-size': { evidenceRetention: { default: 'P1D' } } } }, 'checks.params.test.disk-size.evidenceRetention', /Vigil sets evidenceRetention itself from evidence\.retention/],
    ];
    for (const [patch, where, message] of cases) {
      const e = await rejection(monitor.settings.update(ws, { findings: { sla: { low: 'P1D' } }, ...patch, ...(patch.findings ? { findings: { ...patch.findings, sla: { low: 'P1D', ...patch.findings.sla } } } : {}) }, admin));
      expect(e, where).toMatchObject({ tag: 'InvalidInput', where });
      expect(e.message, where).toMatch(message);
    }
    // The valid part of each refused change (low: P1D) was not applied either.
    expect(await ev.db.orm.select().from(settingOverrides).where(eq(settingOverrides.workspaceId, ws))).toEqual([]);
    expect((await monitor.settings.effective(ws)).findings.sla.low).toBe('P180D');
  });

  it('goes back to vigil.yaml or the default when a value is set to null', async () => {
    const ws = ev.workspaceId;
    await monitor.settings.update(ws, { findings: { sla: { high: 'P5D', low: 'P7D' }, slaAtRisk: 0.9 }, checks: { 'test.disk-size': { label: 'x', maxSizeGb: 10 } } }, admin);
    await monitor.settings.update(ws, { findings: { sla: { high: null }, slaAtRisk: null }, checks: { 'test.disk-size': { label: null } } }, admin);
    let s = await monitor.settings.effective(ws);
    expect(fieldOf(s.findings.fields, 'findings.sla.high')).toMatchObject({ value: 'P20D', origin: 'config' });
    expect(fieldOf(s.findings.fields, 'findings.sla.low')).toMatchObject({ value: 'P7D', origin: 'override' });
    expect(fieldOf(s.findings.fields, 'alerts.slaAtRisk')).toMatchObject({ value: 0.75, origin: 'default' });
    const fields = s.checks[0]!.fields;
    expect(fieldOf(fields, 'checks.params.test.disk-size.label')).toMatchObject({ value: 'volume', origin: 'config' });
    expect(fieldOf(fields, 'checks.params.test.disk-size.maxSizeGb')).toMatchObject({ value: 10, origin: 'override' });
    // The last param of a check reset: no row is left for it.
    await monitor.settings.update(ws, { checks: { 'test.disk-size': { maxSizeGb: null } } }, admin);
    s = await monitor.settings.effective(ws);
    expect(fieldOf(s.checks[0]!.fields, 'checks.params.test.disk-size.maxSizeGb')).toMatchObject({ value: 100, origin: 'default' });
    const rows = await ev.db.orm.select().from(settingOverrides).where(eq(settingOverrides.workspaceId, ws));
    expect(rows.map((r) => `${r.section}/${r.name}`)).toEqual(['findings.sla/low']);
  });

  it('records every change as a user.action evidence record with who, and each value before and after', async () => {
    const ws = ev.workspaceId;
    const first = await monitor.settings.update(ws, { findings: { sla: { critical: 'P3D' } }, checks: { 'test.disk-size': { maxSizeGb: 50 } } }, admin);
    expect(first.record).toBeTruthy();
    const rec = await ev.log.get(ws, first.record!);
    expect(rec).toMatchObject({ kind: 'user.action', source: 'user:usr_admin', subject: 'settings' });
    const content = JSON.parse(rec!.content!) as { action: string; actor: unknown; via: string; details: { changes: unknown[] } };
    expect(content).toMatchObject({ action: 'settings.change', actor: { id: 'usr_admin', email: 'admin@example.com', role: 'admin' }, via: 'session' });
    expect(content.details.changes).toEqual([
      { path: 'findings.sla.critical', before: { value: 'P15D', origin: 'default' }, after: { value: 'P3D', origin: 'override' } },
      { path: 'checks.params.test.disk-size.maxSizeGb', check: 'test.disk-size', before: { value: 100, origin: 'default' }, after: { value: 50, origin: 'override' } },
    ]);
    const reset = await monitor.settings.update(ws, { findings: { sla: { critical: null } } }, admin);
    const back = JSON.parse((await ev.log.get(ws, reset.record!))!.content!) as { details: { changes: unknown[] } };
    expect(back.details.changes).toEqual([{ path: 'findings.sla.critical', before: { value: 'P3D', origin: 'override' }, after: { value: 'P15D', origin: 'default' } }]);
    // The same value again changes nothing and records nothing.
    const same = await monitor.settings.update(ws, { checks: { 'test.disk-size': { maxSizeGb: 50 } } }, admin);
    expect(same).toMatchObject({ changes: [], record: null });
    const actions = (await ev.log.list(ws)).filter((r) => r.kind === 'user.action');
    expect(actions).toHaveLength(2);
  });

  it('judges a check with its new params at once, and another process’s monitor on its next evaluation', async () => {
    const ws = ev.workspaceId;
    await setDisk('d1', 80);
    const worker = newMonitor(); // another process: its own cache of resolved checks
    await worker.evaluate(ws);
    expect(await statusOf('fake.disks/d1')).toBeUndefined();

    await monitor.settings.update(ws, { checks: { 'test.disk-size': { maxSizeGb: 50 } } }, admin);
    const [run] = await monitor.evaluate(ws, { checkIds: ['test.disk-size'], onlyChanged: false });
    expect(run).toMatchObject({ check: 'test.disk-size', outcome: 'judged', changes: 1 });
    expect(await statusOf('fake.disks/d1')).toMatchObject({ status: 'open', reason: 'volume d1: 80 GB over 50' });
    expect((await monitor.checksFor(ws))[0]!.params).toMatchObject({ maxSizeGb: 50 });
    expect(monitor.checks[0]!.params).toMatchObject({ maxSizeGb: 100 }); // vigil.yaml's, unchanged

    // The worker, with nothing collected since, still judges again: its params changed.
    await monitor.settings.update(ws, { checks: { 'test.disk-size': { maxSizeGb: null } } }, admin);
    const [again] = await worker.evaluate(ws, { onlyChanged: true });
    expect(again).toMatchObject({ outcome: 'judged', changes: 1 });
    expect(await statusOf('fake.disks/d1')).toMatchObject({ status: 'resolved' });
  });

  it('gives new findings the SLA in force when they open, keeps existing deadlines, and sweeps at the new at-risk share', async () => {
    const ws = ev.workspaceId;
    await setDisk('d1', 500);
    await monitor.evaluate(ws);
    const d1 = (await statusOf('fake.disks/d1'))!;
    expect(d1.dueAt.getTime() - d1.openedAt.getTime()).toBe(20 * DAY_MS); // high: P20D from vigil.yaml

    await monitor.settings.update(ws, { findings: { sla: { high: 'P4D' }, slaAtRisk: 0.25 } }, admin);
    ev.clock.advance(60_000);
    await setDisk('d2', 500);
    await monitor.evaluate(ws, { onlyChanged: true });
    const d2 = (await statusOf('fake.disks/d2'))!;
    expect(d2.dueAt.getTime() - d2.openedAt.getTime()).toBe(4 * DAY_MS);
    expect((await statusOf('fake.disks/d1'))!.dueAt).toEqual(d1.dueAt);

    // A day and a bit later: d2 is past a quarter of its 4 days, d1 not yet a quarter of its 20.
    ev.clock.advance(1.1 * DAY_MS);
    const swept = await monitor.sweep(ws);
    expect(swept.atRisk).toBe(1);
    const kinds = await ev.db.orm
      .select({ alert: outboxDeliveries.alert })
      .from(outboxDeliveries)
      .where(and(eq(outboxDeliveries.workspaceId, ws), eq(outboxDeliveries.kind, 'finding.sla_at_risk')));
    expect(kinds.map((k) => (k.alert.payload as { resource: string }).resource)).toEqual(['fake.disks/d2']);
  });

  it('makes only the check whose stored params no longer fit vigil.yaml error, saying why', async () => {
    const ws = ev.workspaceId;
    await setDisk('d1', 10);
    // Stored when valid; the check's rules have since changed (here: written directly).
    await ev.db.orm.insert(settingOverrides).values({ workspaceId: ws, section: 'checks.params', name: 'test.disk-size', value: { maxSizeGb: -1 } });
    const [run] = await monitor.evaluate(ws);
    expect(run).toMatchObject({ check: 'test.disk-size', outcome: 'error' });
    expect(run!.reason).toMatch(/set in Settings are no longer valid .*checks\.params\.test\.disk-size\.maxSizeGb/);
  });
});
