import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleWorkspace } from '../../connectors/google-workspace/index.ts';
import { createRunContext, readEvents, readResource, type Row } from '../../connectors/sdk/index.ts';
import { createTestTime } from '../../connectors/sdk/testing/index.ts';
import { DAY_MS, HOUR_MS, fixedClock } from '../../lib/clock.ts';
import { isVigilError } from '../../lib/errors.ts';
import { createDemoOrg, employedAt, type DemoOrg } from '../org/org.ts';
import { startDemoServer, type DemoServer } from '../server.ts';
import { googleAccounts, googleWorkspaceProvider, plantedGoogle } from './google-workspace.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const NOW = new Date(anchor.getTime() + 12 * HOUR_MS);

let org: DemoOrg;
let server: DemoServer;
const demoClock = fixedClock(NOW);

beforeAll(async () => {
  org = createDemoOrg({ anchor });
  server = await startDemoServer(org, demoClock, { providers: [googleWorkspaceProvider] });
});
afterAll(() => server.close());

function context(config: Record<string, unknown> = {}) {
  const time = createTestTime(demoClock.now());
  return createRunContext({ connector: googleWorkspace, config: { ...server.sources[0]!.config, ...config }, clock: time.clock, sleep: time.sleep });
}

async function collectUsers(config: Record<string, unknown> = {}) {
  const rows: Row[] = [];
  const outcome = await readResource(context(config), googleWorkspace.resources[0]!, (page) => void rows.push(...page));
  return { rows, outcome };
}

describe('the simulated Google Workspace', () => {
  it('lists a Google account for every person Okta has activated, over several pages, with the planted people missing 2SV', async () => {
    const { rows, outcome } = await collectUsers({ pageSize: 50 });
    expect(outcome.status).toBe('complete');
    expect(outcome.pages).toBeGreaterThan(2);
    const expected = org.people.filter((p) => p.okta.activated.getTime() + 5 * 60_000 <= NOW.getTime()).map((p) => p.email).sort();
    expect(rows.map((r) => r.primaryEmail)).toEqual(expected);

    const planted = plantedGoogle(org, NOW).map((f) => f.account);
    expect(planted.sort()).toEqual(org.planted.flatMap((f) => (f.kind === 'mfa-missing' && f.system === 'okta' ? [f.account] : [])).sort());
    const unenrolledActive = rows.filter((r) => !r.isEnrolledIn2Sv && !r.suspended && !r.archived).map((r) => r.primaryEmail);
    expect(unenrolledActive.sort()).toEqual(planted.sort());
  });

  it('suspends the accounts of people Okta deactivated, keeps the planted never-deactivated leaver active, and flags Okta super admins', async () => {
    const { rows } = await collectUsers();
    const byEmail = new Map(rows.map((r) => [r.primaryEmail as string, r]));
    for (const p of org.people) {
      const row = byEmail.get(p.email);
      if (!row) continue;
      const deactivated = p.okta.deactivatedAt !== null && p.okta.deactivatedAt <= NOW;
      expect(row.suspended, p.email).toBe(deactivated);
      expect(row.suspensionReason, p.email).toBe(deactivated ? 'ADMIN' : null);
    }
    const leaver = org.planted.find((f) => f.kind === 'leaver-still-active' && f.system === 'okta')!;
    const leaverEmail = (leaver as { email: string }).email;
    expect(byEmail.get(leaverEmail)).toMatchObject({ suspended: false });
    expect(org.people.find((p) => p.email === leaverEmail) && employedAt(org.people.find((p) => p.email === leaverEmail)!, NOW)).toBe(false);
    const admins = rows.filter((r) => r.isAdmin).map((r) => r.primaryEmail).sort();
    expect(admins.length).toBeGreaterThan(0);
    expect(admins).toEqual(googleAccounts(org).filter((a) => a.superAdminFrom && a.superAdminFrom <= NOW && a.created <= NOW).map((a) => a.email).sort());
    expect(rows.filter((r) => r.isDelegatedAdmin)).toHaveLength(1);
  });

  it('serves nothing of the future: people who start after now have no account yet', async () => {
    const { rows } = await collectUsers();
    const future = org.people.filter((p) => p.okta.activated > NOW).map((p) => p.email);
    expect(future.length).toBeGreaterThan(0);
    expect(rows.some((r) => future.includes(r.primaryEmail as string))).toBe(false);
  });

  it('serves the admin audit log newest first over pages, within six months, and the cursor catches up', async () => {
    const ctx = context();
    const rows: Row[] = [];
    const first = await readEvents(ctx, googleWorkspace.events[0]!, null, (p) => void rows.push(...p.rows));
    expect(first.status).toBe('complete');
    expect(rows.length).toBeGreaterThan(20);
    const times = rows.map((r) => Date.parse(r.time as string));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW.getTime() - 180 * DAY_MS);
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
    expect(first.cursor).toBe(new Date(Math.max(...times)).toISOString());
    const names = new Set(rows.map((r) => r.eventName));
    expect([...names].sort()).toEqual(expect.arrayContaining(['CREATE_USER', 'SUSPEND_USER']));
    const suspended = rows.filter((r) => r.eventName === 'SUSPEND_USER').map((r) => (r.parameters as { USER_EMAIL: string }).USER_EMAIL);
    const leaver = org.planted.find((f) => f.kind === 'leaver-still-active' && f.system === 'okta') as { email: string };
    expect(suspended).not.toContain(leaver.email);

    // A day later, only what happened since the cursor comes (the newest old event again, dropped by key).
    demoClock.set(new Date(NOW.getTime() + DAY_MS));
    try {
      const again: Row[] = [];
      await readEvents(context(), googleWorkspace.events[0]!, first.cursor, (p) => void again.push(...p.rows));
      expect(again.every((r) => Date.parse(r.time as string) >= Date.parse(first.cursor!))).toBe(true);
      expect(again.filter((r) => rows.some((o) => o.id === r.id)).length).toBeLessThanOrEqual(1);
    } finally {
      demoClock.set(NOW);
    }
  });

  it('refuses a JWT signed with another key, as Google does, so the connector fails with AuthFailed', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const error = await googleWorkspace.testConnection(context({ privateKey: other })).catch((e: unknown) => e);
    expect(isVigilError(error) && error._tag).toBe('AuthFailed');
    expect((error as Error).message).toContain('Invalid JWT Signature.');
  });

  it('refuses a subject the service account may not act as', async () => {
    const error = await googleWorkspace.testConnection(context({ subject: 'someone@elsewhere.example' })).catch((e: unknown) => e);
    expect(isVigilError(error) && error._tag).toBe('AuthFailed');
    expect((error as Error).message).toContain('[invalid_grant]');
  });

  it('expires access tokens on its own clock, and the connector fetches a new one on the 401', async () => {
    const ctx = context();
    await googleWorkspace.testConnection(ctx);
    demoClock.set(new Date(NOW.getTime() + 2 * HOUR_MS));
    try {
      const summary = await googleWorkspace.testConnection(ctx);
      expect(summary.summary).toContain('demo-corp.example');
    } finally {
      demoClock.set(NOW);
    }
  });
});
