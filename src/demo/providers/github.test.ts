import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, HOUR_MS } from '../../lib/clock.ts';
import { github } from '../../connectors/github/index.ts';
import { createRunContext, readEvents, readResource, type Row } from '../../connectors/sdk/index.ts';
import { createDemoOrg, plantedBy, type DemoOrg } from '../org/org.ts';
import { startDemoServer, type DemoServer } from '../server.ts';
import { securityAlertPlan } from '../org/security-alerts.ts';
import { githubProvider } from './github.ts';
import * as gh from './github-model.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const now = new Date(anchor.getTime() + 14 * HOUR_MS);

describe('the demo GitHub organization, collected by the GitHub connector', () => {
  let org: DemoOrg;
  let server: DemoServer;
  const rows: Record<string, Row[]> = {};
  let auditCursor: string | null = null;

  beforeAll(async () => {
    org = createDemoOrg({ anchor });
    server = await startDemoServer(org, fixedClock(now), { providers: [githubProvider] });
    const ctx = createRunContext({ connector: github, config: server.sources[0]!.config, clock: fixedClock(now), http: { rateLimit: { requestsPerSecond: 100_000 } } });
    for (const resource of github.resources) {
      rows[resource.name] = [];
      const outcome = await readResource(ctx, resource, (page) => void rows[resource.name]!.push(...page));
      expect(outcome.status, resource.name).toBe('complete');
    }
    rows['audit-log'] = [];
    const ev = await readEvents(ctx, github.events[0]!, null, (page) => void rows['audit-log']!.push(...page.rows));
    expect(ev.status).toBe('complete');
    auditCursor = ev.cursor;
    expect(ctx.gaps()).toEqual([]);
  }, 60_000);
  afterAll(() => server?.close());

  it('names a source the connector accepts, pointing at the demo server', () => {
    expect(server.sources[0]).toMatchObject({ name: 'github', type: 'github', config: { baseUrl: `${server.url}/github`, org: 'demo-corp' } });
  });

  it('lists the members as of now: the leaver never removed is still there, the others are gone', () => {
    const logins = new Set(rows.members!.map((m) => m.login));
    const stillThere = plantedBy(org, now).find((f) => f.kind === 'leaver-still-active' && f.system === 'github');
    const leaver = org.people.find((p) => stillThere?.kind === 'leaver-still-active' && p.email === stillThere.email)!;
    expect(logins.has(leaver.github!.login)).toBe(true);
    const removed = org.people.filter((p) => p.github?.removedAt && p.github.removedAt <= now);
    expect(removed.length).toBeGreaterThan(5);
    for (const p of removed) expect(logins.has(p.github!.login), p.github!.login).toBe(false);
    const joinedLater = org.people.filter((p) => p.github && p.github.joinedAt > now);
    for (const p of joinedLater) expect(logins.has(p.github!.login)).toBe(false);
    // The SAML identity links each login to the person's work email.
    expect(rows.members!.find((m) => m.login === leaver.github!.login)?.email).toBe(leaver.email);
  });

  it('shows exactly the planted members without two-factor, and no outside collaborator without it', () => {
    const planted = org.planted.filter((f) => f.kind === 'mfa-missing' && f.system === 'github').map((f) => (f.kind === 'mfa-missing' ? f.account : ''));
    expect(rows.members!.filter((m) => m.twoFactorEnabled === false).map((m) => m.login).sort()).toEqual(planted.sort());
    expect(rows.members!.every((m) => m.twoFactorEnabled !== null)).toBe(true);
    expect(rows['outside-collaborators']!.map((m) => m.twoFactorEnabled)).toEqual([true, true]);
    expect(rows.members!.filter((m) => m.role === 'admin').length).toBeGreaterThanOrEqual(1);
  });

  it('serves legacy-scripts unprotected and every other default branch fully protected', () => {
    const byRepo = new Map(rows['branch-protections']!.map((r) => [r.repository, r]));
    expect(byRepo.size).toBe(org.repos.length);
    expect(byRepo.get('demo-corp/legacy-scripts')).toMatchObject({ protected: false });
    for (const r of org.repos.filter((x) => x.name !== 'legacy-scripts')) {
      expect(byRepo.get(`demo-corp/${r.name}`)).toMatchObject({ protected: true, requiredApprovingReviews: 1, dismissStaleReviews: true, forcePushesBlocked: true, adminsIncluded: true, requiredStatusChecks: ['ci'] });
    }
  });

  it('serves every pull request merged in the last year, with the planted ones visible as they are', () => {
    const merged = org.pullRequests.filter((p) => p.mergedAt <= now && p.mergedAt.getTime() >= now.getTime() - 365 * 24 * HOUR_MS);
    expect(rows['pull-requests']!.map((r) => r.ref).sort()).toEqual(merged.map((p) => `demo-corp/${p.repo}#${p.number}`).sort());
    const byRef = new Map(rows['pull-requests']!.map((r) => [r.ref as string, r]));
    for (const f of plantedBy(org, now)) {
      if (f.kind === 'pr-without-independent-approval') {
        const pr = byRef.get(`demo-corp/${f.repo}#${f.number}`)!;
        expect((pr.reviews as { state: string; reviewer: string }[]).some((r) => r.state === 'APPROVED' && r.reviewer !== pr.author)).toBe(false);
      }
      if (f.kind === 'pr-merged-with-failing-checks') {
        expect(byRef.get(`demo-corp/${f.repo}#${f.number}`)!.checks).toEqual([expect.objectContaining({ name: 'ci', kind: 'check-run', conclusion: 'failure' })]);
      }
    }
    expect(rows['pull-requests']!.every((r) => r.mergedBy === r.author)).toBe(true);
  });

  it('shows a default-branch history in which every commit came from a merged pull request', () => {
    expect(rows['default-branch-commits']!.length).toBe(rows['pull-requests']!.length);
    expect(rows['default-branch-commits']!.every((c) => typeof c.pullRequest === 'number')).toBe(true);
  });

  it('serves routine security alerts fixed within two days, and the planted ones as the org plans them', () => {
    const plan = securityAlertPlan(org).filter((a) => a.createdAt <= now);
    for (const name of ['dependabot-alerts', 'code-scanning-alerts'] as const) {
      const tool = name === 'dependabot-alerts' ? 'dependabot' : 'code-scanning';
      const model = name === 'dependabot-alerts' ? gh.dependabotAlerts(org) : gh.codeScanningAlerts(org);
      const planted = new Set(model.filter((a) => a.planted).map((a) => `${gh.fullName(a.repo)}#${a.number}`));
      expect(rows[name]!.length, name).toBeGreaterThan(10);
      expect(planted.size, name).toBe(plan.filter((a) => a.tool === tool).length);
      for (const a of rows[name]!) {
        if (planted.has(a.ref as string)) continue;
        if (a.state === 'open') expect(now.getTime() - Date.parse(a.createdAt as string)).toBeLessThan(48 * HOUR_MS);
        else expect(Date.parse(a.fixedAt as string) - Date.parse(a.createdAt as string)).toBeLessThanOrEqual(48 * HOUR_MS);
      }
      for (const p of plan.filter((x) => x.tool === tool)) {
        const row = rows[name]!.find((r) => planted.has(r.ref as string) && r.createdAt === p.createdAt.toISOString().replace('.000Z', 'Z'));
        expect(row, `${tool} ${p.repo} ${p.createdAt.toISOString()}`).toMatchObject({
          repository: gh.fullName(p.repo),
          severity: p.severity,
          state: p.fixedAt ? 'fixed' : p.dismissed ? 'dismissed' : 'open',
          fixedAt: p.fixedAt ? p.fixedAt.toISOString().replace('.000Z', 'Z') : null,
          dismissedReason: p.dismissed?.reason ?? null,
          dismissedBy: p.dismissed?.by ?? null,
          dismissedComment: p.dismissed?.comment ?? null,
        });
      }
    }
  });

  it('serves the audit log of the lookback window oldest first, with a cursor at the last event', () => {
    const events = rows['audit-log']!;
    expect(events.length).toBeGreaterThan(3);
    expect(events.every((e) => Date.parse(e.createdAt as string) >= now.getTime() - 90 * 24 * HOUR_MS)).toBe(true);
    expect(auditCursor).toBe(events.at(-1)!.createdAt);
    expect(events.some((e) => e.action === 'org.remove_member')).toBe(true);
  });

  it('refuses a wrong token as GitHub does', async () => {
    const ctx = createRunContext({ connector: github, config: { ...server.sources[0]!.config, token: 'not-the-demo-token' } });
    await expect(readResource(ctx, github.resources[0]!, () => {})).rejects.toMatchObject({ _tag: 'AuthFailed' });
  });
});
