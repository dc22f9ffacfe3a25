/**
 * The AWS IAM part of access.leaver-deprovisioned: which IAM users belong to a leaver, whether
 * they can still get in, and when they lost access.
 *
 * Linking: an IAM user belongs to a person when its tag `emailTag` (default `email`, read with
 * ListUserTags) holds the person's work email, or — unless `matchUserName` is off — when its user
 * name is the work email or its local part (case-insensitive).
 *
 * Access: a user can still get in while it has a console password (a login profile) or an active
 * access key. It lost access when the last of those went, or when the user was deleted.
 *
 * When: IAM keeps no time for a deleted password or a deactivated key, so the time comes, in order
 * of strength, from
 * 1. CloudTrail (`aws.cloudtrail-events`): the last DeleteLoginProfile, UpdateAccessKey to
 *    Inactive, DeleteAccessKey or DeleteUser for that user or key, from seven days before the
 *    termination on — the time the change was made;
 * 2. Vigil's own collections: the collection that first stored the user, key or deletion in the
 *    state it is in now (`changedAt`; a deleted user or key counts as removed at the collection that
 *    stopped seeing it). That is a bound — it was off by then — not the time of the change.
 * A bound within the SLA is accepted (a collection after the termination already saw the access
 * gone in time); a bound past the deadline with no CloudTrail record is a fail that says the
 * removal cannot be shown to be in time, never a pass.
 */
import { z } from 'zod';
import { DAY_MS, HOUR_MS } from '../../lib/clock.ts';
import type { InputReader, ResourceInput } from '../sdk/inputs.ts';
import { formatSpan, showTime, type Stored } from './hr-roster.ts';

export const AWS_IAM_USERS = 'aws.iam-users';
export const AWS_ACCESS_KEYS = 'aws.iam-access-keys';
export const AWS_CLOUDTRAIL = 'aws.cloudtrail-events';

/** How long before the termination a removal still counts as this offboarding's. */
const EARLY_MS = 7 * DAY_MS;

const userRow = z.object({
  arn: z.string(),
  userName: z.string(),
  consolePassword: z.boolean().nullable().optional(),
  tags: z.record(z.string(), z.string()).nullable().optional(),
});
const keyRow = z.object({ accessKeyId: z.string(), userName: z.string(), status: z.string() });

export interface IamUser extends Stored {
  arn: string;
  userName: string;
  /** Null when it could not be read (or the row predates the field). */
  consolePassword: boolean | null;
  tags: Record<string, string> | null;
  /** The collection that first stored the row as it is now. */
  changedAt: Date;
  /** Set when a complete collection no longer found the user. */
  removedAt: Date | null;
}

export interface IamKey extends Stored {
  accessKeyId: string;
  userName: string;
  status: string;
  changedAt: Date;
  removedAt: Date | null;
}

/** A CloudTrail record of access being taken away. */
interface OffEvent {
  at: Date;
  eventName: 'DeleteLoginProfile' | 'UpdateAccessKey' | 'DeleteAccessKey' | 'DeleteUser';
  userName: string | null;
  accessKeyId: string | null;
  evidence: string[];
}

export interface AwsIam {
  users: IamUser[];
  /** Lower-cased user name → its keys, current and removed. */
  keys: Map<string, IamKey[]>;
  /** CloudTrail removals; read only where an IAM user is stored at all. */
  events: OffEvent[];
}

function parse<T>(schema: z.ZodType<T>, row: ResourceInput): T {
  const r = schema.safeParse(row.data);
  if (r.success) return r.data;
  throw new Error(`stored ${row.type} row ${row.key} does not have the fields this check reads: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

const stored = (r: ResourceInput): Stored => ({ resource: `${r.type}/${r.key}`, source: r.source, evidence: r.evidenceId ? [r.evidenceId] : [] });
const asDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
const asObject = (v: unknown): Record<string, unknown> => {
  const o = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return o && typeof o === 'object' ? (o as Record<string, unknown>) : {};
};
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** The stored IAM users and keys (current, and those removed since `since`), and the CloudTrail removals since then. */
export async function readAwsIam(inputs: InputReader, since: Date): Promise<AwsIam> {
  const userOf = (row: ResourceInput, removedAt: Date | null): IamUser => {
    const u = parse(userRow, row);
    return { ...stored(row), arn: u.arn, userName: u.userName, consolePassword: u.consolePassword ?? null, tags: u.tags ?? null, changedAt: row.changedAt, removedAt };
  };
  const keyOf = (row: ResourceInput, removedAt: Date | null): IamKey => {
    const k = parse(keyRow, row);
    return { ...stored(row), accessKeyId: k.accessKeyId, userName: k.userName, status: k.status, changedAt: row.changedAt, removedAt };
  };
  const current = await inputs.resources(AWS_IAM_USERS);
  const users = [...current.map((r) => userOf(r, null)), ...(await inputs.removed(AWS_IAM_USERS, since)).map((r) => userOf(r, r.deletedAt))];
  const keys = new Map<string, IamKey[]>();
  const keyRows = [...(await inputs.resources(AWS_ACCESS_KEYS)).map((r) => keyOf(r, null)), ...(await inputs.removed(AWS_ACCESS_KEYS, since)).map((r) => keyOf(r, r.deletedAt))];
  for (const k of keyRows) keys.set(k.userName.toLowerCase(), [...(keys.get(k.userName.toLowerCase()) ?? []), k]);
  return { users, keys, events: users.length ? await readOffEvents(inputs, since) : [] };
}

/**
 * Only the few IAM events that take access away are read, filtered in the database: the CloudTrail
 * stream of a large account holds millions of sign-ins and API calls.
 */
async function readOffEvents(inputs: InputReader, since: Date): Promise<OffEvent[]> {
  const rows = await inputs.select<{ occurred_at: unknown; event_name: string; params: unknown; evidence_id: string | null }>(
    `SELECT occurred_at, data->>'eventName' AS event_name, data->'cloudTrailEvent'->'requestParameters' AS params, evidence_id
       FROM vigil_events
      WHERE stream = '${AWS_CLOUDTRAIL}' AND occurred_at >= '${since.toISOString()}'
        AND data->>'eventName' IN ('DeleteLoginProfile', 'UpdateAccessKey', 'DeleteAccessKey', 'DeleteUser')
        AND data->>'errorCode' IS NULL
      ORDER BY occurred_at, key`,
  );
  const out: OffEvent[] = [];
  for (const r of rows) {
    const p = asObject(r.params);
    // UpdateAccessKey also re-activates: only a switch to Inactive takes access away.
    if (r.event_name === 'UpdateAccessKey' && p.status !== 'Inactive') continue;
    out.push({ at: asDate(r.occurred_at), eventName: r.event_name as OffEvent['eventName'], userName: text(p.userName), accessKeyId: text(p.accessKeyId), evidence: r.evidence_id ? [r.evidence_id] : [] });
  }
  return out;
}

export interface AwsLinkParams {
  awsEmailTag: string;
  awsMatchUserName: boolean;
}

/** The IAM users (current or removed) linked to a work email. */
export function iamUsersOf(email: string, iam: AwsIam, p: AwsLinkParams): IamUser[] {
  const local = email.split('@')[0]!;
  const tag = p.awsEmailTag.toLowerCase();
  return iam.users.filter((u) => {
    const tagged = Object.entries(u.tags ?? {}).some(([k, v]) => k.toLowerCase() === tag && v.trim().toLowerCase() === email);
    const named = p.awsMatchUserName && [email, local].includes(u.userName.toLowerCase());
    return tagged || named;
  });
}

interface Ctx {
  now: Date;
  slaMs: number;
  terminatedAt: Date;
  deadline: Date;
}

/** One thing that had to go (the password, a key, the user) and the time it went, exact or bounded. */
interface Off {
  what: string;
  at: Date;
  /** The CloudTrail event that timed it; absent: a collection saw it gone by `at`. */
  event?: string;
  evidence: string[];
}

/** What one system did about one leaver (the shape the leaver check combines). */
export interface AwsFinding {
  outcome: 'ok' | 'fail' | 'pending';
  text: string;
  remediation?: string;
  critical?: boolean;
  evidence: string[];
  details: Record<string, unknown>;
}

function latestEvent(events: readonly OffEvent[], c: Ctx, match: (e: OffEvent) => boolean): OffEvent | undefined {
  const from = c.terminatedAt.getTime() - EARLY_MS;
  return events.filter((e) => e.at.getTime() >= from && e.at <= c.now && match(e)).at(-1);
}

/** When each credential of a user that can no longer get in went away. */
function offTimes(u: IamUser, keys: readonly IamKey[], events: readonly OffEvent[], c: Ctx): Off[] {
  const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();
  if (u.removedAt) {
    const e = latestEvent(events, c, (x) => x.eventName === 'DeleteUser' && same(x.userName, u.userName));
    return [e ? { what: `user ${u.userName} deleted`, at: e.at, event: 'DeleteUser', evidence: e.evidence } : { what: `user ${u.userName} deleted`, at: u.removedAt, evidence: u.evidence }];
  }
  const offs: Off[] = [];
  const pw = latestEvent(events, c, (x) => x.eventName === 'DeleteLoginProfile' && same(x.userName, u.userName));
  offs.push(pw ? { what: 'console password deleted', at: pw.at, event: 'DeleteLoginProfile', evidence: pw.evidence } : { what: 'no console password', at: u.changedAt, evidence: u.evidence });
  for (const k of keys) {
    const gone = k.removedAt !== null;
    const e = latestEvent(events, c, (x) => (gone ? x.eventName === 'DeleteAccessKey' : x.eventName === 'UpdateAccessKey') && x.accessKeyId === k.accessKeyId);
    const what = `access key ${k.accessKeyId} ${gone ? 'deleted' : 'deactivated'}`;
    // A key deleted long before the termination (an old rotation) says nothing about this offboarding.
    if (gone && !e && k.removedAt!.getTime() < c.terminatedAt.getTime() - EARLY_MS) continue;
    offs.push(e ? { what, at: e.at, event: e.eventName, evidence: e.evidence } : { what, at: gone ? k.removedAt! : k.changedAt, evidence: k.evidence });
  }
  return offs;
}

const hours = (ms: number) => Math.round((ms / HOUR_MS) * 10) / 10;

/** The AWS finding for one leaver, or undefined when no IAM user is linked to them. */
export function judgeAws(users: readonly IamUser[], iam: AwsIam, c: Ctx): AwsFinding | undefined {
  if (users.length === 0) return undefined;
  const keysOf = (u: IamUser) => iam.keys.get(u.userName.toLowerCase()) ?? [];
  const evidence = [...new Set(users.flatMap((u) => [...u.evidence, ...keysOf(u).flatMap((k) => k.evidence)]))];
  const current = users.filter((u) => !u.removedAt);

  // Still able to get in: a console password, an active key — or a password nobody could read.
  const open = current
    .map((u) => ({
      u,
      left: [...(u.consolePassword ? ['a console password'] : []), ...keysOf(u).filter((k) => !k.removedAt && k.status === 'Active').map((k) => `active access key ${k.accessKeyId}`)],
      unknown: u.consolePassword === null,
    }))
    .filter((x) => x.left.length || x.unknown);
  if (open.length) {
    const which = open.map((x) => `${x.u.userName} (${[...x.left, ...(x.unknown ? ['console password unknown: GetLoginProfile was not readable'] : [])].join(', ')})`).join(', ');
    const details = { aws: { users: open.map((x) => ({ userName: x.u.userName, arn: x.u.arn, stillActive: x.left, passwordUnknown: x.unknown })) } };
    if (c.now < c.deadline) return { outcome: 'pending', text: `AWS IAM user ${which} still active, to be disabled by ${showTime(c.deadline)}`, evidence, details };
    const known = open.filter((x) => x.left.length);
    return {
      outcome: 'fail',
      critical: known.length > 0,
      text: known.length
        ? `AWS IAM user ${which} is still active past its deadline ${showTime(c.deadline)}`
        : `whether AWS IAM user ${which} can still sign in is unknown past its deadline ${showTime(c.deadline)}`,
      remediation: known.length
        ? `Delete the console password and deactivate the access keys of IAM user ${open.map((x) => x.u.userName).join(', ')} (or delete the user) now, review its CloudTrail activity since ${showTime(c.terminatedAt)}, and add AWS to the offboarding run.`
        : `Grant iam:GetLoginProfile to the AWS source (the SecurityAudit policy has it), collect again, and check IAM user ${open.map((x) => x.u.userName).join(', ')} has no console password.`,
      evidence,
      details,
    };
  }

  // Every credential of every user is gone: the last to go is when access ended.
  const offs = users.flatMap((u) => offTimes(u, keysOf(u), iam.events, c).map((o) => ({ ...o, user: u.userName })));
  const last = offs.reduce((a, b) => (b.at > a.at ? b : a));
  const allEvidence = [...new Set([...evidence, ...offs.flatMap((o) => o.evidence)])];
  const delay = last.at.getTime() - c.terminatedAt.getTime();
  const names = users.map((u) => u.userName).join(', ');
  const details = {
    aws: {
      users: users.map((u) => ({ userName: u.userName, arn: u.arn, ...(u.removedAt ? { removedAt: u.removedAt.toISOString() } : {}) })),
      offAt: last.at.toISOString(),
      timedBy: last.event ? `CloudTrail ${last.event}` : 'collection',
      delayHours: hours(delay),
    },
  };
  if (last.event) {
    const how = `${last.event} in CloudTrail, ${showTime(last.at)}`;
    if (delay > c.slaMs) {
      return {
        outcome: 'fail',
        text: `AWS IAM user ${last.user} lost its last credential ${formatSpan(delay)} after the termination (${last.what}: ${how}), beyond the ${c.slaMs / HOUR_MS} h SLA`,
        remediation: `Record why IAM user ${last.user} was disabled late, and make AWS part of the offboarding run within ${c.slaMs / HOUR_MS} h (or move people to IAM Identity Center so the identity provider switches them off).`,
        evidence: allEvidence,
        details,
      };
    }
    return { outcome: 'ok', text: `AWS IAM user ${names} disabled ${delay < 0 ? `${formatSpan(delay)} before` : `${formatSpan(delay)} after`} the termination (${last.what}: ${how})`, evidence: allEvidence, details };
  }
  // No CloudTrail record: a collection saw the access gone by `last.at`; when exactly is unknown.
  if (last.at <= c.deadline) {
    const when = last.at < c.terminatedAt ? `already before the termination (seen at ${showTime(last.at)})` : `by ${showTime(last.at)}, ${formatSpan(delay)} after the termination, within the SLA`;
    return {
      outcome: 'ok',
      text: `AWS IAM user ${names} had no console password or active access key ${when}; AWS records no time for the change, so the collection that saw it is the evidence`,
      evidence: allEvidence,
      details,
    };
  }
  return {
    outcome: 'fail',
    text: `AWS IAM user ${last.user} has no console password or active access key now, but the first collection that saw it so (${last.what}) was ${showTime(last.at)}, ${formatSpan(delay)} after the termination, and CloudTrail holds no DeleteLoginProfile, UpdateAccessKey, DeleteAccessKey or DeleteUser saying when — removal within the ${c.slaMs / HOUR_MS} h SLA cannot be shown`,
    remediation: `Find when IAM user ${last.user} was disabled (CloudTrail event history, the offboarding ticket) and keep it as evidence for this leaver; collect the AWS source's cloudtrail-events so later removals are timed.`,
    evidence: allEvidence,
    details,
  };
}
