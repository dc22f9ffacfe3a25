/**
 * The demo org's AWS account, derived from the org model. The org says who the engineers are;
 * everything AWS adds is derived here, deterministically, on a timeline that does not depend on
 * "now": a later clock only reveals more of it (new sign-ins, rotated keys, backup jobs).
 *
 * Derivations (beyond org.ts):
 * - Ten engineers who joined before the audit period and never leave have IAM users (console
 *   password, a virtual MFA device, one access key rotated every 60 days), plus a CI service user
 *   without a password whose key rotates every 30 days. Engineers sign in to the console every
 *   weekday morning; keys are used every few hours.
 * - Leavers with IAM users (`awsLeavers`): the most recent leaver of the last 29 days whom the org
 *   plants nothing on had a console password, MFA and a key, all switched off on their last
 *   evening (DeleteLoginProfile and UpdateAccessKey in CloudTrail) — removed in time; and the most
 *   recent earlier such leaver kept a tagged access-key-only user that a script still uses — never
 *   disabled (planted, `plantedAwsLeavers` in aws.ts).
 * - Every user carries an `email` tag naming its person (the CI user its owning team).
 * - Planted (see `plantedAws` in aws.ts): root holds an access key; the seventh engineer has no MFA;
 *   the fourth engineer's key was created 200 days before the anchor and never rotated; the
 *   `legacy-trail` has no log-file validation; the `demo-corp-data-exports` bucket has no public
 *   access block; `bastion-legacy` allows SSH from 0.0.0.0/0; `reporting-replica` is unencrypted; the
 *   `/aws/lambda/data-export` log group keeps its events only 30 days.
 */
import { createHash } from 'node:crypto';
import { DAY_MS, HOUR_MS } from '../../lib/clock.ts';
import type { DemoOrg, Person } from '../org/org.ts';

const MINUTE_MS = 60_000;
export const DEMO_AWS_ACCOUNT = '210987654321';
export const DEMO_AWS_REGION = 'us-east-1';
/** How long CloudTrail's LookupEvents looks back. */
export const EVENT_RETENTION_MS = 90 * DAY_MS;

const hash = (s: string) => createHash('sha256').update(s).digest();
const b32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A stable id like AWS's: a prefix and upper-case base32 characters from a seed. */
export const awsId = (prefix: string, seed: string, length = 16) => prefix + [...hash(seed).subarray(0, length)].map((b) => b32[b % 32]).join('');
export const uuidOf = (seed: string) => {
  const h = hash(seed).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export interface DemoKey {
  id: string;
  created: Date;
  /** Last use at or before `now`, or null. */
  lastUsed(now: Date): Date | null;
  service: string;
}

export interface DemoIamUser {
  userName: string;
  userId: string;
  arn: string;
  path: string;
  created: Date;
  /** Console sign-ins: weekdays at this minute of the day, from `created` on; null without a password. */
  signInMinute: number | null;
  mfa: { serial: string; enabled: Date } | null;
  /** The key generation current at `now`; null before the first was created. */
  key(now: Date): DemoKey | null;
  /** Every key generation created by `now`, oldest first. */
  keys(now: Date): DemoKey[];
  /** Tags (ListUserTags). */
  tags?: Record<string, string>;
  /** When offboarding deleted the console password and deactivated the key (a leaver's user). */
  offboardedAt?: Date;
}

/** Whether a user's console password and key are still on at `now`. */
export const stillOn = (u: DemoIamUser, now: Date) => !u.offboardedAt || u.offboardedAt > now;

export interface DemoAwsAccount {
  accountId: string;
  created: Date;
  users: DemoIamUser[];
  root: { arn: string; created: Date; passwordLastUsed: Date; key: { id: string; created: Date; lastUsed: Date } };
  anchor: Date;
}

export const weekday = (t: number) => {
  const d = new Date(t).getUTCDay();
  return d !== 0 && d !== 6;
};

/** Weekday sign-ins at `minute` after midnight, in [from, to]. */
export function signInsBetween(minute: number, from: number, to: number): number[] {
  const out: number[] = [];
  for (let d = Math.floor(from / DAY_MS) * DAY_MS; d <= to; d += DAY_MS) {
    const t = d + minute * MINUTE_MS;
    if (t >= from && t <= to && weekday(t)) out.push(t);
  }
  return out;
}

/** The latest sign-in at or before `now`, or null. */
export function lastSignIn(u: DemoIamUser, now: Date): Date | null {
  if (u.signInMinute === null) return null;
  const until = Math.min(now.getTime(), u.offboardedAt?.getTime() ?? Infinity);
  const t = signInsBetween(u.signInMinute, Math.max(u.created.getTime(), until - 7 * DAY_MS), until).at(-1);
  return t === undefined ? null : new Date(t);
}

function rotatingKeys(seed: string, first: Date, periodDays: number, usedEveryHours: number, service: string, fixed?: Date) {
  const gen = (k: number): DemoKey => {
    const created = fixed ?? new Date(first.getTime() + k * periodDays * DAY_MS);
    return {
      id: awsId('AKIA', `${seed}/${k}`),
      created,
      service,
      lastUsed: (now) => {
        // Used every few hours from an hour after creation; never after `now`.
        const start = created.getTime() + HOUR_MS;
        if (now.getTime() < start) return null;
        const step = usedEveryHours * HOUR_MS;
        return new Date(start + Math.floor((now.getTime() - start) / step) * step);
      },
    };
  };
  const current = (now: Date) => (fixed ? 0 : Math.max(0, Math.floor((now.getTime() - first.getTime()) / (periodDays * DAY_MS))));
  const keys = (now: Date) => Array.from({ length: current(now) + 1 }, (_, k) => gen(k)).filter((k) => k.created <= now);
  return { key: (now: Date) => keys(now).at(-1) ?? null, keys };
}

/** Leavers with IAM users: one switched off in time, one never (planted). */
export function awsLeavers(org: DemoOrg): { inTime: Person | undefined; stillActive: Person | undefined } {
  const plantedEmails = new Set(org.planted.flatMap((f) => ('email' in f ? [f.email] : [])));
  const past = org.people
    .filter((p) => p.terminationDate && p.terminationDate.getTime() < org.anchor.getTime() - DAY_MS && !plantedEmails.has(p.email) && p.startDate.getTime() < p.terminationDate.getTime() - 30 * DAY_MS)
    .sort((a, b) => b.terminationDate!.getTime() - a.terminationDate!.getTime());
  // CloudTrail events of the switch-off must be within the demo source's 30-day lookback.
  const inTime = past.find((p) => p.terminationDate!.getTime() >= org.anchor.getTime() - 29 * DAY_MS);
  return { inTime, stillActive: past.find((p) => p !== inTime) };
}

function leaverUsers(org: DemoOrg, accountId: string): DemoIamUser[] {
  const { inTime, stillActive } = awsLeavers(org);
  const out: DemoIamUser[] = [];
  if (inTime) {
    const userName = inTime.email.split('@')[0]!;
    const created = new Date(inTime.startDate.getTime() + DAY_MS + 11 * HOUR_MS);
    const offboardedAt = new Date(inTime.terminationDate!.getTime() + 19 * HOUR_MS);
    // One key for the whole stay (created a week in), used every few hours until offboarding.
    const gen = rotatingKeys(userName, created, 100_000, 4, 'sts', new Date(created.getTime() + 7 * DAY_MS));
    const key = (now: Date) => {
      const k = gen.key(now);
      return k && { ...k, lastUsed: (t: Date) => k.lastUsed(new Date(Math.min(t.getTime(), offboardedAt.getTime()))) };
    };
    out.push({
      userName,
      userId: awsId('AIDA', userName, 17),
      arn: `arn:aws:iam::${accountId}:user/${userName}`,
      path: '/',
      created,
      signInMinute: 9 * 60 + 5,
      mfa: { serial: `arn:aws:iam::${accountId}:mfa/${userName}`, enabled: new Date(created.getTime() + HOUR_MS) },
      key,
      keys: (now) => [key(now)].filter((k): k is DemoKey => k !== null),
      tags: { email: inTime.email },
      offboardedAt,
    });
  }
  if (stillActive) {
    // Named for the job, not the person: only the email tag links it to them.
    const userName = `reports-export-${stillActive.employeeId.toLowerCase()}`;
    const created = new Date(stillActive.startDate.getTime() + 3 * DAY_MS + 14 * HOUR_MS);
    out.push({
      userName,
      userId: awsId('AIDA', userName, 17),
      arn: `arn:aws:iam::${accountId}:user/automation/${userName}`,
      path: '/automation/',
      created,
      signInMinute: null,
      mfa: null,
      tags: { email: stillActive.email, purpose: 'nightly report export' },
      ...rotatingKeys(userName, new Date(created.getTime() + HOUR_MS), 60, 6, 's3'),
    });
  }
  return out;
}

export const PLANTED_NO_MFA_INDEX = 6;
export const PLANTED_OLD_KEY_INDEX = 3;

export function demoAwsAccount(org: DemoOrg): DemoAwsAccount {
  const accountId = DEMO_AWS_ACCOUNT;
  const created = new Date(org.periodStart.getTime() - 700 * DAY_MS);
  const engineers = org.people.filter((p) => p.department === 'Engineering' && !p.terminationDate && p.startDate < org.periodStart).slice(0, 10);
  const users: DemoIamUser[] = engineers.map((p, i) => {
    const userName = p.email.split('@')[0]!;
    const userCreated = new Date(Math.max(p.startDate.getTime(), created.getTime()) + DAY_MS + 10 * HOUR_MS);
    const keys =
      i === PLANTED_OLD_KEY_INDEX
        ? rotatingKeys(userName, userCreated, 60, 3, 's3', new Date(org.anchor.getTime() - 200 * DAY_MS + 11 * HOUR_MS))
        : rotatingKeys(userName, new Date(userCreated.getTime() + (i + 1) * 5 * DAY_MS), 60, 3, i % 2 ? 's3' : 'sts');
    return {
      userName,
      userId: awsId('AIDA', userName, 17),
      arn: `arn:aws:iam::${accountId}:user/engineering/${userName}`,
      path: '/engineering/',
      created: userCreated,
      signInMinute: 8 * 60 + 30 + i * 7,
      mfa: i === PLANTED_NO_MFA_INDEX ? null : { serial: `arn:aws:iam::${accountId}:mfa/${userName}`, enabled: new Date(userCreated.getTime() + HOUR_MS) },
      tags: { email: p.email },
      ...keys,
    };
  });
  const ciCreated = new Date(created.getTime() + 30 * DAY_MS);
  users.push({
    userName: 'svc-ci-deploy',
    userId: awsId('AIDA', 'svc-ci-deploy', 17),
    arn: `arn:aws:iam::${accountId}:user/service/svc-ci-deploy`,
    path: '/service/',
    created: ciCreated,
    signInMinute: null,
    mfa: null,
    tags: { team: 'platform' },
    ...rotatingKeys('svc-ci-deploy', new Date(ciCreated.getTime() + HOUR_MS), 30, 1, 'ecr'),
  });
  users.push(...leaverUsers(org, accountId));
  return {
    accountId,
    created,
    users,
    anchor: org.anchor,
    root: {
      arn: `arn:aws:iam::${accountId}:root`,
      created,
      passwordLastUsed: new Date(org.anchor.getTime() - 200 * DAY_MS + 14 * HOUR_MS),
      key: { id: awsId('AKIA', 'root'), created: new Date(created.getTime() + 10 * DAY_MS), lastUsed: new Date(org.anchor.getTime() - 250 * DAY_MS) },
    },
  };
}

/** Static infrastructure of the account: trails, buckets, security groups, databases, log groups. */
export function demoInfrastructure(account: DemoAwsAccount) {
  const a = account.accountId;
  const r = DEMO_AWS_REGION;
  const kms = `arn:aws:kms:${r}:${a}:key/${uuidOf('kms/main')}`;
  const at = (days: number) => new Date(account.created.getTime() + days * DAY_MS);
  const sg = (name: string) => awsId('sg-0', `sg/${name}`, 16).toLowerCase();
  const all = { protocol: '-1' };
  return {
    kms,
    trails: [
      { name: 'org-trail', multiRegion: true, validation: true, bucket: 'demo-corp-cloudtrail-logs', prefix: 'org', kms, logGroup: true },
      { name: 'legacy-trail', multiRegion: false, validation: false, bucket: 'demo-corp-cloudtrail-logs', prefix: 'legacy', kms: null, logGroup: false },
    ].map((t) => ({ ...t, arn: `arn:aws:cloudtrail:${r}:${a}:trail/${t.name}` })),
    buckets: [
      // expireDays: the bucket's lifecycle expiration (null: no lifecycle rules).
      { name: 'demo-corp-cloudtrail-logs', created: at(1), encryption: { algorithm: 'aws:kms', kms }, publicAccessBlock: true, versioning: 'Enabled', expireDays: 2557 as number | null },
      { name: 'demo-corp-app-assets', created: at(40), encryption: { algorithm: 'AES256', kms: null }, publicAccessBlock: true, versioning: 'Enabled', expireDays: null },
      { name: 'demo-corp-backups', created: at(90), encryption: { algorithm: 'aws:kms', kms }, publicAccessBlock: true, versioning: 'Enabled', expireDays: 35 },
      { name: 'demo-corp-data-exports', created: at(400), encryption: { algorithm: 'AES256', kms: null }, publicAccessBlock: false, versioning: null, expireDays: null },
    ],
    securityGroups: [
      { name: 'default', id: sg('default'), description: 'default VPC security group', inbound: [{ ...all, group: sg('default') }] },
      {
        name: 'web-alb',
        id: sg('web-alb'),
        description: 'Public load balancer',
        inbound: [
          { protocol: 'tcp', from: 443, to: 443, cidr: '0.0.0.0/0' },
          { protocol: 'tcp', from: 443, to: 443, cidr6: '::/0' },
          { protocol: 'tcp', from: 80, to: 80, cidr: '0.0.0.0/0', description: 'redirects to https' },
        ],
      },
      { name: 'app-servers', id: sg('app-servers'), description: 'Application servers', inbound: [{ protocol: 'tcp', from: 8080, to: 8080, group: sg('web-alb') }] },
      { name: 'databases', id: sg('databases'), description: 'RDS instances', inbound: [{ protocol: 'tcp', from: 5432, to: 5432, group: sg('app-servers') }] },
      { name: 'vpn-admin', id: sg('vpn-admin'), description: 'Admin access over the VPN', inbound: [{ protocol: 'tcp', from: 22, to: 22, cidr: '10.20.0.0/16', description: 'VPN clients' }] },
      { name: 'bastion-legacy', id: sg('bastion-legacy'), description: 'Old bastion host', inbound: [{ protocol: 'tcp', from: 22, to: 22, cidr: '0.0.0.0/0' }] },
    ],
    databases: [
      { id: 'app-db', engine: 'postgres', version: '16.4', cls: 'db.r6g.large', encrypted: true, retention: 14, multiAz: true, deletionProtection: true, created: at(60), backupPlan: true },
      { id: 'analytics-db', engine: 'postgres', version: '16.4', cls: 'db.t4g.medium', encrypted: true, retention: 7, multiAz: false, deletionProtection: true, created: at(200), backupPlan: true },
      { id: 'reporting-replica', engine: 'mysql', version: '8.0.39', cls: 'db.t3.medium', encrypted: false, retention: 7, multiAz: false, deletionProtection: false, created: at(420), backupPlan: false },
    ].map((d) => ({ ...d, arn: `arn:aws:rds:${r}:${a}:db:${d.id}` })),
    // CloudWatch Logs groups; retention null = never expire. The export job's group keeps only a month.
    logGroups: [
      { name: 'aws-cloudtrail-logs', created: at(2), retention: 400 as number | null, kms: kms as string | null, bytes: 48_318_382_080, filters: 3 },
      { name: '/aws/rds/instance/app-db/postgresql', created: at(61), retention: 731, kms: null, bytes: 9_663_676_416, filters: 0 },
      { name: '/ecs/demo-corp-app', created: at(45), retention: null, kms: null, bytes: 21_474_836_480, filters: 1 },
      { name: '/aws/lambda/data-export', created: at(401), retention: 30, kms: null, bytes: 536_870_912, filters: 0 },
    ].map((g) => ({ ...g, arn: `arn:aws:logs:${r}:${a}:log-group:${g.name}` })),
  };
}

export type DemoInfrastructure = ReturnType<typeof demoInfrastructure>;
