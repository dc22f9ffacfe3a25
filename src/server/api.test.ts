/**
 * What the dashboard reads and does through the API, end to end over seeded data: control status
 * and the operating-effectiveness timeline, the findings queue and its actions (with a member's
 * ownership), an auditor held to their audit period, evidence with a proof a browser can check
 * alone, uploads, sources with secrets masked, live events, metrics and the OpenAPI document.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResults } from '../db/schema/check-results.ts';
import { openCheckpoint, parseVerifierKey, verifyBundle } from '../evidence/index.ts';
import { seed, type Seed } from './seed.testing.ts';
import { createTestServer, NOW, type Credential, type TestServer } from './testing.ts';

let t: TestServer;
let s: Seed;
let admin: Credential;
let member: Credential;
let auditor: Credential;
let viewer: Credential;

beforeAll(async () => {
  t = await createTestServer({
    config: {
      alerts: {
        channels: [
          { name: 'hook', type: 'webhook', url: 'https://hooks.example.com/vigil?key=hook-query-secret', secret: 'webhook-hmac-secret-0123456789' },
          { name: 'chat', type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/slack-url-secret' },
          { name: 'mail', type: 'email', to: ['sec@example.com'], from: 'Vigil <vigil@example.com>', smtp: { host: 'smtp.example.com', user: 'vigil', password: 'smtp-password-secret' } },
        ],
        rules: [{ channel: 'hook', kinds: ['finding.opened'] }],
      },
    },
  });
  s = await seed(t);
  admin = t.users.admin.session;
  member = t.users.member.session;
  auditor = t.users.auditor.session;
  viewer = t.users.viewer.session;
});
afterAll(async () => {
  await t?.close();
});

const json = async <T = Record<string, unknown>>(res: Response): Promise<T> => {
  if (res.status >= 400) throw new Error(`${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
};
const getJson = <T = Record<string, unknown>>(path: string, as: Credential) => t.request('GET', path, { as }).then((r) => json<T>(r));

describe('controls', () => {
  it('rolls each control up to the worst status of its checks', async () => {
    const list = await getJson<{ id: string; status: string; automated: boolean; results: Record<string, number>; owner: string }[]>('/api/v1/controls', viewer);
    expect(list.find((c) => c.id === 'TST-01')).toMatchObject({ status: 'fail', automated: true, results: { pass: 1, fail: 1 }, owner: 'member@example.com' });
    expect(list.find((c) => c.id === 'TST-02')).toMatchObject({ status: 'stale', results: { stale: 1 } });
    const failing = await getJson<{ id: string }[]>('/api/v1/controls?status=fail', viewer);
    expect(failing.map((c) => c.id)).toContain('TST-01');
    expect(failing.map((c) => c.id)).not.toContain('TST-02');
    const mine = await getJson<{ id: string }[]>('/api/v1/controls?mine=true', member);
    expect(mine.map((c) => c.id)).toEqual(['TST-01']);
  });

  it('shows one control with its checks, requirements and evidence', async () => {
    const c = await getJson<{ checkDetails: unknown[]; requirementDetails: unknown[]; evidence: { id: string }[]; results: { items: { resource: string; status: string }[]; more: boolean } }>(
      '/api/v1/controls/TST-01',
      viewer,
    );
    expect(c.results).toEqual({ items: [expect.objectContaining({ resource: 'test.users/u1', status: 'fail' }), expect.objectContaining({ resource: 'test.users/u2', status: 'pass' })], more: false });
    expect(c.checkDetails).toEqual([{ id: 'test.mfa', title: 'Every user has MFA', severity: 'high', status: 'fail', results: { pass: 1, fail: 1 } }]);
    expect(c.requirementDetails).toEqual([{ framework: 'soc2', id: 'CC6.1', strength: 'direct', title: expect.any(String) }]);
    expect(c.evidence.map((e) => e.id)).toContain(s.evidence.id);
    expect((await t.request('GET', '/api/v1/controls/NOPE-1', { as: viewer })).status).toBe(404);
  });

  it('computes the operating-effectiveness timeline day by day from the result intervals', async () => {
    const tl = await getJson<{ days: { date: string; state: string; failing: string[] }[]; summary: Record<string, number> }>(
      '/api/v1/controls/TST-01/timeline?from=2026-01-30&to=2026-03-03',
      viewer,
    );
    const state = (d: string) => tl.days.find((x) => x.date === d)?.state;
    expect(tl.days).toHaveLength(32);
    expect([state('2026-01-30'), state('2026-01-31')]).toEqual(['no_data', 'no_data']);
    expect(state('2026-02-01')).toBe('passing');
    expect(state('2026-02-19')).toBe('passing');
    expect(state('2026-02-20')).toBe('failing');
    expect(tl.days.find((x) => x.date === '2026-03-02')).toEqual({ date: '2026-03-02', state: 'failing', failing: ['test.mfa'] });
    expect(tl.summary).toEqual({ passing: 19, failing: 11, stale: 0, no_data: 2 });

    const other = await getJson<{ days: { date: string; state: string }[] }>('/api/v1/controls/TST-02/timeline?from=2026-02-09&to=2026-03-03', viewer);
    expect(other.days.map((d) => d.state)).toEqual(['no_data', ...Array(19).fill('failing'), 'stale', 'stale']);

    const trend = await getJson<{ days: { date: string; failing: number; passing: number }[] }>('/api/v1/overview/trend?from=2026-02-15&to=2026-02-21', viewer);
    expect(trend.days.find((d) => d.date === '2026-02-19')).toMatchObject({ failing: 1, passing: 1 });
    expect(trend.days.find((d) => d.date === '2026-02-20')).toMatchObject({ failing: 2, passing: 0 });
  });

  it('reports coverage with gaps per requirement', async () => {
    const cov = await getJson<{ requirements: { id: string; coverage: string; gap: string | null; status: string; controls: { id: string }[] }[] }>('/api/v1/frameworks/soc2/coverage', viewer);
    const cc61 = cov.requirements.find((r) => r.id === 'CC6.1')!;
    expect(cc61.controls.map((c) => c.id)).toContain('TST-01');
    expect(cc61.status).toBe('fail');
    expect(cov.requirements.every((r) => (r.coverage === 'uncovered') === (r.gap === 'uncovered'))).toBe(true);
  });

  it('gives the dashboard overview in one call, agreeing with the endpoints it replaces', async () => {
    type Counts = Record<string, number>;
    const o = await getJson<{
      controls: Counts;
      frameworks: { id: string; byStatus: Counts }[];
      soc2Groups: { group: string; title: string; requirements: number; byStatus: Counts }[];
      failingControls: { id: string; status: string; failingResults: number }[];
      findings: { open: number; bySeverity: { severity: string; on_track: number; at_risk: number; overdue: number; muted: number }[] };
      sources: { name: string; title: string }[];
      trend: { from: string; to: string; controls: number; days: { date: string; passing: number; failing: number; stale: number; no_data: number }[] };
    }>('/api/v1/overview', admin);
    const tally = (xs: string[]) => xs.reduce<Counts>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {});
    const nonZero = (c: Counts) => Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));

    const list = await getJson<{ id: string; status: string; automated: boolean; results: Counts }[]>('/api/v1/controls', admin);
    expect(nonZero(o.controls)).toEqual(tally(list.map((c) => c.status)));
    expect(o.failingControls.map((c) => c.id).sort()).toEqual(list.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id).sort());
    expect(o.failingControls.find((c) => c.id === 'TST-01')).toEqual({ id: 'TST-01', title: expect.any(String), status: 'fail', owner: 'member@example.com', ownerRole: expect.any(String), failingResults: 1 });

    const cov = await getJson<{ requirements: { group: string; status: string }[] }>('/api/v1/frameworks/soc2/coverage', admin);
    expect(nonZero(o.frameworks.find((f) => f.id === 'soc2')!.byStatus)).toEqual(tally(cov.requirements.map((r) => r.status)));
    expect(o.soc2Groups.map((g) => g.group)).toEqual([...new Set(cov.requirements.map((r) => r.group))]);
    for (const g of o.soc2Groups) expect(nonZero(g.byStatus)).toEqual(tally(cov.requirements.filter((r) => r.group === g.group).map((r) => r.status)));
    expect(o.soc2Groups.find((g) => g.group === 'CC6')!.title).not.toBe('CC6');

    const summary = await getJson<{ active: { severity: string; on_track: number; at_risk: number; overdue: number; muted: number }[] }>('/api/v1/findings/summary', admin);
    expect(o.findings.bySeverity).toEqual(summary.active.filter((r) => r.on_track + r.at_risk + r.overdue + r.muted > 0));
    expect(o.findings.open).toBe(summary.active.reduce((n, r) => n + r.on_track + r.at_risk + r.overdue, 0));

    const sources = await getJson<{ name: string; title: string; enabled: boolean }[]>('/api/v1/sources', admin);
    expect(o.sources.map((x) => ({ name: x.name, title: x.title }))).toEqual(sources.filter((x) => x.enabled).map((x) => ({ name: x.name, title: x.title })));

    // The trend: each automated control's timeline (the last 90 days), counted per day.
    const automated = list.filter((c) => c.automated);
    expect(o.trend.controls).toBe(automated.length);
    expect(o.trend.days).toHaveLength(90);
    const timelines = await Promise.all(automated.map((c) => getJson<{ from: string; to: string; days: { date: string; state: string }[] }>(`/api/v1/controls/${c.id}/timeline`, admin)));
    expect({ from: o.trend.from, to: o.trend.to }).toEqual({ from: timelines[0]!.from, to: timelines[0]!.to });
    expect(o.trend.days).toEqual(
      timelines[0]!.days.map((d, i) => ({ date: d.date, passing: 0, failing: 0, stale: 0, no_data: 0, ...tally(timelines.map((t) => t.days[i]!.state)) })),
    );
    expect(o.trend.days.some((d) => d.failing > 0)).toBe(true);

    // An auditor: statuses over their period, the trend over it, no sources.
    const a = await getJson<{ sources: unknown[]; trend: { from: string; to: string } }>('/api/v1/overview', auditor);
    expect(a.sources).toEqual([]);
    expect(a.trend).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
  });
});

describe('findings', () => {
  it('lists the queue with SLA states and filters, and a member’s own work', async () => {
    const all = await getJson<{ items: { id: string; slaState: string | null }[] }>('/api/v1/findings', viewer);
    expect(all.items.map((f) => f.id).sort()).toEqual([s.mine, s.theirs].sort()); // resolved ones only when asked
    // Opened Feb 20 with a 30-day SLA: at risk after 22.5 days, i.e. from Mar 14 12:00 — on track now.
    expect(all.items.every((f) => f.slaState === 'on_track')).toBe(true);
    const mine = await getJson<{ items: { id: string }[] }>('/api/v1/findings?mine=true', member);
    expect(mine.items.map((f) => f.id)).toEqual([s.mine]);
    const resolved = await getJson<{ items: { id: string }[] }>('/api/v1/findings?status=resolved', viewer);
    expect(resolved.items.map((f) => f.id)).toEqual([s.old]);
    const summary = await getJson<{ active: { severity: string; on_track: number }[]; byStatus: Record<string, number> }>('/api/v1/findings/summary', viewer);
    expect(summary.byStatus).toMatchObject({ open: 2, resolved: 1 });
    expect(summary.active.find((a) => a.severity === 'high')).toMatchObject({ on_track: 1 });
  });

  it('lets a member work findings of their controls only', async () => {
    const denied = await t.request('POST', `/api/v1/findings/${s.theirs}/acknowledge`, { as: member, body: {} });
    expect(denied.status).toBe(403);
    const acked = await json<{ status: string }>(await t.request('POST', `/api/v1/findings/${s.mine}/acknowledge`, { as: member, body: { note: 'rolling out MFA' } }));
    expect(acked.status).toBe('acknowledged');
    const detail = await getJson<{ canWork: boolean; history: { actor: string; action: string; note: string | null; evidence: string | null }[] }>(`/api/v1/findings/${s.mine}`, member);
    expect(detail.canWork).toBe(true);
    expect(detail.history.at(-1)).toMatchObject({ actor: 'user:member@example.com', action: 'acknowledged', note: 'rolling out MFA', evidence: expect.stringMatching(/^ev_/) });
    expect((await getJson<{ canWork: boolean }>(`/api/v1/findings/${s.theirs}`, member)).canWork).toBe(false);
    expect((await getJson<{ canWork: boolean }>(`/api/v1/findings/${s.theirs}`, viewer)).canWork).toBe(false);
  });

  it('mutes with a reason, an approver and an expiry, and runs bulk actions item by item', async () => {
    const muted = await json<{ status: string; mute: { reason: string; approver: string; expiresAt: string } }>(
      await t.request('POST', `/api/v1/findings/${s.mine}/mute`, { as: member, body: { reason: 'risk accepted until rollout', approver: 'ciso@example.com', until: '30d' } }),
    );
    expect(muted).toMatchObject({ status: 'muted', mute: { reason: 'risk accepted until rollout', approver: 'ciso@example.com', expiresAt: new Date(Date.parse(NOW) + 30 * 86_400_000).toISOString() } });
    const tooLong = await t.request('POST', `/api/v1/findings/${s.mine}/mute`, { as: member, body: { reason: 'r', approver: 'a', until: '2030-01-01' } });
    expect(tooLong.status).toBe(400);

    const bulk = await json<{ results: { id: string; ok: boolean; finding?: { owner: string }; error?: { error: string } }[] }>(
      await t.request('POST', '/api/v1/findings/bulk', { as: member, body: { ids: [s.mine, s.theirs], action: 'assign', owner: 'dev@example.com' } }),
    );
    expect(bulk.results).toEqual([
      { id: s.mine, ok: true, finding: expect.objectContaining({ owner: 'dev@example.com' }) },
      { id: s.theirs, ok: false, error: { error: 'PermissionDenied', message: expect.any(String) } },
    ]);
    const byAdmin = await json<{ results: { ok: boolean }[] }>(
      await t.request('POST', '/api/v1/findings/bulk', { as: admin, body: { ids: [s.theirs], action: 'acknowledge', note: 'triaged' } }),
    );
    expect(byAdmin.results[0]!.ok).toBe(true);
  });
});

describe('an auditor', () => {
  it('sees only findings, evidence and days inside their audit period', async () => {
    const findings = await getJson<{ items: { id: string }[] }>('/api/v1/findings?status=open,acknowledged,resolved,muted', auditor);
    expect(findings.items.map((f) => f.id)).not.toContain(s.old);
    expect(findings.items.length).toBe(2);
    expect((await t.request('GET', `/api/v1/findings/${s.old}`, { as: auditor })).status).toBe(404);
    expect((await t.request('GET', `/api/v1/findings/${s.old}`, { as: viewer })).status).toBe(200);

    const evidence = await getJson<{ items: { id: string }[] }>('/api/v1/evidence?limit=500', auditor);
    expect(evidence.items.map((e) => e.id)).toContain(s.evidence.id);
    expect(evidence.items.map((e) => e.id)).not.toContain(s.oldEvidence);
    for (const path of [`/api/v1/evidence/${s.oldEvidence}`, `/api/v1/evidence/${s.oldEvidence}/proof`]) {
      expect((await t.request('GET', path, { as: auditor })).status).toBe(404);
    }
    expect((await t.request('GET', `/api/v1/evidence/${s.oldEvidence}`, { as: viewer })).status).toBe(200);

    const outside = await t.request('GET', '/api/v1/controls/TST-01/timeline?from=2025-06-01&to=2025-07-01', { as: auditor });
    expect(outside.status).toBe(403);
    const inside = await getJson<{ from: string; to: string }>('/api/v1/controls/TST-01/timeline', auditor);
    expect(inside).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    expect((await t.request('POST', `/api/v1/findings/${s.mine}/acknowledge`, { as: auditor, body: {} })).status).toBe(403);
  });

  it('exports the period’s evidence bundle, which verifies offline', async () => {
    const res = await t.request('GET', `/api/v1/audit-periods/${s.period}/bundle`, { as: auditor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bundle-test-'));
    try {
      const file = join(dir, 'b.zip');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const key = await getJson<{ verifierKey: string }>('/api/v1/evidence/key', auditor);
      const report = await verifyBundle(file, { key: key.verifierKey });
      expect(report.ok).toBe(true);
      expect(report.records).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('evidence', () => {
  it('gives a browser everything to verify a record alone', async () => {
    const p = await getJson<{
      record: Record<string, unknown> & { contentHash: string };
      leaf: string;
      content: string;
      leafIndex: number;
      treeSize: number;
      leafHash: string;
      rootHash: string;
      hashes: string[];
      checkpoint: { note: string };
      verifierKey: string;
    }>(`/api/v1/evidence/${s.evidence.id}/proof`, auditor);
    const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    expect(sha(Buffer.from(p.content)).toString('hex')).toBe(p.record.contentHash);
    expect(JSON.parse(p.leaf)).toEqual(p.record);
    const leafHash = sha(Buffer.from([0]), Buffer.from(p.leaf));
    expect(leafHash.toString('hex')).toBe(p.leafHash);
    // RFC 9162 §2.1.3.2, as the dashboard will run it.
    let fn = p.leafIndex;
    let sn = p.treeSize - 1;
    let r = leafHash;
    for (const h of p.hashes.map((x) => Buffer.from(x, 'hex'))) {
      expect(sn).toBeGreaterThan(0);
      if (fn % 2 === 1 || fn === sn) {
        r = sha(Buffer.from([1]), h, r);
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else r = sha(Buffer.from([1]), r, h);
      fn >>= 1;
      sn >>= 1;
    }
    expect(sn).toBe(0);
    expect(r.toString('hex')).toBe(p.rootHash);
    const key = parseVerifierKey(p.verifierKey);
    const cp = openCheckpoint(p.checkpoint.note, key, 'proof');
    expect(cp.treeSize).toBe(p.treeSize);
    expect(cp.rootHash.toString('hex')).toBe(p.rootHash);
  });

  it('takes an upload from a member for their control, and serves it back safely', async () => {
    const form = (control: string) => {
      const f = new FormData();
      f.set('control', control);
      f.set('effectiveAt', '2026-02-15');
      f.set('file', new File(['<html><script>alert(1)</script></html>'], 'shot.html', { type: 'text/html' }));
      return f;
    };
    expect((await t.request('POST', '/api/v1/evidence', { as: member, form: form('TST-02') })).status).toBe(403);
    expect((await t.request('POST', '/api/v1/evidence', { as: viewer, form: form('TST-01') })).status).toBe(403);
    const created = await json<{ id: string; kind: string; effectiveAt: string; attachments: { sha256: string }[] }>(
      await t.request('POST', '/api/v1/evidence', { as: member, form: form('TST-01') }),
    );
    expect(created).toMatchObject({ kind: 'manual', effectiveAt: '2026-02-15T00:00:00.000Z' });
    const record = await getJson<{ content: { uploadedBy: string; control: string } }>(`/api/v1/evidence/${created.id}`, viewer);
    expect(record.content).toMatchObject({ uploadedBy: 'member@example.com', control: 'TST-01' });
    const file = await t.request('GET', `/api/v1/evidence/${created.id}/attachments/${created.attachments[0]!.sha256}?inline=true`, { as: viewer });
    expect(await file.text()).toBe('<html><script>alert(1)</script></html>');
    expect(file.headers.get('content-type')).toBe('application/octet-stream'); // never rendered as a page
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="shot.html"');
    const pdf = await t.request('GET', `/api/v1/evidence/${s.evidence.id}/attachments/${s.evidence.sha256}?inline=true`, { as: viewer });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^inline/);
  });

  it('searches by control, kind and period', async () => {
    const byControl = await getJson<{ items: { id: string; subject: string }[] }>('/api/v1/evidence?control=TST-01&order=asc', viewer);
    expect(byControl.items.every((e) => e.subject === 'control:TST-01' || e.subject.startsWith('test.mfa/'))).toBe(true);
    expect(byControl.items.map((e) => e.id)).toEqual(expect.arrayContaining([s.evidence.id, s.oldEvidence]));
    const inPeriod = await getJson<{ items: { id: string }[] }>('/api/v1/evidence?control=TST-01&from=2026-01-01&to=2026-04-01&kind=manual', viewer);
    expect(inPeriod.items.map((e) => e.id)).not.toContain(s.oldEvidence);
    const paged = await getJson<{ items: unknown[]; nextCursor: string }>('/api/v1/evidence?limit=2', viewer);
    const next = await getJson<{ items: { leafIndex: number }[] }>(`/api/v1/evidence?limit=2&cursor=${paged.nextCursor}`, viewer);
    expect(next.items[0]!.leafIndex).toBeLessThan(Number(paged.nextCursor));
  });
});

describe('sources, alerts and settings', () => {
  it('never shows a secret from vigil.yaml', async () => {
    const idp = await t.request('GET', '/api/v1/sources/idp', { as: viewer });
    const text = await idp.text();
    expect(text).not.toContain('okta-secret-token');
    expect(JSON.parse(text)).toMatchObject({ config: { token: '[REDACTED]', baseUrl: 'https://acme.okta.com' } });
    const channels = await (await t.request('GET', '/api/v1/alerts/channels', { as: viewer })).text();
    for (const secret of ['hook-query-secret', 'webhook-hmac-secret', 'slack-url-secret', 'smtp-password-secret']) expect(channels).not.toContain(secret);
    expect(JSON.parse(channels).channels[0]).toMatchObject({ url: 'https://hooks.example.com/vigil?[REDACTED]', secret: '[REDACTED]' });
    const schema = await getJson<{ configSchema: { properties: Record<string, Record<string, unknown>> } }>('/api/v1/connectors/okta', viewer);
    expect(schema.configSchema.properties.token).toMatchObject({ 'x-secret': true, writeOnly: true });
  });

  it('tests a source, and adds one that is stored with its secret encrypted and shown masked (201)', async () => {
    const ok = await json<{ ok: boolean; summary: string }>(await t.request('POST', '/api/v1/sources/hr/test', { as: admin }));
    expect(ok.ok).toBe(true);
    const bad = await t.request('POST', '/api/v1/connectors/okta/test', { as: admin, body: { config: { baseUrl: 'not a url', token: 'tok-should-not-echo' } } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain('tok-should-not-echo');
    const add = await t.request('POST', '/api/v1/sources', { as: admin, body: { name: 'idp2', type: 'okta', schedule: 'PT6H', config: { baseUrl: 'https://acme.okta.com', token: 'a-real-token-value' } } });
    expect(add.status).toBe(201);
    const text = await add.text();
    expect(text).not.toContain('a-real-token-value');
    expect(JSON.parse(text)).toMatchObject({ name: 'idp2', type: 'okta', origin: 'api', enabled: true, schedule: 'PT6H', status: 'never_run', config: { baseUrl: 'https://acme.okta.com', token: '[REDACTED]' }, runs: [] });
    const list = await getJson<{ name: string; origin: string | null; enabled: boolean }[]>('/api/v1/sources', viewer);
    expect(list.map((x) => [x.name, x.origin])).toEqual(expect.arrayContaining([['hr', 'config'], ['idp2', 'api']]));
    const raw = await t.app.db.query<{ config: Record<string, string> }>(`SELECT config FROM source_configs WHERE name = 'idp2'`);
    expect(JSON.stringify(raw)).not.toContain('a-real-token-value');
    expect(raw[0]!.config.token).toMatch(/^vigil-sealed:v1:/);
    expect((await t.app.sourceStore.get(t.app.workspace.id, 'idp2'))!.config).toMatchObject({ token: 'a-real-token-value' });
    const again = await t.request('POST', '/api/v1/sources', { as: admin, body: { name: 'idp2', type: 'okta', config: { baseUrl: 'https://acme.okta.com', token: 'x-token-value' } } });
    expect(again.status).toBe(409);
    const yaml = await t.request('POST', '/api/v1/sources', { as: admin, body: { name: 'hr', type: 'hris-csv', config: { path: '/tmp/x.csv' } } });
    expect(yaml.status).toBe(409);
    const invalid = await t.request('POST', '/api/v1/sources', { as: admin, body: { name: 'idp3', type: 'okta', config: { baseUrl: 'https://acme.okta.com' } } });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { where: string }).where).toBe('body.config.token');
    // Gone again, so the metrics below count only the seeded sources.
    expect(await json(await t.request('DELETE', '/api/v1/sources/idp2', { as: admin }))).toEqual({ deleted: true, name: 'idp2' });
  });

  it('changes a source added through the API, keeping a secret sent masked, and refuses to change a vigil.yaml one', async () => {
    await json(await t.request('POST', '/api/v1/sources', { as: admin, body: { name: 'idp4', type: 'okta', config: { baseUrl: 'https://acme.okta.com', token: 'idp4-token-value' } } }));
    const patched = await json<{ config: Record<string, unknown>; enabled: boolean }>(
      await t.request('PATCH', '/api/v1/sources/idp4', { as: admin, body: { enabled: false, config: { baseUrl: 'https://acme2.okta.com', token: '[REDACTED]', pageSize: 50 } } }),
    );
    expect(patched).toMatchObject({ enabled: false, config: { baseUrl: 'https://acme2.okta.com', token: '[REDACTED]', pageSize: 50 } });
    expect((await t.app.sourceStore.get(t.app.workspace.id, 'idp4'))!.config).toEqual({ baseUrl: 'https://acme2.okta.com', token: 'idp4-token-value', pageSize: 50 });
    const listed = await getJson<{ name: string; enabled: boolean }[]>('/api/v1/sources', viewer);
    expect(listed.find((x) => x.name === 'idp4')).toMatchObject({ enabled: false });
    for (const [method, body] of [['PATCH', { enabled: false }], ['DELETE', undefined]] as const) {
      const res = await t.request(method, '/api/v1/sources/hr', { as: admin, body });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { message: string }).message).toContain('edit vigil.yaml');
    }
    expect((await t.request('PATCH', '/api/v1/sources/nope', { as: admin, body: { enabled: true } })).status).toBe(404);
  });

  it('deletes a source added through the API and keeps its history, recording each change as evidence', async () => {
    await json(await t.request('POST', '/api/v1/sources', { as: admin, body: { name: 'people2', type: 'hris-csv', config: { path: `${t.dir}/people.csv` } } }));
    const { outcomes } = await t.app.monitor.collect(t.app.workspace.id, 'people2', { evaluate: false });
    expect(outcomes[0]).toMatchObject({ source: 'people2', status: 'ok' });
    const del = await json(await t.request('DELETE', '/api/v1/sources/people2', { as: admin }));
    expect(del).toEqual({ deleted: true, name: 'people2' });
    const kept = await getJson<{ name: string; enabled: boolean; origin: string | null; lastSuccessAt: string | null; runs: unknown[] }>('/api/v1/sources/people2', viewer);
    expect(kept).toMatchObject({ enabled: false, origin: null, config: null, lastSuccessAt: NOW });
    expect(kept.runs).toHaveLength(1);
    const rows = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM resources WHERE source = 'people2'`);
    expect(rows[0]!.n).toBeGreaterThan(0);
    expect((await t.request('DELETE', '/api/v1/sources/people2', { as: admin })).status).toBe(404);
    const actions = await t.app.db.query<{ content: string }>(`SELECT content FROM evidence_records WHERE kind = 'user.action' AND subject = 'source/people2' ORDER BY leaf_index`);
    expect(actions.map((a) => (JSON.parse(a.content) as { action: string }).action)).toEqual(['source.create', 'source.delete']);
  });

  it('adds, changes and deletes an alert channel through the API, never showing its secrets, and leaves vigil.yaml channels alone', async () => {
    const add = await t.request('POST', '/api/v1/alerts/channels', {
      as: admin,
      body: { config: { name: 'ops-mail', type: 'email', to: ['ops@example.com'], from: 'Vigil <vigil@example.com>', smtp: { host: 'smtp.example.com', user: 'vigil', password: 'stored-smtp-password' } }, rules: [{ kinds: ['source.failing'] }] },
    });
    expect(add.status).toBe(201);
    expect(await add.text()).not.toContain('stored-smtp-password');
    const listed = await (await t.request('GET', '/api/v1/alerts/channels', { as: viewer })).text();
    expect(listed).not.toContain('stored-smtp-password');
    const body = JSON.parse(listed) as { channels: { name: string; origin: string; smtp?: { password: string } }[]; rules: { channel: string; kinds: string[] }[] };
    expect(body.channels.map((c) => [c.name, c.origin])).toEqual([['hook', 'config'], ['chat', 'config'], ['mail', 'config'], ['ops-mail', 'api']]);
    expect(body.channels[3]!.smtp!.password).toBe('[REDACTED]');
    expect(body.rules).toContainEqual({ channel: 'ops-mail', kinds: ['source.failing'] });
    const patched = await json<{ to: string[] }>(
      await t.request('PATCH', '/api/v1/alerts/channels/ops-mail', { as: admin, body: { config: { to: ['ops2@example.com'], from: 'vigil@example.com', smtp: { host: 'smtp.example.com', user: 'vigil', password: '[REDACTED]' } } } }),
    );
    expect(patched.to).toEqual(['ops2@example.com']);
    expect(await t.app.channelStore.open(t.app.workspace.id, 'ops-mail')).toMatchObject({ smtp: { password: 'stored-smtp-password' } });
    const yaml = await t.request('PATCH', '/api/v1/alerts/channels/hook', { as: admin, body: { rules: [] } });
    expect(yaml.status).toBe(409);
    expect(((await yaml.json()) as { message: string }).message).toContain('edit vigil.yaml');
    expect((await t.request('POST', '/api/v1/alerts/channels', { as: admin, body: { config: { name: 'chat', type: 'slack', url: 'https://hooks.slack.com/x' } } })).status).toBe(409);
    expect(await json(await t.request('DELETE', '/api/v1/alerts/channels/ops-mail', { as: admin }))).toEqual({ deleted: true, name: 'ops-mail' });
    expect((await t.request('DELETE', '/api/v1/alerts/channels/ops-mail', { as: admin })).status).toBe(404);
  });

  it('shows the settings in force', async () => {
    const settings = await getJson<{ findings: { sla: Record<string, string> }; checks: { id: string }[] }>('/api/v1/settings', auditor);
    expect(settings.findings.sla).toMatchObject({ critical: 'P15D', high: 'P30D' });
    expect(settings.checks.map((c) => c.id)).toContain('test.mfa');
  });
});

describe('live events, metrics and the API document', () => {
  it('announces result and finding changes as server-sent events', async () => {
    const res = await t.request('GET', '/api/v1/events', { as: viewer });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const next = async (): Promise<{ event: string; data: Record<string, unknown> }> => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith(':')) continue;
          const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
          return { event, data: JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? '{}') as Record<string, unknown> };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    try {
      expect((await next()).event).toBe('ready');
      await t.app.db.orm.insert(checkResults).values({ workspaceId: t.app.workspace.id, checkId: 'test.mfa', resource: 'test.users/u3', status: 'fail', severity: 'high', reason: 'no MFA', validFrom: new Date(NOW), judgedAt: new Date(NOW) });
      await t.app.monitor.findings.assign(t.app.workspace.id, s.theirs, 'ops@example.com', 'user:admin@example.com');
      await t.server.events.poll();
      const results = await next();
      expect(results).toMatchObject({ event: 'results', data: { checks: [{ check: 'test.mfa', changes: 1, statuses: { fail: 1 } }], changes: [{ resource: 'test.users/u3', status: 'fail' }] } });
      expect(await next()).toMatchObject({ event: 'finding', data: { id: s.theirs, action: 'assigned', actor: 'user:admin@example.com' } });
      // Nothing new: nothing announced twice.
      expect(await t.server.events.poll()).toEqual([]);
      // A change whose id is below ones already seen (a transaction that committed late) is still announced.
      const [{ max }] = (await t.app.db.query<{ max: string }>('SELECT max(id) AS max FROM check_results')) as [{ max: string }];
      const row = { workspaceId: t.app.workspace.id, checkId: 'test.mfa', status: 'pass' as const, severity: 'high', reason: 'ok', validFrom: new Date(NOW), judgedAt: new Date(NOW) };
      await t.app.db.orm.insert(checkResults).values({ ...row, id: Number(max) + 100, resource: 'test.users/early' });
      expect((await t.server.events.poll()).length).toBe(1);
      await next();
      await t.app.db.orm.insert(checkResults).values({ ...row, id: Number(max) + 50, resource: 'test.users/late' });
      await t.server.events.poll();
      expect(await next()).toMatchObject({ event: 'results', data: { changes: [{ resource: 'test.users/late' }] } });
      await t.app.db.query(`SELECT setval(pg_get_serial_sequence('check_results', 'id'), $1)`, [Number(max) + 100]);
    } finally {
      await reader.cancel();
    }
  });

  it('serves Prometheus metrics with route patterns, not raw paths', async () => {
    await t.request('GET', `/api/v1/findings/${s.mine}`, { as: viewer });
    const text = await (await t.request('GET', '/metrics', { as: { kind: 'token', token: t.users.viewer.token } })).text();
    expect(text).toMatch(/^vigil_findings\{severity="medium",status="(open|acknowledged)"\} 1$/m);
    expect(text).toMatch(/^vigil_check_results\{status="pass"\} \d+$/m);
    expect(text).toMatch(/^vigil_evidence_log_size \d+$/m);
    expect(text).toMatch(/^vigil_sources\{status="never_run"\} 2$/m); // hr and ci-trivy; idp is disabled
    expect(text).toMatch(/^vigil_http_requests_total\{method="GET",route="\/api\/v1\/findings\/:id",status="200"\} \d+$/m);
    expect(text).toMatch(/^vigil_http_request_duration_seconds_bucket\{method="GET",route="\/api\/v1\/findings\/:id",le="\+Inf"\} \d+$/m);
    expect(text).not.toContain(s.mine);
  });

  it('documents every API route in the OpenAPI document, which the docs page renders without a CDN', async () => {
    const doc = await getJson<{ openapi: string; paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown>; 'x-vigil-roles': string[] }>> }>(
      '/api/v1/openapi.json',
      { kind: 'none' },
    );
    expect(doc.openapi).toBe('3.1.0');
    const mounted = new Set(
      t.server.routes
        .filter((r) => r.method !== 'ALL' && (r.path.startsWith('/api/') || r.path === '/metrics'))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    expect([...mounted].filter((k) => !documented.has(k))).toEqual([]);
    expect([...documented].filter((k) => !mounted.has(k))).toEqual([]);
    expect(doc.paths['/api/v1/findings/{id}/mute']!.post!['x-vigil-roles']).toEqual(['admin', 'member']);
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    const page = await (await t.request('GET', '/api/v1/docs')).text();
    expect(page).toContain('openapi.json');
    expect(page).not.toMatch(/(src|href)=["']?https?:/);
  });
});

// Last: an import re-judges the checks whose inputs changed, which resolves the seeded findings.
describe('scan imports into sources added through the API', () => {
  it('imports a scan into a source added through the API, with that source’s target', async () => {
    await json(await t.request('POST', '/api/v1/sources', { as: admin, body: { name: 'api-trivy', type: 'trivy', config: { target: 'github.com/acme/added' } } }));
    const f = new FormData();
    f.set('type', 'trivy');
    f.set('source', 'api-trivy');
    f.set('file', new File([readFileSync(fileURLToPath(new URL('../connectors/scanners/trivy/__fixtures__/api-image.week1.json', import.meta.url)))], 'scan.json'));
    const r = await json<{ source: string; scans: { target: string }[] }>(await t.request('POST', '/api/v1/imports', { as: admin, form: f }));
    expect(r.source).toBe('api-trivy');
    expect(r.scans.map((x) => x.target)).toEqual(['github.com/acme/added']);
    await json(await t.request('DELETE', '/api/v1/sources/api-trivy', { as: admin }));
  });
});
