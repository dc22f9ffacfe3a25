/**
 * The Okta identity checks over what the Okta connector collects from the demo's simulated Okta:
 * they must report exactly the failures the demo org planted for Okta, and nothing else.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { okta } from '../../connectors/okta/index.ts';
import { createRunContext, readEvents, readResource } from '../../connectors/sdk/index.ts';
import { createTestTime } from '../../connectors/sdk/testing/index.ts';
import { events } from '../../db/schema/events.ts';
import { resources } from '../../db/schema/resources.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createDemoOrg, type DemoOrg } from '../../demo/org/org.ts';
import { oktaProvider } from '../../demo/providers/okta.ts';
import { startDemoServer } from '../../demo/server.ts';
import { DAY_MS, HOUR_MS, fixedClock } from '../../lib/clock.ts';
import type { AnyCheck, CheckResult } from '../sdk/define.ts';
import { createInputReader } from '../sdk/inputs.ts';
import { adminGrantEvents } from './admin-grant-events.ts';
import { failedSigninBurst } from './failed-signin-burst.ts';
import { inactiveAccounts } from './inactive-accounts.ts';
import { mfaIdp } from './mfa-idp.ts';
import { privilegedIdp } from './privileged-idp.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const NOW = new Date(anchor.getTime() + 12 * HOUR_MS);
const SOURCE = 'okta';

let db: TestDb;
let workspaceId: string;
let org: DemoOrg;

/** Collect every Okta resource and the System Log from the demo into the inventory tables, as the engine stores them. */
async function collectInto(baseConfig: Record<string, unknown>) {
  const time = createTestTime(NOW);
  const ctx = createRunContext({ connector: okta, config: baseConfig, clock: time.clock, sleep: time.sleep });
  for (const r of okta.resources) {
    const keys = typeof r.primaryKey === 'string' ? [r.primaryKey] : r.primaryKey;
    const outcome = await readResource(ctx, r, async (rows) => {
      await db.orm.insert(resources).values(
        rows.map((data) => {
          const key = keys.map((k) => String(data[k])).join('/');
          const type = `${okta.id}.${r.name}`;
          return { workspaceId, source: SOURCE, type, key, data, dataHash: createHash('sha256').update(JSON.stringify(data)).digest('hex'), firstSeenAt: NOW, lastSeenAt: NOW, changedAt: NOW, evidenceId: `ev:${type}:${key}` };
        }),
      );
    });
    expect(outcome.status).toBe('complete');
  }
  const stream = okta.events[0]!;
  await readEvents(ctx, stream, null, async ({ rows }) => {
    if (rows.length === 0) return;
    await db.orm.insert(events).values(
      rows.map((data) => ({ workspaceId, source: SOURCE, stream: `${okta.id}.${stream.name}`, key: String(data.uuid), occurredAt: new Date(String(data.published)), collectedAt: NOW, data, evidenceId: `ev:${String(data.uuid)}` })),
    );
  });
}

const run = (check: AnyCheck): Promise<CheckResult[]> =>
  check.evaluate({ workspaceId, params: check.params.parse({}), now: NOW, inputs: createInputReader(db.orm, workspaceId) });
const failing = (results: CheckResult[]) => results.filter((r) => r.status === 'fail').map((r) => r.resource).sort();
const idOf = (login: string) => `okta.users/${[...org.people.map((p) => p.okta), ...org.orphans].find((a) => a.login === login)!.id}`;

beforeAll(async () => {
  org = createDemoOrg({ anchor });
  db = await createTestDb();
  workspaceId = (await createWorkspaceRepo(db.orm).ensure('demo', 'Demo Corp')).id;
  const server = await startDemoServer(org, fixedClock(NOW), { providers: [oktaProvider] });
  try {
    await collectInto(server.sources[0]!.config);
  } finally {
    await server.close();
  }
}, 60_000);
afterAll(() => db.close());

describe('the Okta identity checks over the demo org', () => {
  it('access.mfa-idp fails exactly the planted Okta accounts without MFA', async () => {
    const results = await run(mfaIdp);
    const planted = org.planted.flatMap((f) => (f.kind === 'mfa-missing' && f.system === 'okta' ? [idOf(f.account)] : []));
    expect(planted).toHaveLength(4);
    expect(failing(results)).toEqual(planted.sort());
    expect(results.length).toBeGreaterThan(140);
    expect(results.every((r) => r.evidence.length > 0)).toBe(true);
  });

  it('access.inactive-accounts fails the planted inactive accounts, and the planted leaver Okta never deactivated once 90 days have passed', async () => {
    const inactive = org.planted.flatMap((f) => (f.kind === 'inactive-account' ? [idOf(f.email)] : []));
    // A leaver whose account was never switched off stopped signing in when they left: after 90
    // days the same planted failure is also an inactive account.
    const forgotten = org.planted.flatMap((f) => (f.kind === 'leaver-still-active' && f.system === 'okta' && f.terminatedAt.getTime() < NOW.getTime() - 90 * DAY_MS ? [idOf(f.email)] : []));
    expect(inactive).toHaveLength(2);
    expect(failing(await run(inactiveAccounts))).toEqual([...inactive, ...forgotten].sort());
  });

  it('access.privileged-idp lists the four admins, all with MFA, and three super admins within the limit', async () => {
    const results = await run(privilegedIdp);
    expect(failing(results)).toEqual([]);
    const supers = org.people.filter((p) => p.okta.superAdmin).map((p) => idOf(p.okta.login));
    expect(results.filter((r) => r.resource.startsWith('okta.users/')).map((r) => r.resource)).toEqual(expect.arrayContaining(supers));
    expect(results).toHaveLength(5);
    expect(results.find((r) => r.resource === 'okta.admin-roles/SUPER_ADMIN@okta')!.reason).toMatch(/^3 Super Administrators \(at most 4 allowed\)/);
  });

  it('access.failed-signin-burst finds failed sign-ins but no burst (none is planted)', async () => {
    const results = await run(failedSigninBurst);
    expect(failing(results)).toEqual([]);
    expect(results.length).toBeGreaterThan(1);
  });

  it('access.admin-grant-events lists the recent admin grants, all to people with MFA', async () => {
    const results = await run(adminGrantEvents);
    expect(results.map((r) => [r.status, (r.details as { privilege: string }).privilege])).toEqual([
      ['pass', 'Super administrator'],
      ['pass', 'Help Desk administrator'],
    ]);
  });
});
