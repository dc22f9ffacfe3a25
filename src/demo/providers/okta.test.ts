import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { okta } from '../../connectors/okta/index.ts';
import { createRunContext, readEvents, readResource, type Row } from '../../connectors/sdk/index.ts';
import { createTestTime } from '../../connectors/sdk/testing/index.ts';
import { DAY_MS, HOUR_MS, fixedClock } from '../../lib/clock.ts';
import { isVigilError } from '../../lib/errors.ts';
import { createDemoOrg, type DemoOrg } from '../org/org.ts';
import { startDemoServer, type DemoServer } from '../server.ts';
import { oktaProvider } from './okta.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const NOW = new Date(anchor.getTime() + 12 * HOUR_MS);

let org: DemoOrg;
let server: DemoServer;
const demoClock = fixedClock(NOW);

beforeAll(async () => {
  org = createDemoOrg({ anchor });
  server = await startDemoServer(org, demoClock, { providers: [oktaProvider] });
});
afterAll(() => server.close());

function context(config: Record<string, unknown> = {}) {
  const time = createTestTime(demoClock.now());
  return createRunContext({ connector: okta, config: { ...server.sources[0]!.config, ...config }, clock: time.clock, sleep: time.sleep });
}

async function collectAll(config: Record<string, unknown> = {}) {
  const ctx = context(config);
  const out: Record<string, Row[]> = {};
  const pages: Record<string, number> = {};
  for (const r of okta.resources) {
    out[r.name] = [];
    const outcome = await readResource(ctx, r, (rows) => void out[r.name]!.push(...rows));
    expect(outcome.status, r.name).toBe('complete');
    pages[r.name] = outcome.pages;
  }
  const log: Row[] = [];
  const outcome = await readEvents(ctx, okta.events[0]!, null, (p) => void log.push(...p.rows));
  expect(outcome.status).toBe('complete');
  return { ...out, log, cursor: outcome.cursor, pages } as Record<string, Row[]> & { log: Row[]; cursor: string | null; pages: Record<string, number> };
}

describe('the simulated Okta', () => {
  let c: Awaited<ReturnType<typeof collectAll>>;
  beforeAll(async () => {
    demoClock.set(NOW);
    c = await collectAll({ pageSize: 40 });
  });
  const userBy = (login: string) => c.users!.find((u) => u.login === login);

  it('serves every account the org has by now, DEPROVISIONED ones included, across Link-header pages', () => {
    const existing = [...org.people.map((p) => p.okta), ...org.orphans].filter((a) => a.created <= NOW);
    expect(c.users!.map((u) => u.id).sort()).toEqual(existing.map((a) => a.id).sort());
    expect(c.pages.users).toBeGreaterThan(3);
    const deactivated = existing.filter((a) => a.deactivatedAt && a.deactivatedAt <= NOW);
    expect(c.users!.filter((u) => u.status === 'DEPROVISIONED').map((u) => u.id).sort()).toEqual(deactivated.map((a) => a.id).sort());
  });

  it('shows the planted Okta facts: accounts without MFA, inactive accounts, late and missing deactivations, the orphan', () => {
    const strong = new Set(c.factors!.filter((f) => f.status === 'ACTIVE' && f.factorType !== 'question').map((f) => f.userId));
    for (const f of org.planted) {
      if (f.kind === 'mfa-missing' && f.system === 'okta') {
        const u = userBy(f.account)!;
        expect(u.status).toBe('ACTIVE');
        expect(strong.has(u.id as string), f.account).toBe(false);
      }
      if (f.kind === 'inactive-account') expect(userBy(f.email)).toMatchObject({ status: 'ACTIVE', lastLogin: f.lastLogin.toISOString() });
      if (f.kind === 'leaver-deprovisioned-late') expect(userBy(f.email)).toMatchObject({ status: 'DEPROVISIONED', deactivated: f.deactivatedAt.toISOString() });
      if (f.kind === 'leaver-still-active' && f.system === 'okta') expect(userBy(f.email)!.status).toBe('ACTIVE');
      if (f.kind === 'orphan-account') expect(userBy(f.login)!.status).toBe('ACTIVE');
      if (f.kind === 'provisioned-too-early') expect(userBy(f.email)!.created).toBe(f.created.toISOString());
    }
    // Everyone else who can sign in has an active second factor.
    const missing = new Set(org.planted.flatMap((f) => (f.kind === 'mfa-missing' && f.system === 'okta' ? [f.account] : [])));
    expect(c.users!.filter((u) => u.status === 'ACTIVE' && !strong.has(u.id as string)).map((u) => u.login).sort()).toEqual([...missing].sort());
  });

  it("gives the org model's super admins the Super Administrator role, and logs each recent grant", () => {
    const supers = org.people.filter((p) => p.okta.superAdmin).map((p) => p.okta.login).sort();
    expect(c['admin-roles']!.filter((r) => r.type === 'SUPER_ADMIN').map((r) => r.userLogin).sort()).toEqual(supers);
    const grants = c.log.filter((e) => e.eventType === 'user.account.privilege.grant');
    expect(grants.length).toBeGreaterThan(0);
    for (const g of grants) {
      const target = (g.targets as { id: string }[])[0]!;
      expect(c['admin-roles']!.some((r) => r.userId === target.id && r.created === g.published)).toBe(true);
    }
  });

  it("keeps lastLogin and the System Log's sign-ins consistent, within Okta's 90 days", () => {
    const oldest = NOW.getTime() - 90 * DAY_MS;
    expect(c.log.every((e) => Date.parse(e.published as string) >= oldest && Date.parse(e.published as string) <= NOW.getTime())).toBe(true);
    const lastSignIn = new Map<string, string>();
    for (const e of c.log) if (e.eventType === 'user.session.start' && e.outcomeResult === 'SUCCESS') lastSignIn.set(e.actorId as string, e.published as string);
    for (const u of c.users!) {
      if (u.lastLogin && Date.parse(u.lastLogin as string) >= oldest) expect(lastSignIn.get(u.id as string), u.login as string).toBe(u.lastLogin);
    }
    expect(c.log.some((e) => e.outcomeResult === 'FAILURE' && e.actorId === 'unknown')).toBe(true);
  });

  it('puts every user in Everyone and their department group, and nobody deactivated', () => {
    const everyone = c.groups!.find((g) => g.name === 'Everyone')!;
    const active = c.users!.filter((u) => u.status !== 'DEPROVISIONED').map((u) => u.id).sort();
    expect([...(everyone.memberIds as string[])].sort()).toEqual(active);
    const engineering = c.groups!.find((g) => g.name === 'Engineering')!;
    expect((engineering.memberIds as string[]).every((id) => c.users!.find((u) => u.id === id)!.department === 'Engineering')).toBe(true);
  });

  it('keeps living: a later collection sees joiners and leavers of the days since, and the log resumes where it stopped', async () => {
    const later = new Date(NOW.getTime() + 20 * DAY_MS);
    const joiner = org.people.find((p) => p.okta.created > NOW && p.okta.activated <= later)!;
    const leaver = org.people.find((p) => p.okta.deactivatedAt && p.okta.deactivatedAt > NOW && p.okta.deactivatedAt <= later)!;
    expect(c.users!.some((u) => u.id === joiner.okta.id)).toBe(false);
    expect(userBy(leaver.email)!.status).toBe('ACTIVE');

    demoClock.set(later);
    try {
      const ctx = context();
      const users: Row[] = [];
      await readResource(ctx, okta.resources[0]!, (rows) => void users.push(...rows));
      expect(users.find((u) => u.id === joiner.okta.id)).toMatchObject({ status: 'ACTIVE' });
      expect(users.find((u) => u.id === leaver.okta.id)).toMatchObject({ status: 'DEPROVISIONED', deactivated: leaver.okta.deactivatedAt!.toISOString() });
      const more: Row[] = [];
      const outcome = await readEvents(ctx, okta.events[0]!, c.cursor, (p) => void more.push(...p.rows));
      const seen = new Set(c.log.map((e) => e.uuid));
      expect(more.length).toBeGreaterThan(0);
      expect(more.filter((e) => seen.has(e.uuid))).toEqual([]);
      expect(more.every((e) => (e.published as string) > (c.log.at(-1)!.published as string) && Date.parse(e.published as string) <= later.getTime())).toBe(true);
      expect(more.some((e) => e.eventType === 'user.lifecycle.deactivate' && (e.targets as { id: string }[])[0]!.id === leaver.okta.id)).toBe(true);
      expect(outcome.cursor).not.toBe(c.cursor);
    } finally {
      demoClock.set(NOW);
    }
  });

  it("answers a wrong token with Okta's 401, and reports its rate-limit window on every answer", async () => {
    const error = await okta.testConnection(context({ token: 'not-the-demo-token' })).catch((e: unknown) => e);
    expect(isVigilError(error) && error._tag).toBe('AuthFailed');
    expect((error as Error).message).toBe('GET /okta/api/v1/users: the provider rejected the credentials (401 [E0000011]): Invalid token provided');
    const res = await fetch(`${server.sources[0]!.config.baseUrl as string}/api/v1/users?limit=1`, { headers: { authorization: `SSWS ${server.sources[0]!.config.token as string}` } });
    expect(res.headers.get('x-rate-limit-limit')).toBe('1200');
    expect(Number(res.headers.get('x-rate-limit-remaining'))).toBeLessThan(1200);
    expect(Number(res.headers.get('x-rate-limit-reset')) * 1000).toBe(Math.floor(NOW.getTime() / 60_000) * 60_000 + 60_000);
    expect(res.headers.get('date')).toBe(NOW.toUTCString());
  });
});
