/**
 * GET and PATCH /api/v1/settings over a real server: values with their origin, a change that
 * persists, judges the changed check again and is recorded, errors that name the field, and null
 * back to vigil.yaml.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../testing.ts';

let t: TestServer;

beforeAll(async () => {
  t = await createTestServer({ config: { findings: { sla: { high: 'P21D' } }, checks: { params: { 'access.inactive-accounts': { maxInactiveDays: 60 } } } } });
});
afterAll(async () => {
  await t?.close();
});

interface Field {
  path: string;
  value: unknown;
  origin: string;
  base: unknown;
  input: string;
  updatedBy: string | null;
}
interface Settings {
  findings: { sla: Record<string, string>; slaAtRisk: number; fields: Field[] };
  checks: { id: string; params: Record<string, unknown>; overridden: string[]; fields: Field[] }[];
}

const field = (s: Settings, path: string) => [...s.findings.fields, ...s.checks.flatMap((c) => c.fields)].find((f) => f.path === path);
const get = async (as = t.users.viewer.session) => (await (await t.request('GET', '/api/v1/settings', { as })).json()) as Settings;
const patch = (body: unknown, as = t.users.admin.session) => t.request('PATCH', '/api/v1/settings', { as, body });

describe('settings API', () => {
  it('shows each SLA and parameter with where it comes from', async () => {
    const s = await get();
    expect(s.findings.sla).toMatchObject({ critical: 'P15D', high: 'P21D' });
    expect(field(s, 'findings.sla.critical')).toMatchObject({ origin: 'default' });
    expect(field(s, 'findings.sla.high')).toMatchObject({ origin: 'config', base: 'P21D' });
    expect(field(s, 'checks.params.access.inactive-accounts.maxInactiveDays')).toMatchObject({ value: 60, origin: 'config', input: 'integer' });
    expect(field(s, 'checks.params.logging.retention.evidenceRetention')).toMatchObject({ origin: 'config', input: 'json' });
    expect(s.checks.find((c) => c.id === 'access.inactive-accounts')!.overridden).toEqual(['maxInactiveDays']);
  });

  it('changes an SLA and a parameter, judges the check again, and records who changed what', async () => {
    const res = await patch({ findings: { sla: { critical: 'P7D' }, slaAtRisk: 0.6 }, checks: { 'access.inactive-accounts': { maxInactiveDays: 30 } } });
    expect(res.status).toBe(200);
    const out = (await res.json()) as Settings & { changes: { path: string; before: { value: unknown }; after: { value: unknown } }[]; record: string; evaluated: { check: string }[] };
    expect(out.changes.map((c) => [c.path, c.before.value, c.after.value])).toEqual([
      ['findings.sla.critical', 'P15D', 'P7D'],
      ['alerts.slaAtRisk', 0.75, 0.6],
      ['checks.params.access.inactive-accounts.maxInactiveDays', 60, 30],
    ]);
    expect(out.evaluated.map((e) => e.check)).toEqual(['access.inactive-accounts']);
    const s = await get();
    expect(field(s, 'findings.sla.critical')).toMatchObject({ value: 'P7D', origin: 'override', base: 'P15D', updatedBy: t.users.admin.id });
    expect(s.findings.slaAtRisk).toBe(0.6);
    expect(s.checks.find((c) => c.id === 'access.inactive-accounts')!.params).toMatchObject({ maxInactiveDays: 30 });
    // The change with its values, and the request that made it.
    const change = await t.app.evidence.log.get(t.app.workspace.id, out.record);
    expect(JSON.parse(change!.content!)).toMatchObject({ action: 'settings.change', actor: { id: t.users.admin.id, role: 'admin' }, via: 'session' });
    const actions = (await t.app.evidence.log.list(t.app.workspace.id, { kind: 'user.action', subject: 'settings', includeContent: true, limit: 5000 })).map((r) => JSON.parse(r.content!) as { action: string; details: Record<string, unknown> });
    expect(actions.find((a) => a.action === 'settings.update')!.details).toMatchObject({ record: out.record, changed: out.changes.map((c) => c.path) });
  });

  it('answers 400 naming the field, and changes nothing', async () => {
    const before = await get();
    for (const [body, where, message] of [
      [{ findings: { sla: { high: '3 weeks' }, slaAtRisk: 0.5 } }, 'findings.sla.high', /ISO 8601 duration/],
      [{ findings: { slaAtRisk: 0 } }, 'alerts.slaAtRisk', /between 0 and 1/],
      [{ checks: { 'access.inactive-accounts': { maxIdleDays: 10 } } }, 'checks.params.access.inactive-accounts.maxIdleDays', /has no parameter "maxIdleDays"/],
      [{ checks: { 'access.inactive-accounts': { maxInactiveDays: 'ninety' } } }, 'checks.params.access.inactive-accounts.maxInactiveDays', /expected number/],
      [{ checks: { 'logging.retention': { evidenceRetention: { default: 'P1D' } } } }, 'checks.params.logging.retention.evidenceRetention', /cannot be overridden/],
      [{ checks: { 'no.such-check': { x: 1 } } }, 'checks.params.no.such-check', /there is no check/],
      [{ findings: { sla: { urgent: 'P1D' } } }, 'body.findings.sla', /urgent/],
    ] as const) {
      const res = await patch(body);
      const e = (await res.json()) as { error: string; message: string; where: string };
      expect(res.status, where).toBe(400);
      expect(e.where, where).toBe(where);
      expect(e.message, where).toMatch(message);
    }
    expect(await get()).toEqual(before);
  });

  it('puts a value back to vigil.yaml or the default with null', async () => {
    await patch({ findings: { sla: { critical: 'P2D' } }, checks: { 'access.inactive-accounts': { maxInactiveDays: 45 } } });
    const res = await patch({ findings: { sla: { critical: null }, slaAtRisk: null }, checks: { 'access.inactive-accounts': { maxInactiveDays: null } } });
    expect(res.status).toBe(200);
    const s = await get();
    expect(field(s, 'findings.sla.critical')).toMatchObject({ value: 'P15D', origin: 'default', updatedBy: null });
    expect(field(s, 'alerts.slaAtRisk')).toMatchObject({ value: 0.75, origin: 'default' });
    expect(field(s, 'checks.params.access.inactive-accounts.maxInactiveDays')).toMatchObject({ value: 60, origin: 'config' });
  });

  it('is what the checks, alerts and findings routes show once changed', async () => {
    const json = async (path: string) => (await (await t.request('GET', path, { as: t.users.viewer.session })).json()) as Record<string, unknown>;
    await patch({ findings: { slaAtRisk: 0.4 }, checks: { 'access.inactive-accounts': { maxInactiveDays: 21 } } });
    expect((await json('/api/v1/checks/access.inactive-accounts')).params).toMatchObject({ maxInactiveDays: 21 });
    const listed = (await json('/api/v1/checks?area=access')) as unknown as { id: string; params: Record<string, unknown> }[];
    expect(listed.find((c) => c.id === 'access.inactive-accounts')!.params).toMatchObject({ maxInactiveDays: 21 });
    expect((await (await t.request('GET', '/api/v1/alerts/channels', { as: t.users.admin.session })).json()) as { slaAtRisk: number }).toMatchObject({ slaAtRisk: 0.4 });
    await patch({ findings: { slaAtRisk: null }, checks: { 'access.inactive-accounts': { maxInactiveDays: null } } });
    expect((await json('/api/v1/checks/access.inactive-accounts')).params).toMatchObject({ maxInactiveDays: 60 });
  });

  it('refuses a member the change', async () => {
    const res = await patch({ findings: { sla: { critical: 'P1D' } } }, t.users.member.session);
    expect(res.status).toBe(403);
    expect((await get()).findings.sla.critical).toBe('P15D');
  });
});
