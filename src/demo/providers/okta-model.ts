/**
 * The demo org as Okta sees it, derived from the org model. The org gives each account's dates,
 * MFA and super-admin flag as of its anchor; what Okta adds — factors, role grants, groups, sign-in
 * history and the rest of the System Log — is derived here, deterministically, on a timeline that
 * does not depend on "now": a later clock only reveals more of it, so an incremental collection
 * never sees history change.
 *
 * Derivations (beyond org.ts):
 * - Everyone signs in weekly at the time of day of their last sign-in in the org model, from
 *   activation until they leave (or are deactivated); a planted inactive account stops at its
 *   planted last sign-in. An account's lastLogin is its latest such sign-in up to now.
 * - An account with MFA enrols Okta Verify (push) ten minutes after activation, some also WebAuthn;
 *   the planted accounts without MFA have none, a pending TOTP enrolment, or only a security
 *   question (a knowledge factor, which does not make MFA).
 * - Super admins were granted the role a day after activation, except the second security engineer
 *   (40 days before the anchor); the third security engineer is a Help Desk admin since 12 days
 *   before the anchor.
 * - Some users mistype their password now and then, one user fails 12 times in 48 minutes (never 10
 *   within 15 minutes), and someone tries `admin@` a few times: no burst is planted.
 */
import { createHash } from 'node:crypto';
import { DAY_MS, HOUR_MS } from '../../lib/clock.ts';
import { DEMO_DOMAIN, type DemoOrg, type OktaAccount, type Person } from '../org/org.ts';

const MINUTE_MS = 60_000;
const WEEK_MS = 7 * DAY_MS;
/** How long Okta keeps the System Log. */
export const LOG_RETENTION_MS = 90 * DAY_MS;

export interface DemoAccount {
  account: OktaAccount;
  /** The HR person; null for an account nobody in HR owns (the planted orphan). */
  person: Person | null;
  firstName: string;
  lastName: string;
  department: string | null;
  /** Weekly sign-ins happen at base + k weeks, within [firstSignIn, signInEnd]. */
  signIns: { base: number; first: number; end: number } | null;
  factors: DemoFactor[];
  roles: DemoRole[];
}

export interface DemoFactor {
  id: string;
  factorType: string;
  provider: string;
  vendorName: string;
  status: 'ACTIVE' | 'PENDING_ACTIVATION';
  created: Date;
  profile: Record<string, string>;
}

export interface DemoRole {
  id: string;
  type: string;
  label: string;
  /** How Okta names the privilege in a grant event's debugData.privilegeGranted. */
  privilege: string;
  granted: Date;
  grantedBy: DemoAccount | null;
}

export interface DemoModel {
  org: DemoOrg;
  accounts: DemoAccount[];
  groups: DemoGroup[];
  /** The whole System Log up to the org's horizon, oldest first. */
  log: DemoLogEvent[];
}

export interface DemoGroup {
  id: string;
  name: string;
  description: string;
  type: 'BUILT_IN' | 'OKTA_GROUP';
  created: Date;
  members: (a: DemoAccount) => boolean;
}

export interface DemoLogEvent {
  uuid: string;
  published: Date;
  body: Record<string, unknown>;
}

/** A short stable hash of the parts: ids, uuids and small choices all come from it. */
export function digest(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('|')).digest('hex');
}
const pick = (n: number, ...parts: (string | number)[]) => parseInt(digest(...parts).slice(0, 8), 16) % n;

export type AccountStatus = 'STAGED' | 'ACTIVE' | 'DEPROVISIONED';

/** The account's Okta status at t, or undefined when it does not exist yet. */
export function statusAt(a: DemoAccount, t: Date): AccountStatus | undefined {
  if (a.account.created > t) return undefined;
  if (a.account.activated > t) return 'STAGED';
  if (a.account.deactivatedAt && a.account.deactivatedAt <= t) return 'DEPROVISIONED';
  return 'ACTIVE';
}

/** The latest weekly sign-in at or before t, or null. */
export function lastLoginAt(a: DemoAccount, t: Date): Date | null {
  const s = a.signIns;
  if (!s) return null;
  const until = Math.min(t.getTime(), s.end);
  if (until < s.first) return null;
  return new Date(s.base + Math.floor((until - s.base) / WEEK_MS) * WEEK_MS);
}

function signInsOf(org: DemoOrg, account: OktaAccount, person: Person | null): DemoAccount['signIns'] {
  const activated = account.activated.getTime();
  // The org's lastLogin fixes the time of day (and for a planted inactive account, the last one).
  let base = account.lastLogin?.getTime() ?? activated + HOUR_MS;
  if (base < activated) base = activated + HOUR_MS;
  const stops = [org.horizon.getTime()];
  if (account.deactivatedAt) stops.push(account.deactivatedAt.getTime());
  if (person?.terminationDate) stops.push(person.terminationDate.getTime());
  const inactive = org.planted.find((f) => f.kind === 'inactive-account' && person && f.email === person.email);
  if (inactive) stops.push(base);
  const end = Math.min(...stops);
  const first = base - Math.floor((base - activated) / WEEK_MS) * WEEK_MS;
  return end < first ? null : { base, first, end };
}

function factorsOf(account: OktaAccount, index: number, missingRank: number): DemoFactor[] {
  const at = new Date(account.activated.getTime() + 10 * MINUTE_MS);
  const id = (kind: string) => `${kind}${digest('factor', account.id, kind).slice(0, 17)}`;
  if (!account.mfa) {
    // The planted accounts without MFA: nothing, a TOTP enrolment never finished, or only a question.
    if (missingRank === 0) return [{ id: id('ost'), factorType: 'token:software:totp', provider: 'GOOGLE', vendorName: 'GOOGLE', status: 'PENDING_ACTIVATION', created: at, profile: { credentialId: account.login } }];
    if (missingRank === 1) return [{ id: id('ufs'), factorType: 'question', provider: 'OKTA', vendorName: 'OKTA', status: 'ACTIVE', created: at, profile: { question: 'favorite_art_piece', questionText: 'What is your favorite piece of art?' } }];
    return [];
  }
  const factors: DemoFactor[] = [
    { id: id('opf'), factorType: 'push', provider: 'OKTA', vendorName: 'OKTA', status: 'ACTIVE', created: at, profile: { credentialId: account.login, deviceType: 'SmartPhone_IPhone', name: 'iPhone', platform: 'IOS', version: '17.5' } },
  ];
  if (index % 3 === 0) {
    factors.push({ id: id('fwf'), factorType: 'webauthn', provider: 'FIDO', vendorName: 'FIDO', status: 'ACTIVE', created: new Date(at.getTime() + 5 * MINUTE_MS), profile: { credentialId: digest('cred', account.id).slice(0, 22), authenticatorName: 'Touch ID' } });
  }
  return factors;
}

const standardRoles = {
  SUPER_ADMIN: { label: 'Super Administrator', privilege: 'Super administrator' },
  HELP_DESK_ADMIN: { label: 'Help Desk Administrator', privilege: 'Help Desk administrator' },
} as const;

function role(a: DemoAccount, type: keyof typeof standardRoles, granted: Date, grantedBy: DemoAccount | null): DemoRole {
  return { id: `ra${digest('role', a.account.id, type).slice(0, 18)}`, type, ...standardRoles[type], granted, grantedBy };
}

const models = new WeakMap<DemoOrg, DemoModel>();

/** The derived Okta org (cached per org model: it does not depend on the clock). */
export function oktaModel(org: DemoOrg): DemoModel {
  const cached = models.get(org);
  if (cached) return cached;
  const missing = org.planted.flatMap((f) => (f.kind === 'mfa-missing' && f.system === 'okta' ? [f.account] : []));
  const accounts: DemoAccount[] = [
    ...org.people.map((p) => ({ account: p.okta, person: p as Person | null })),
    ...org.orphans.map((o) => ({ account: o, person: null as Person | null })),
  ].map(({ account, person }, index) => {
    const [first, last] = person ? [person.name.split(' ')[0]!, person.name.split(' ').slice(1).join(' ')] : ['Contractor', 'Temp'];
    return {
      account,
      person,
      firstName: first,
      lastName: last,
      department: person?.department ?? null,
      signIns: signInsOf(org, account, person),
      factors: factorsOf(account, index, missing.indexOf(account.login)),
      roles: [],
    };
  });
  const [, cto, , sec1, sec2, sec3] = accounts;
  for (const a of accounts) {
    if (!a.account.superAdmin) continue;
    const late = a === sec2;
    const granted = late ? new Date(org.anchor.getTime() - 40 * DAY_MS + 15 * HOUR_MS) : new Date(a.account.activated.getTime() + DAY_MS);
    a.roles.push(role(a, 'SUPER_ADMIN', granted, late ? cto! : null));
  }
  if (sec3) sec3.roles.push(role(sec3, 'HELP_DESK_ADMIN', new Date(org.anchor.getTime() - 12 * DAY_MS + 11 * HOUR_MS), sec1 ?? null));

  const groupsCreated = new Date(org.periodStart.getTime() - 3 * 365 * DAY_MS);
  const departments = [...new Set(org.people.map((p) => p.department))].sort();
  const groups: DemoGroup[] = [
    { id: groupId('Everyone'), name: 'Everyone', description: 'All users in your organization', type: 'BUILT_IN', created: groupsCreated, members: () => true },
    ...departments.map((d) => ({
      id: groupId(d),
      name: d,
      description: `Everyone in ${d}`,
      type: 'OKTA_GROUP' as const,
      created: groupsCreated,
      members: (a: DemoAccount) => a.department === d,
    })),
  ];
  const model: DemoModel = { org, accounts, groups, log: buildLog(org, accounts) };
  models.set(org, model);
  return model;
}

const groupId = (name: string) => `00g${digest('group', name).slice(0, 17)}`;

/** The group's members at t: accounts that exist and are not deactivated. */
export function membersAt(g: DemoGroup, accounts: DemoAccount[], t: Date): DemoAccount[] {
  return accounts.filter((a) => g.members(a) && (statusAt(a, t) === 'ACTIVE' || statusAt(a, t) === 'STAGED'));
}

// ---- The System Log ----

const who = (a: DemoAccount) => ({ id: a.account.id, type: 'User', alternateId: a.account.login, displayName: `${a.firstName} ${a.lastName}`, detailEntry: null });
const ipOf = (a: DemoAccount) => `203.0.113.${(parseInt(digest('ip', a.account.id).slice(0, 4), 16) % 250) + 2}`;

function uuidOf(...parts: (string | number)[]): string {
  const h = digest('event', ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface EventSpec {
  at: Date;
  eventType: string;
  legacyEventType: string;
  displayMessage: string;
  actor: Record<string, unknown>;
  ip: string;
  outcome?: { result: string; reason: string | null };
  severity?: string;
  target?: Record<string, unknown>[] | null;
  debugData?: Record<string, unknown>;
  requestUri: string;
}

function event(spec: EventSpec, ...key: (string | number)[]): DemoLogEvent {
  const uuid = uuidOf(spec.eventType, spec.at.getTime(), ...key);
  const requestId = digest('request', uuid).slice(0, 27);
  return {
    uuid,
    published: spec.at,
    body: {
      actor: spec.actor,
      client: {
        userAgent: { rawUserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36', os: 'Mac OS X', browser: 'CHROME' },
        zone: 'null',
        device: 'Computer',
        id: null,
        ipAddress: spec.ip,
        geographicalContext: { city: 'Amsterdam', state: 'North Holland', country: 'Netherlands', postalCode: '1012', geolocation: { lat: 52.3731, lon: 4.8922 } },
      },
      authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, externalSessionId: digest('session', uuid).slice(0, 25) },
      displayMessage: spec.displayMessage,
      eventType: spec.eventType,
      outcome: spec.outcome ?? { result: 'SUCCESS', reason: null },
      published: spec.at.toISOString(),
      securityContext: { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
      severity: spec.severity ?? 'INFO',
      debugContext: { debugData: { requestId, requestUri: spec.requestUri, url: spec.requestUri, ...spec.debugData } },
      legacyEventType: spec.legacyEventType,
      transaction: { type: 'WEB', id: requestId, detail: {} },
      uuid,
      version: '0',
      request: { ipChain: [{ ip: spec.ip, geographicalContext: null, version: 'V4', source: null }] },
      target: spec.target === undefined ? null : spec.target,
    },
  };
}

function signInFailure(a: DemoAccount | { login: string }, at: Date, seq: number): DemoLogEvent {
  const actor = 'account' in a ? who(a) : { id: 'unknown', type: 'User', alternateId: a.login, displayName: 'unknown', detailEntry: null };
  return event(
    {
      at,
      eventType: 'user.session.start',
      legacyEventType: 'core.user_auth.login_failed',
      displayMessage: 'User login to Okta',
      actor,
      ip: `198.51.100.${(seq % 200) + 10}`,
      outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
      severity: 'WARN',
      requestUri: '/idp/idx/identify',
    },
    actor.alternateId,
    seq,
  );
}

function buildLog(org: DemoOrg, accounts: DemoAccount[]): DemoLogEvent[] {
  const events: DemoLogEvent[] = [];
  const admin = accounts[3]!; // a security engineer runs the directory
  const lifecycle = (a: DemoAccount, at: Date, type: string, legacy: string, message: string) =>
    events.push(event({ at, eventType: type, legacyEventType: legacy, displayMessage: message, actor: who(admin), ip: ipOf(admin), target: [who(a)], requestUri: `/api/v1/users/${a.account.id}/lifecycle` }, a.account.id));

  accounts.forEach((a, index) => {
    lifecycle(a, a.account.created, 'user.lifecycle.create', 'core.user.config.user_creation.success', 'Create Okta user');
    lifecycle(a, a.account.activated, 'user.lifecycle.activate', 'core.user.config.user_activated', 'Activate Okta user');
    if (a.account.deactivatedAt) lifecycle(a, a.account.deactivatedAt, 'user.lifecycle.deactivate', 'core.user.config.user_deactivated', 'Deactivate Okta user');
    for (const f of a.factors) {
      if (f.status !== 'ACTIVE') continue;
      events.push(event({ at: f.created, eventType: 'user.mfa.factor.activate', legacyEventType: 'core.user.factor.activate', displayMessage: 'Activate factor or authenticator', actor: who(a), ip: ipOf(a), target: [who(a)], debugData: { factor: f.factorType }, requestUri: '/idp/idx/credential/enroll' }, a.account.id, f.id));
    }
    for (const r of a.roles) {
      const by = r.grantedBy ?? admin;
      events.push(event({ at: r.granted, eventType: 'user.account.privilege.grant', legacyEventType: 'core.user.admin_privilege.granted', displayMessage: 'Grant user privilege', actor: who(by), ip: ipOf(by), target: [who(a)], debugData: { privilegeGranted: r.privilege }, requestUri: `/api/internal/administrators/${a.account.id}` }, a.account.id, r.type));
    }
    const s = a.signIns;
    if (!s) return;
    const typos = index % 11 === 3;
    for (let t = s.first, k = 0; t <= s.end; t += WEEK_MS, k++) {
      const at = new Date(t);
      events.push(event({ at, eventType: 'user.session.start', legacyEventType: 'core.user_auth.login_success', displayMessage: 'User login to Okta', actor: who(a), ip: ipOf(a), requestUri: '/idp/idx/identify' }, a.account.id));
      // Now and then a mistyped password just before signing in.
      if (typos && k % 5 === 2) {
        for (let n = 1 + pick(2, a.account.id, k); n > 0; n--) events.push(signInFailure(a, new Date(t - n * 2 * MINUTE_MS), k * 10 + n));
      }
    }
  });

  // One user has a bad morning: 12 failures 4 minutes apart (at most 4 within any 15 minutes).
  const unlucky = accounts.find((a, i) => i >= 6 && a.person && !a.person.terminationDate && a.account.mfa)!;
  const bad = new Date(org.anchor.getTime() - 9 * DAY_MS + 8 * HOUR_MS);
  for (let n = 0; n < 12; n++) events.push(signInFailure(unlucky, new Date(bad.getTime() + n * 4 * MINUTE_MS), 900 + n));
  // Someone guesses at an admin account that does not exist, an hour apart.
  for (let n = 0; n < 3; n++) events.push(signInFailure({ login: `admin@${DEMO_DOMAIN}` }, new Date(org.anchor.getTime() - 3 * DAY_MS + (2 + n) * HOUR_MS), 950 + n));

  // The MFA enrolment policy is tightened once in the period, and a rule changed later.
  const cto = accounts[1]!;
  const policy = { id: '00pdemoMfaEnroll0000', type: 'PolicyEntity', alternateId: 'MFA Enrollment Policy', displayName: 'MFA Enrollment Policy', detailEntry: { policyType: 'MFA_ENROLL' } };
  events.push(event({ at: new Date(org.periodStart.getTime() + 200 * DAY_MS + 14 * HOUR_MS), eventType: 'policy.lifecycle.update', legacyEventType: 'core.user.policy.update', displayMessage: 'Update policy', actor: who(cto), ip: ipOf(cto), target: [policy], requestUri: '/api/v1/policies/00pdemoMfaEnroll0000' }, 'policy'));
  events.push(event({ at: new Date(org.anchor.getTime() - 30 * DAY_MS + 10 * HOUR_MS), eventType: 'policy.rule.update', legacyEventType: 'core.user.policy.rule.update', displayMessage: 'Update policy rule', actor: who(cto), ip: ipOf(cto), target: [policy, { id: '0prdemoRequireMfa000', type: 'PolicyRule', alternateId: 'Require MFA for everyone', displayName: 'Require MFA for everyone', detailEntry: null }], requestUri: '/api/v1/policies/00pdemoMfaEnroll0000/rules/0prdemoRequireMfa000' }, 'rule'));

  return events.filter((e) => e.published <= org.horizon).sort((x, y) => x.published.getTime() - y.published.getTime() || (x.uuid < y.uuid ? -1 : x.uuid > y.uuid ? 1 : 0));
}
