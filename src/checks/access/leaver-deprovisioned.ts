/**
 * access.leaver-deprovisioned — leavers lose access within the SLA (default 24 h).
 *
 * One population member per person whose HR termination falls in the last `lookbackDays`: the HR
 * termination time against the Okta deactivation (status DEPROVISIONED or SUSPENDED, at
 * `statusChanged`, or the first switch-off in the Okta System Log when that is earlier) and, when
 * the person has a GitHub account, removal from the organization (timed by GitHub's audit log when
 * it is collected), and — when an AWS source is collected — the IAM users linked to the person by
 * an email tag or their user name: each must have no console password and no active access key
 * (leaver-deprovisioned-aws.ts says how the time is found when IAM keeps none). A date-only
 * termination counts from the end of that day, UTC (hr-roster.ts).
 * It fails naming each system that acted late and by how much, and fails harder (critical) while
 * an account is still active past the deadline. Before the deadline an account still active is
 * "in progress": a pass that says by when.
 */
import { z } from 'zod';
import { DAY_MS, HOUR_MS } from '../../lib/clock.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import type { InputReader } from '../sdk/inputs.ts';
import { AWS_ACCESS_KEYS, AWS_CLOUDTRAIL, AWS_IAM_USERS, iamUsersOf, judgeAws, readAwsIam } from './leaver-deprovisioned-aws.ts';
import { OKTA_SYSTEM_LOG, readOktaLog } from './okta-rows.ts';
import {
  DEACTIVATED_STATUSES,
  GITHUB_AUDIT_LOG,
  GITHUB_MEMBERS,
  HR_TYPES,
  OKTA_USERS,
  formatSpan,
  indexAccounts,
  isDateOnly,
  readGithubMembers,
  readGithubRemovals,
  readHrRoster,
  readOktaAccounts,
  requireRoster,
  showHrDate,
  showTime,
  terminationTime,
  type GithubMember,
  type HrPerson,
  type OktaAccount,
} from './hr-roster.ts';

const params = z.object({
  lookbackDays: z.number().int().min(1).max(3650).default(365).describe('Leavers whose termination falls in this many days before now are judged.'),
  slaHours: z.number().positive().max(2160).default(24).describe('Hours after the termination within which every account must be deactivated or removed.'),
  githubLogins: z
    .record(z.string(), z.string())
    .default({})
    .describe('GitHub login → work email, for people whose GitHub account is linked neither by SAML single sign-on nor by a GitHub column in HR.'),
  awsEmailTag: z
    .string()
    .min(1)
    .max(128)
    .default('email')
    .describe('IAM user tag (key, case-insensitive) whose value is the work email of the person the user belongs to; the AWS source reads tags with iam:ListUserTags.'),
  awsMatchUserName: z
    .boolean()
    .default(true)
    .describe('Also link an IAM user to a person when its user name is the work email or its local part (alice for alice@example.com); turn off where names are reused.'),
});

type Params = z.infer<typeof params>;

/** What one system did about one leaver. */
interface Finding {
  /** `fail`: late or still active past the deadline; `pending`: still active, deadline ahead. */
  outcome: 'ok' | 'fail' | 'pending';
  text: string;
  remediation?: string;
  critical?: boolean;
  evidence: string[];
  details: Record<string, unknown>;
}

interface Ctx {
  now: Date;
  slaMs: number;
  terminatedAt: Date;
  deadline: Date;
}

const relative = (ms: number) => (ms < 0 ? `${formatSpan(ms)} before` : `${formatSpan(ms)} after`);

const OFF_EVENTS = new Set(['user.lifecycle.suspend', 'user.lifecycle.deactivate']);
const ON_EVENTS = new Set(['user.lifecycle.unsuspend', 'user.lifecycle.activate', 'user.lifecycle.reactivate']);
/** How long before the termination a switch-off still counts as this offboarding's. */
const EARLY_SWITCH_OFF_MS = 7 * DAY_MS;

interface SwitchOff {
  at: Date;
  eventType: string;
  evidence: string[];
}

/**
 * Okta's statusChanged is the latest change: an account suspended on the last day and deprovisioned
 * a month later (a common retention practice) would look a month late. When the System Log is
 * collected, the first switch-off that was not undone afterwards is when access really ended.
 */
async function switchOffInLog(inputs: InputReader, account: OktaAccount, terminatedAt: Date): Promise<SwitchOff | undefined> {
  const log = await readOktaLog(inputs, new Date(terminatedAt.getTime() - EARLY_SWITCH_OFF_MS), new Date(account.statusChanged!.getTime() + 1));
  let off: SwitchOff | undefined;
  for (const e of log) {
    if (!e.targets.some((t) => t.id === account.id)) continue;
    if (OFF_EVENTS.has(e.eventType)) off ??= { at: e.at, eventType: e.eventType, evidence: e.evidence };
    else if (ON_EVENTS.has(e.eventType)) off = undefined;
  }
  return off;
}

function judgeOkta(accounts: readonly OktaAccount[], logged: ReadonlyMap<string, SwitchOff>, c: Ctx): Finding | undefined {
  if (accounts.length === 0) return undefined;
  const evidence = [...accounts.flatMap((a) => a.evidence), ...accounts.flatMap((a) => logged.get(a.id)?.evidence ?? [])];
  const active = accounts.filter((a) => !DEACTIVATED_STATUSES.has(a.status));
  const logins = accounts.map((a) => a.login).join(', ');
  if (active.length) {
    const which = active.map((a) => `${a.login} (${a.status})`).join(', ');
    const details = { okta: { accounts: active.map((a) => ({ id: a.id, login: a.login, status: a.status })) } };
    if (c.now < c.deadline) return { outcome: 'pending', text: `Okta account ${which} still active, to be deactivated by ${showTime(c.deadline)}`, evidence, details };
    return {
      outcome: 'fail',
      critical: true,
      text: `Okta account ${which} is still active past its deadline ${showTime(c.deadline)}`,
      remediation: `Deactivate the Okta account ${active.map((a) => a.login).join(', ')} now, review its sign-ins since ${showTime(c.terminatedAt)}, and find out why offboarding missed it.`,
      evidence,
      details,
    };
  }
  const untimed = accounts.filter((a) => a.statusChanged === null);
  if (untimed.length) {
    return {
      outcome: 'fail',
      text: `Okta account ${untimed.map((a) => a.login).join(', ')} is ${untimed[0]!.status} but Okta records no time for the change, so deactivation within the SLA cannot be shown`,
      remediation: `Find the deactivation of ${untimed.map((a) => a.login).join(', ')} in the Okta System Log and keep it as evidence for this leaver.`,
      evidence,
      details: { okta: { accounts: untimed.map((a) => ({ id: a.id, login: a.login, status: a.status })) } },
    };
  }
  // Every account has to be off: the last one switched off is when access ended.
  const offAt = (a: OktaAccount) => {
    const log = logged.get(a.id);
    return log && log.at < a.statusChanged! ? log.at : a.statusChanged!;
  };
  const last = accounts.reduce((x, a) => (offAt(a) > offAt(x) ? a : x));
  const at = offAt(last);
  const delay = at.getTime() - c.terminatedAt.getTime();
  const fromLog = at !== last.statusChanged ? logged.get(last.id) : undefined;
  const how = fromLog ? ` (${fromLog.eventType} in the System Log; ${last.status} since ${showTime(last.statusChanged!)})` : '';
  const details = { okta: { login: logins, deactivatedAt: at.toISOString(), delayHours: Math.round((delay / HOUR_MS) * 10) / 10, ...(fromLog ? { from: fromLog.eventType } : {}) } };
  if (delay > c.slaMs) {
    return {
      outcome: 'fail',
      text: `Okta deactivated ${formatSpan(delay)} after the termination (${showTime(at)}), beyond the ${c.slaMs / HOUR_MS} h SLA`,
      remediation: `Record why ${last.login} was deactivated late, and make the HR termination drive deactivation (Okta lifecycle from HR, or an offboarding ticket due within ${c.slaMs / HOUR_MS} h).`,
      evidence,
      details,
    };
  }
  return { outcome: 'ok', text: `Okta deactivated ${relative(delay)} the termination${how}`, evidence, details };
}

function judgeGithub(logins: ReadonlySet<string>, members: readonly GithubMember[], removals: Map<string, { at: Date; evidence: string[] }[]>, c: Ctx): Finding | undefined {
  const still = members.filter((m) => logins.has(m.login.toLowerCase()));
  if (still.length) {
    const which = still.map((m) => m.login).join(', ');
    const evidence = still.flatMap((m) => m.evidence);
    const details = { github: { members: still.map((m) => m.login) } };
    if (c.now < c.deadline) return { outcome: 'pending', text: `still a GitHub member as ${which}, to be removed by ${showTime(c.deadline)}`, evidence, details };
    return {
      outcome: 'fail',
      critical: true,
      text: `still a member of the GitHub organization as ${which}, past its deadline ${showTime(c.deadline)}`,
      remediation: `Remove ${which} from the GitHub organization now, review their recent pushes and tokens, and add GitHub to the offboarding checklist (or manage membership through SSO/SCIM).`,
      evidence,
      details,
    };
  }
  if (logins.size === 0) return undefined;
  // Removed: when, if the audit log says; the last removal before now is the one that counts.
  const seen = [...logins].flatMap((l) => (removals.get(l) ?? []).map((r) => ({ ...r, login: l })));
  const removal = seen.filter((r) => r.at <= c.now).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  if (!removal) {
    return { outcome: 'ok', text: `no longer a GitHub member (${[...logins].join(', ')}; the audit log does not show when the removal happened)`, evidence: [], details: { github: { removed: [...logins] } } };
  }
  const delay = removal.at.getTime() - c.terminatedAt.getTime();
  const details = { github: { login: removal.login, removedAt: removal.at.toISOString(), delayHours: Math.round((delay / HOUR_MS) * 10) / 10 } };
  if (delay > c.slaMs) {
    return {
      outcome: 'fail',
      text: `removed from GitHub ${formatSpan(delay)} after the termination (${showTime(removal.at)}), beyond the ${c.slaMs / HOUR_MS} h SLA`,
      remediation: `Record why ${removal.login} was removed from GitHub late, and make GitHub removal part of the offboarding run within ${c.slaMs / HOUR_MS} h (or manage membership through SSO/SCIM).`,
      evidence: removal.evidence,
      details,
    };
  }
  return { outcome: 'ok', text: `removed from GitHub ${relative(delay)} the termination`, evidence: removal.evidence, details };
}

function judgeLeaver(person: HrPerson, findings: Finding[], c: Ctx, p: Params): CheckResult {
  const base = {
    resource: person.resource,
    source: person.source,
    evidence: [...new Set([...person.evidence, ...findings.flatMap((f) => f.evidence)])],
    details: {
      email: person.email,
      name: person.name,
      terminationDate: person.terminationDate,
      terminatedAt: c.terminatedAt.toISOString(),
      deadline: c.deadline.toISOString(),
      slaHours: p.slaHours,
      ...Object.assign({}, ...findings.map((f) => f.details)),
    },
  };
  const left = person.terminationDate!;
  const when = `${person.name} left ${showHrDate(left)}${isDateOnly(left) ? ' (counted from the end of that day, UTC)' : ''}`;
  const failed = findings.filter((f) => f.outcome === 'fail');
  if (failed.length) {
    return {
      ...base,
      status: 'fail',
      reason: `${when}: ${failed.map((f) => f.text).join('; ')}.`,
      remediation: failed.map((f) => f.remediation!).join(' '),
      ...(failed.some((f) => f.critical) ? { severity: 'critical' as const } : {}),
    };
  }
  if (findings.length === 0) {
    return { ...base, status: 'pass', reason: `${when}: no Okta account, GitHub membership or AWS IAM user is linked to ${person.email}, so there was nothing to deprovision.` };
  }
  return { ...base, status: 'pass', reason: `${when}: ${findings.map((f) => f.text).join('; ')}.` };
}

export const leaverDeprovisioned = defineCheck({
  id: 'access.leaver-deprovisioned',
  title: 'Leavers are deprovisioned within 24 hours',
  description:
    'For every person HR records as terminated in the lookback window: the identity-provider account is deactivated, the code-host membership removed, and the AWS IAM users linked to them (by an email tag, or a user name equal to the email or its local part) left without a console password or an active access key, or deleted, within the SLA of the termination time. ' +
    'IAM keeps no time for a deleted password or a deactivated key, so an AWS removal is timed by CloudTrail (DeleteLoginProfile, UpdateAccessKey to Inactive, DeleteAccessKey, DeleteUser) when those events are collected; otherwise only a collection that already saw the user without access within the SLA shows it was in time, and a user first seen disabled after the deadline fails as "cannot be shown", never passes. A user deleted from IAM counts as removed at the first collection that no longer found it.',
  area: 'access',
  controls: ['ACC-04'],
  severity: 'high',
  // Results move with the clock: SLA deadlines pass, leavers within lookbackDays.
  readsNow: true,
  inputs: {
    resources: [...HR_TYPES, OKTA_USERS, GITHUB_MEMBERS, AWS_IAM_USERS, AWS_ACCESS_KEYS],
    events: [OKTA_SYSTEM_LOG, GITHUB_AUDIT_LOG, AWS_CLOUDTRAIL],
    // AWS is judged only where an AWS source exists: a workspace without one is not stale for it.
    optional: [...HR_TYPES, GITHUB_MEMBERS, OKTA_SYSTEM_LOG, GITHUB_AUDIT_LOG, AWS_IAM_USERS, AWS_ACCESS_KEYS, AWS_CLOUDTRAIL],
  },
  params,
  async evaluate({ params: p, now, inputs }) {
    const roster = await readHrRoster(inputs);
    requireRoster(roster, 'access.leaver-deprovisioned');
    const slaMs = p.slaHours * HOUR_MS;
    const from = new Date(now.getTime() - p.lookbackDays * DAY_MS);
    const leavers = roster
      .filter((person) => person.terminationDate !== null)
      .map((person) => ({ person, terminatedAt: terminationTime(person.terminationDate!) }))
      .filter(({ terminatedAt }) => terminatedAt >= from && terminatedAt <= now);
    if (leavers.length === 0) return [];

    const accounts = indexAccounts(await readOktaAccounts(inputs));
    const members = await readGithubMembers(inputs);
    const removals = await readGithubRemovals(inputs, from);
    const earliest = new Date(Math.min(...leavers.map((l) => l.terminatedAt.getTime())) - EARLY_SWITCH_OFF_MS);
    const iam = await readAwsIam(inputs, earliest);
    const mapped = new Map<string, string[]>();
    for (const [login, email] of Object.entries(p.githubLogins)) mapped.set(email.toLowerCase(), [...(mapped.get(email.toLowerCase()) ?? []), login.toLowerCase()]);

    // The System Log is read only for accounts that look late by statusChanged: the rest are judged.
    const logged = new Map<string, SwitchOff>();
    for (const { person, terminatedAt } of leavers) {
      for (const a of (person.email && accounts.get(person.email)) || []) {
        if (!DEACTIVATED_STATUSES.has(a.status) || !a.statusChanged || a.statusChanged.getTime() - terminatedAt.getTime() <= slaMs) continue;
        const off = await switchOffInLog(inputs, a, terminatedAt);
        if (off) logged.set(a.id, off);
      }
    }

    return leavers.map(({ person, terminatedAt }): CheckResult => {
      if (!person.email) {
        return {
          resource: person.resource,
          source: person.source,
          status: 'fail',
          reason: `${person.name} left ${showHrDate(person.terminationDate!)}, but HR has no work email for them, so no account can be matched to show it was deprovisioned.`,
          remediation: `Add ${person.name}'s work email in HR, then check their accounts were deactivated.`,
          evidence: person.evidence,
          details: { name: person.name, terminationDate: person.terminationDate },
        };
      }
      const c: Ctx = { now, slaMs, terminatedAt, deadline: new Date(terminatedAt.getTime() + slaMs) };
      const logins = new Set<string>([
        ...members.filter((m) => m.email === person.email).map((m) => m.login.toLowerCase()),
        ...(person.githubLogin ? [person.githubLogin.toLowerCase()] : []),
        ...(mapped.get(person.email) ?? []),
      ]);
      const findings = [
        judgeOkta(accounts.get(person.email) ?? [], logged, c),
        judgeGithub(logins, members, removals, c),
        judgeAws(iamUsersOf(person.email, iam, p), iam, c),
      ].filter((f): f is Finding => f !== undefined);
      return judgeLeaver(person, findings, c, p);
    });
  },
});
