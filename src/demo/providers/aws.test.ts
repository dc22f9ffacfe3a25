/**
 * The demo's AWS account, collected by the real AWS connector (the official SDK) from the demo
 * server: every row validates, the planted facts are in the rows, and the account lives on — a
 * later clock shows rotated keys and new sign-ins, never anything from the future.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from '../../connectors/aws/index.ts';
import { createRunContext, readEvents, readResource, type Row } from '../../connectors/sdk/index.ts';
import { DAY_MS, HOUR_MS, fixedClock } from '../../lib/clock.ts';
import { createDemoOrg, type DemoOrg } from '../org/org.ts';
import { startDemoServer, type DemoServer } from '../server.ts';
import { awsProvider, plantedAws, plantedAwsLeavers } from './aws.ts';
import { DEMO_AWS_ACCOUNT, PLANTED_NO_MFA_INDEX, PLANTED_OLD_KEY_INDEX, awsLeavers, demoAwsAccount } from './aws-model.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const NOW = new Date(anchor.getTime() + 12 * HOUR_MS);

let org: DemoOrg;
let server: DemoServer;
const clock = fixedClock(NOW);
const rows: Record<string, Row[]> = {};

async function collectAll(at: Date): Promise<Record<string, Row[]>> {
  clock.set(at);
  const out: Record<string, Row[]> = {};
  const ctx = createRunContext({ connector: aws, config: server.sources[0]!.config, clock });
  for (const r of aws.resources) {
    out[r.name] = [];
    const outcome = await readResource(ctx, r, (page) => void out[r.name]!.push(...page));
    expect(outcome.status, r.name).toBe('complete');
  }
  for (const e of aws.events) {
    out[e.name] = [];
    const outcome = await readEvents(ctx, e, null, (page) => void out[e.name]!.push(...page.rows));
    expect(outcome.status, e.name).toBe('complete');
    expect(outcome.cursor).toBe(at.toISOString());
  }
  expect(ctx.gaps()).toEqual([]);
  return out;
}

beforeAll(async () => {
  org = createDemoOrg({ anchor });
  server = await startDemoServer(org, clock, { providers: [awsProvider] });
  Object.assign(rows, await collectAll(NOW));
}, 60_000);

afterAll(async () => {
  await server.close();
});

describe('the demo AWS account', () => {
  it('serves ten engineers, a CI user and the IAM users of two leavers, each with the right console, MFA and key state', () => {
    const report = rows['credential-report']!;
    expect(report.length).toBe(14);
    expect(report.filter((r) => !r.isRoot && r.passwordEnabled).length).toBe(10);
    expect(rows['iam-users']!.map((u) => u.userName)).toContain('svc-ci-deploy');
    // The leaver removed in time kept an MFA device; the one never disabled has a key only.
    expect(rows['iam-mfa-devices']!.length).toBe(10);
    expect(rows['iam-access-keys']!.length).toBe(13);
    expect(rows['iam-users']!.filter((u) => u.consolePassword).length).toBe(10);
    expect(rows['iam-users']!.every((u) => u.tags && Object.keys(u.tags).length > 0)).toBe(true);
    expect(rows['password-policy']).toEqual([expect.objectContaining({ accountId: DEMO_AWS_ACCOUNT, configured: true, minimumPasswordLength: 14, passwordReusePrevention: 24 })]);
  });

  it('shows every planted failure in the collected rows', () => {
    const account = demoAwsAccount(org);
    const root = rows['credential-report']!.find((r) => r.isRoot)!;
    expect(root).toMatchObject({ arn: `arn:aws:iam::${DEMO_AWS_ACCOUNT}:root`, accessKey1Active: true, mfaActive: true });
    const noMfa = account.users[PLANTED_NO_MFA_INDEX]!.userName;
    expect(rows['credential-report']!.find((r) => r.user === noMfa)).toMatchObject({ passwordEnabled: true, mfaActive: false });
    const oldKey = rows['iam-access-keys']!.find((k) => k.userName === account.users[PLANTED_OLD_KEY_INDEX]!.userName)!;
    expect(NOW.getTime() - Date.parse(String(oldKey.createDate))).toBeGreaterThan(190 * DAY_MS);
    expect(rows['cloudtrail-trails']!.find((t) => t.name === 'legacy-trail')).toMatchObject({ logFileValidation: false, isMultiRegion: false, isLogging: true });
    expect(rows['s3-buckets']!.find((b) => b.name === 'demo-corp-data-exports')).toMatchObject({ publicAccessBlock: 'not-configured', encryption: 'enabled', lifecycle: 'not-configured', expirationDays: null });
    expect(rows['s3-buckets']!.find((b) => b.name === 'demo-corp-cloudtrail-logs')).toMatchObject({ lifecycle: 'configured', expirationDays: 2557 });
    const bastion = rows['security-groups']!.find((g) => g.groupName === 'bastion-legacy')!;
    expect(bastion.inbound).toEqual([{ protocol: 'tcp', fromPort: 22, toPort: 22, source: '0.0.0.0/0', sourceKind: 'cidr-ipv4', description: null }]);
    expect(rows['rds-instances']!.find((d) => d.identifier === 'reporting-replica')).toMatchObject({ storageEncrypted: false, backupRetentionPeriod: 7 });
    expect(rows['log-groups']!.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([
      ['/aws/lambda/data-export', 30],
      ['/aws/rds/instance/app-db/postgresql', 731],
      ['/ecs/demo-corp-app', null],
      ['aws-cloudtrail-logs', 400],
    ]);
    expect(plantedAws(org).map((p) => p.check)).toEqual([
      'access.root-account',
      'access.mfa-cloud',
      'access.key-rotation',
      'cloud.cloudtrail-enabled',
      'cloud.s3-encryption-public-access',
      'cloud.admin-ports-open',
      'cloud.rds-encryption-backups',
      'logging.retention',
    ]);
  });

  it('serves CloudTrail sign-ins and key creations, and finished backup jobs, up to now only', () => {
    const events = rows['cloudtrail-events']!;
    expect(events.length).toBeGreaterThan(100);
    expect(events.every((e) => Date.parse(String(e.eventTime)) <= NOW.getTime())).toBe(true);
    const noMfa = demoAwsAccount(org).users[PLANTED_NO_MFA_INDEX]!.userName;
    const logins = events.filter((e) => e.eventName === 'ConsoleLogin');
    expect(new Set(logins.filter((e) => e.mfaUsed === false).map((e) => e.username))).toEqual(new Set([noMfa]));
    const jobs = rows['backup-jobs']!;
    expect(jobs.length).toBe(2 * 30);
    expect(jobs.every((j) => Date.parse(String(j.completedAt)) <= NOW.getTime())).toBe(true);
    // The occasional failure: one job of the analytics database, nine days before the anchor.
    const failed = jobs.filter((j) => j.state !== 'COMPLETED');
    expect(failed.map((j) => [String(j.resourceArn).split(':db:')[1], j.state])).toEqual([['analytics-db', 'FAILED']]);
  });

  it('keeps living: thirty days later keys have rotated and more sign-ins exist, the planted old key is older still', async () => {
    const later = await collectAll(new Date(NOW.getTime() + 30 * DAY_MS));
    const before = new Set(rows['iam-access-keys']!.map((k) => k.accessKeyId));
    const after = later['iam-access-keys']!;
    expect(after.filter((k) => !before.has(k.accessKeyId)).length).toBeGreaterThan(3);
    const old = demoAwsAccount(org).users[PLANTED_OLD_KEY_INDEX]!.userName;
    expect(after.find((k) => k.userName === old)!.accessKeyId).toBe(rows['iam-access-keys']!.find((k) => k.userName === old)!.accessKeyId);
    clock.set(NOW);
  });

  it('shows the planted leavers: one switched off on the last evening (timed in CloudTrail), one still holding an active key', () => {
    const { inTime, stillActive } = awsLeavers(org);
    const inTimeUser = rows['iam-users']!.find((u) => (u.tags as Record<string, string>).email === inTime!.email)!;
    expect(inTimeUser).toMatchObject({ userName: inTime!.email.split('@')[0], consolePassword: false });
    expect(rows['iam-access-keys']!.find((k) => k.userName === inTimeUser.userName)).toMatchObject({ status: 'Inactive' });
    const off = rows['cloudtrail-events']!.filter((e) => ['DeleteLoginProfile', 'UpdateAccessKey'].includes(String(e.eventName)));
    expect(off.map((e) => [e.eventName, e.eventTime])).toEqual([
      ['UpdateAccessKey', new Date(inTime!.terminationDate!.getTime() + 19 * 3_600_000 + 60_000).toISOString()],
      ['DeleteLoginProfile', new Date(inTime!.terminationDate!.getTime() + 19 * 3_600_000).toISOString()],
    ]);
    const kept = rows['iam-users']!.find((u) => (u.tags as Record<string, string>).email === stillActive!.email)!;
    expect(kept.consolePassword).toBe(false);
    expect(rows['iam-access-keys']!.find((k) => k.userName === kept.userName)).toMatchObject({ status: 'Active' });
    expect(plantedAwsLeavers(org)).toEqual([expect.objectContaining({ check: 'access.leaver-deprovisioned', email: stillActive!.email })]);
  });

  it('refuses a request signed with another key as an invalid token', async () => {
    const ctx = createRunContext({ connector: aws, config: { ...server.sources[0]!.config, accessKeyId: 'AKIAOTHERKEY00000000' }, clock });
    await expect(readResource(ctx, aws.resources[1]!, () => {})).rejects.toMatchObject({ _tag: 'AuthFailed' });
  });
});
