/**
 * The demo company end to end through the real engine: every simulated provider served over HTTP,
 * collected by the real connectors into the database with snapshot evidence, judged by every
 * built-in check, findings opened with owners and due dates, and alerts delivered to a local
 * webhook receiver and a real SMTP server. The findings must be exactly the planted failures.
 * Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../core/config/schema.ts';
import { createMonitor, type Monitor } from '../core/monitor.ts';
import { createOwnerResolver } from '../core/owners.ts';
import { syncControls } from '../catalog/index.ts';
import { builtInChecks } from '../checks/registry.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import { createAlerter, createChannels, createDispatcher } from '../notify/index.ts';
import { startReceiver, startSmtpServer, type Receiver } from '../notify/testing.ts';
import { testDbKind } from '../db/testing.ts';
import { DAY_MS, HOUR_MS } from '../lib/clock.ts';
import { createDemoOrg, plantedBy, type DemoOrg } from './org/org.ts';
import { startDemoServer, type DemoServer } from './server.ts';
import { oktaProvider } from './providers/okta.ts';
import { githubProvider } from './providers/github.ts';
import { plantedAlertResource } from './providers/github-model.ts';
import { bamboohrDemoProvider, createHrCsvDemoProvider } from './providers/hr.ts';
import { awsProvider, plantedAws, plantedAwsLeavers } from './providers/aws.ts';
import { googleWorkspaceProvider, plantedGoogle } from './providers/google-workspace.ts';
import { oktaModel } from './providers/okta-model.ts';
import type { FindingRow } from '../db/schema/findings.ts';
import { restated } from '../engine/testing.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const start = new Date(anchor.getTime() + 10 * HOUR_MS);

let ev: EvidenceFixture;
let org: DemoOrg;
let server: DemoServer;
let hook: Receiver;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let monitor: Monitor;
let dir: string;
let findings: FindingRow[];

/** What the org plants, as (check → how many findings), for the areas these providers cover. */
function expectedCounts(o: DemoOrg, now: Date): Record<string, number> {
  const p = plantedBy(o, now);
  const n = (kind: string, extra?: (f: (typeof p)[number]) => boolean) => p.filter((f) => f.kind === kind && (!extra || extra(f))).length;
  // A leaver never deactivated in Okta also stops signing in: after 90 days that account is inactive too.
  const leaverAlsoInactive = p.filter(
    (f) => f.kind === 'leaver-still-active' && f.system === 'okta' && now.getTime() - f.terminatedAt.getTime() > 90 * DAY_MS,
  ).length;
  const counts: Record<string, number> = {
    // Okta accounts without MFA, and the same people's Google accounts without 2SV.
    'access.mfa-idp': n('mfa-missing', (f) => f.kind === 'mfa-missing' && f.system === 'okta') + plantedGoogle(o, now).length,
    'access.mfa-code-host': n('mfa-missing', (f) => f.kind === 'mfa-missing' && f.system === 'github'),
    'access.inactive-accounts': n('inactive-account') + leaverAlsoInactive,
    'access.leaver-deprovisioned': n('leaver-deprovisioned-late') + n('leaver-still-active'),
    'access.orphan-accounts': n('orphan-account'),
    'access.joiner-provisioning': n('provisioned-too-early'),
    'change.pr-independent-approval': n('pr-without-independent-approval'),
    'change.pr-checks-before-merge': n('pr-merged-with-failing-checks'),
    'change.branch-protection': n('branch-unprotected'),
    // GitHub's Dependabot and code scanning alerts past their remediation SLA (src/demo/org/security-alerts.ts).
    'vulnerability.remediation-sla': n('vulnerability-alert-past-sla'),
  };
  for (const a of plantedAws(o)) counts[a.check] = (counts[a.check] ?? 0) + 1;
  // Leavers whose IAM user was never disabled (only AWS is late for them).
  for (const a of plantedAwsLeavers(o)) if (a.terminatedAt <= now) counts[a.check] = (counts[a.check] ?? 0) + 1;
  // Every admin-role grant in the Okta System Log within the detection's 90-day lookback alerts.
  const grants = oktaModel(o).log.filter(
    (e) => e.body.eventType === 'user.account.privilege.grant' && e.published <= now && now.getTime() - e.published.getTime() <= 90 * DAY_MS,
  ).length;
  if (grants) counts['detect.admin-granted'] = grants;
  return counts;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-demo-e2e-'));
  ev = await createEvidenceFixture(start.toISOString());
  org = createDemoOrg({ anchor });
  server = await startDemoServer(org, ev.clock, {
    providers: [oktaProvider, githubProvider, bamboohrDemoProvider, createHrCsvDemoProvider(join(dir, 'hr.csv')), awsProvider, googleWorkspaceProvider],
    dataDir: dir,
  });
  hook = await startReceiver();
  smtp = await startSmtpServer();
  const config = configSchema.parse({
    sources: server.sources.map((s) => ({ ...s, http: { requestsPerSecond: 1000 } })),
    alerts: {
      channels: [
        { name: 'hook', type: 'webhook', url: hook.url, secret: 'demo-hook-secret-0123456789' },
        { name: 'mail', type: 'email', to: ['security@demo-corp.example'], from: 'Vigil <vigil@demo-corp.example>', smtp: { host: '127.0.0.1', port: smtp.port } },
      ],
      rules: [
        { channel: 'hook', kinds: ['finding.opened'] },
        { channel: 'mail', kinds: ['finding.opened'], minSeverity: 'critical' },
      ],
    },
  });
  await syncControls({ db: ev.db, workspaceId: ev.workspaceId, paths: [] });
  monitor = createMonitor({
    db: ev.db,
    clock: ev.clock,
    evidence: ev.log,
    blobs: ev.blobs,
    alerts: createAlerter({ db: ev.db, clock: ev.clock, config: config.alerts }),
    config,
    checks: builtInChecks,
    resolveOwner: createOwnerResolver(ev.workspaceId, []),
  });
  await monitor.sync(ev.workspaceId);
  const { outcomes } = await monitor.collect(ev.workspaceId);
  for (const o of outcomes) expect(o.status, `${o.source}: ${o.error ?? JSON.stringify(o.items.filter((i) => i.status !== 'complete'))}`).toBe('ok');
  findings = await monitor.findings.list(ev.workspaceId);
}, 600_000);

afterAll(async () => {
  await server?.close();
  await hook?.close();
  await smtp?.close();
  await ev?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`the demo company through the engine (${testDbKind()})`, () => {
  it('opens exactly the planted failures as findings, and no others', () => {
    const got: Record<string, number> = {};
    for (const f of findings) got[f.checkId] = (got[f.checkId] ?? 0) + 1;
    expect(got).toEqual(expectedCounts(org, start));
  });

  it('opens a finding for each planted GitHub alert past its remediation SLA, naming the alert', () => {
    const expected = plantedBy(org, start).flatMap((f) => (f.kind === 'vulnerability-alert-past-sla' ? [plantedAlertResource(org, f)] : []));
    expect(expected.length).toBeGreaterThan(0);
    const got = findings.filter((f) => f.checkId === 'vulnerability.remediation-sla');
    expect(got.map((f) => f.resource).sort()).toEqual(expected.sort());
    for (const f of got) expect(f.reason).toMatch(/; see https:\/\/github\.com\/demo-corp\/[a-z-]+\/security\/(dependabot|code-scanning)\/\d+/);
  });

  it('gives every finding an owner, a due date from its severity SLA, and the controls it breaks', () => {
    const sla: Record<string, number> = { critical: 15, high: 30, medium: 90, low: 180 };
    for (const f of findings) {
      expect(f.owner, f.id).toBeTruthy();
      expect(f.controls.length, f.id).toBeGreaterThan(0);
      expect(f.reason.length, f.id).toBeGreaterThan(10);
      expect(f.remediation, f.id).toBeTruthy();
      expect((f.dueAt.getTime() - f.openedAt.getTime()) / DAY_MS, f.id).toBe(sla[f.severity]);
    }
  });

  it('delivers an alert per new finding to the webhook, and the critical ones by email', async () => {
    const channels = createChannels(
      configSchema.parse({
        alerts: {
          channels: [
            { name: 'hook', type: 'webhook', url: hook.url, secret: 'demo-hook-secret-0123456789' },
            { name: 'mail', type: 'email', to: ['security@demo-corp.example'], from: 'Vigil <vigil@demo-corp.example>', smtp: { host: '127.0.0.1', port: smtp.port } },
          ],
        },
      }).alerts,
    );
    const dispatcher = createDispatcher({ db: ev.db, clock: ev.clock, workspaceId: ev.workspaceId, channels });
    let sent = 0;
    for (let i = 0; i < 20; i++) {
      const stats = await dispatcher.runOnce();
      sent += stats.sent;
      if (!stats.claimed) break;
    }
    const critical = findings.filter((f) => f.severity === 'critical').length;
    expect(hook.requests).toHaveLength(findings.length);
    expect(smtp.messages).toHaveLength(critical);
    expect(sent).toBe(findings.length + critical);
    const ids = new Set(hook.requests.map((r) => (JSON.parse(r.body) as { data: { findingId: string } }).data.findingId));
    expect(ids).toEqual(new Set(findings.map((f) => f.id)));
  });

  it('names the snapshot evidence each result was judged on', async () => {
    const results = await ev.db.query<{ evidence: string[]; status: string }>(
      `SELECT evidence, status FROM check_results WHERE workspace_id = $1 AND valid_to IS NULL AND status IN ('pass', 'fail')`,
      [ev.workspaceId],
    );
    expect(results.length).toBeGreaterThan(200);
    const withEvidence = results.filter((r) => r.evidence.length > 0).length;
    expect(withEvidence / results.length).toBeGreaterThan(0.95);
  });
  // Runs last: it moves the clock and judges again.
  it('judges the same data 20 hours later without restating a result: a new state only where the status changed', async () => {
    ev.clock.advance(20 * HOUR_MS);
    const later = ev.clock.now();
    const summaries = await monitor.evaluate(ev.workspaceId);
    // The clock-reading checks were judged again, not left alone (the sources are still fresh).
    for (const id of ['access.inactive-accounts', 'access.key-rotation', 'access.leaver-deprovisioned', 'vulnerability.remediation-sla']) {
      expect(summaries.find((x) => x.check === id)?.outcome, id).toBe('judged');
    }
    expect(await restated(ev.db, ev.workspaceId, later)).toEqual([]);
  });
});
