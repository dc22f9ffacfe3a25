/**
 * The joiner, leaver and orphan-account checks over what the real connectors collect from the demo
 * company's simulated Okta, GitHub and HR systems: they must report exactly the failures planted in
 * the org model for their area — and nothing else — whichever HR source feeds them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { bamboohr } from '../../connectors/bamboohr/index.ts';
import { github } from '../../connectors/github/index.ts';
import { hrisCsv } from '../../connectors/hris-csv/index.ts';
import { okta } from '../../connectors/okta/index.ts';
import { aws } from '../../connectors/aws/index.ts';
import { createRunContext, readEvents, readResource, type AnyConnector, type Row } from '../../connectors/sdk/index.ts';
import { createDemoOrg, plantedBy } from '../../demo/org/org.ts';
import { githubProvider } from '../../demo/providers/github.ts';
import { bamboohrDemoProvider, createHrCsvDemoProvider } from '../../demo/providers/hr.ts';
import { oktaProvider } from '../../demo/providers/okta.ts';
import { awsLeaverInTime, awsProvider, plantedAwsLeavers } from '../../demo/providers/aws.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import type { CheckResult } from '../sdk/define.ts';
import { seed, type Seeded } from './hr-test-data.ts';
import { joinerProvisioning } from './joiner-provisioning.ts';
import { leaverDeprovisioned } from './leaver-deprovisioned.ts';
import { orphanAccounts } from './orphan-accounts.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const now = new Date(anchor.getTime() + 10 * 3_600_000);
const clock = fixedClock(now);
const org = createDemoOrg({ anchor });
const dir = mkdtempSync(join(tmpdir(), 'vigil-hr-checks-demo-'));
let server: DemoServer;
let store: Seeded;

/** Collect one resource or event stream of a demo source into the store, as the engine types it. */
async function collect(connector: AnyConnector, name: string, slug: string): Promise<void> {
  const source = server.sources.find((s) => s.type === connector.id)!;
  const ctx = createRunContext({ connector, config: source.config, clock, where: `demo source ${source.name}` });
  const resource = connector.resources.find((r) => r.name === name);
  const rows: Row[] = [];
  if (resource) {
    const outcome = await readResource(ctx, resource, (page) => void rows.push(...page));
    expect(outcome.status, `${connector.id}.${name}`).toBe('complete');
    const key = typeof resource.primaryKey === 'string' ? resource.primaryKey : resource.primaryKey[0]!;
    await workspace(slug).put(`${connector.id}.${name}`, source.name, key, rows);
    return;
  }
  const events = connector.events.find((e) => e.name === name)!;
  await readEvents(ctx, events, null, (page) => void rows.push(...page.rows));
  await workspace(slug).putEvents(`${connector.id}.${name}`, source.name, events.key, events.time, rows);
}

const workspaces = new Map<string, Seeded>();
const workspace = (slug: string) => workspaces.get(slug)!;

beforeAll(async () => {
  server = await startDemoServer(org, clock, { providers: [oktaProvider, githubProvider, bamboohrDemoProvider, createHrCsvDemoProvider(), awsProvider], dataDir: dir });
  store = await seed({ slug: 'both-hr' });
  workspaces.set('both-hr', store);
  for (const slug of ['bamboohr-only', 'csv-only']) workspaces.set(slug, await seed({ db: store.db, slug }));
  for (const slug of workspaces.keys()) {
    await collect(okta, 'users', slug);
    await collect(okta, 'system-log', slug);
    await collect(github, 'members', slug);
    await collect(github, 'audit-log', slug);
    for (const name of ['iam-users', 'iam-access-keys', 'cloudtrail-events']) await collect(aws, name, slug);
    if (slug !== 'csv-only') await collect(bamboohr, 'employees', slug);
    if (slug !== 'bamboohr-only') await collect(hrisCsv, 'employees', slug);
  }
}, 120_000);
afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const planted = plantedBy(org, now);
const failing = (results: CheckResult[], field: 'email' | 'login') =>
  results
    .filter((r) => r.status === 'fail')
    .map((r) => String((r.details as Record<string, unknown>)[field]).toLowerCase())
    .sort();

describe.each(['both-hr', 'bamboohr-only', 'csv-only'])('the HR access checks over the demo company (%s)', (slug) => {
  it('access.leaver-deprovisioned fails exactly the planted late and still-active leavers', async () => {
    const results = await workspace(slug).run(leaverDeprovisioned, now.toISOString());
    const inAws = plantedAwsLeavers(org).filter((f) => f.terminatedAt <= now);
    const expected = [...planted.flatMap((f) => (f.kind === 'leaver-deprovisioned-late' || f.kind === 'leaver-still-active' ? [f.email] : [])), ...inAws.map((f) => f.email)].sort();
    expect(expected).toHaveLength(6);
    expect(failing(results, 'email')).toEqual(expected);
    // The rest of the population passed: every leaver of the window was judged.
    expect(results.length).toBeGreaterThan(10);
    const stillActive = planted.filter((f) => f.kind === 'leaver-still-active');
    for (const f of stillActive) {
      const r = results.find((x) => (x.details as { email: string }).email === f.email)!;
      expect(r).toMatchObject({ status: 'fail', severity: 'critical' });
      expect(r.reason).toContain(f.system === 'okta' ? 'Okta account' : 'still a member of the GitHub organization');
    }
    for (const f of inAws) {
      const r = results.find((x) => (x.details as { email: string }).email === f.email)!;
      expect(r).toMatchObject({ status: 'fail', severity: 'critical' });
      expect(r.reason).toMatch(/AWS IAM user reports-export-\S+ \(active access key AKIA\w+\) is still active/);
    }
    // The leaver switched off in AWS on the last evening passes, timed by CloudTrail.
    const inTime = results.find((x) => (x.details as { email: string }).email === awsLeaverInTime(org)!.email)!;
    expect(inTime.status).toBe('pass');
    expect(inTime.reason).toMatch(/AWS IAM user \S+ disabled 4 h 59 min before the termination \(access key \w+ deactivated: UpdateAccessKey in CloudTrail/);
    for (const f of planted.filter((x) => x.kind === 'leaver-deprovisioned-late')) {
      expect(results.find((x) => (x.details as { email: string }).email === f.email)?.reason).toMatch(/Okta deactivated \d+ d( \d+ h)? after the termination .*beyond the 24 h SLA/);
    }
  });

  it('access.orphan-accounts fails exactly the planted orphan', async () => {
    const results = await workspace(slug).run(orphanAccounts, now.toISOString());
    expect(failing(results, 'login')).toEqual(planted.flatMap((f) => (f.kind === 'orphan-account' ? [f.login] : [])));
    expect(results.filter((r) => r.status === 'pass').length).toBeGreaterThan(140);
  });

  it('access.joiner-provisioning fails exactly the planted early account', async () => {
    const results = await workspace(slug).run(joinerProvisioning, now.toISOString());
    expect(failing(results, 'email')).toEqual(planted.flatMap((f) => (f.kind === 'provisioned-too-early' ? [f.email] : [])));
    expect(results.filter((r) => r.status === 'pass').length).toBeGreaterThan(20);
  });
});
