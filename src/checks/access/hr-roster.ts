/**
 * What the joiner, leaver and orphan-account checks share: the HR roster (from every HR source,
 * merged per person by work email), the identity provider's accounts and the code host's members,
 * each linked back to its stored row so a result can name the evidence it was judged on — and the
 * one rule for what an HR date means in time.
 *
 * How people are linked across systems:
 * - HR ↔ Okta: the HR work email equals the Okta login or the Okta primary email (case-insensitive).
 * - HR ↔ GitHub: GitHub gives no member emails, so a login is linked to a person by (1) the SAML
 *   single sign-on identity GitHub reports for the member (its NameID is the IdP login, usually
 *   the work email), (2) a GitHub username column in the HR export, or (3) the leaver check's
 *   `githubLogins` parameter (login → work email) for anyone else.
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import type { InputReader, ResourceInput } from '../sdk/inputs.ts';
import { OKTA_USERS, showTime, type Stored } from './okta-rows.ts';

// The Okta checks' time format, so every access reason reads alike.
export { OKTA_USERS, showTime, type Stored } from './okta-rows.ts';

/** HR resource types, in order of preference when two sources know the same person. */
export const HR_TYPES = ['bamboohr.employees', 'hris-csv.employees'] as const;
export const GITHUB_MEMBERS = 'github.members';
export const GITHUB_AUDIT_LOG = 'github.audit-log';

/** Okta statuses in which nobody can sign in: the account is switched off. */
export const DEACTIVATED_STATUSES: ReadonlySet<string> = new Set(['DEPROVISIONED', 'SUSPENDED']);

const hrRowSchema = z.object({
  email: z.string().nullable(),
  name: z.string(),
  startDate: z.string().nullable(),
  terminationDate: z.string().nullable(),
  githubLogin: z.string().nullable().optional(),
});

const oktaRowSchema = z.object({
  id: z.string(),
  login: z.string(),
  email: z.string().nullable(),
  status: z.string(),
  created: z.string(),
  statusChanged: z.string().nullable(),
  lastLogin: z.string().nullable().optional(),
});

const githubMemberSchema = z.object({
  login: z.string(),
  email: z.string().nullable().optional(),
});

const githubAuditSchema = z.object({ action: z.string(), user: z.string().nullable() });

export interface HrPerson extends Stored {
  /** Lower-cased work email; null when HR has none (BambooHR allows that). */
  email: string | null;
  name: string;
  startDate: string | null;
  terminationDate: string | null;
  githubLogin: string | null;
}

export interface OktaAccount extends Stored {
  id: string;
  login: string;
  email: string | null;
  status: string;
  created: Date;
  statusChanged: Date | null;
  lastLogin: Date | null;
}

export interface GithubMember extends Stored {
  login: string;
  email: string | null;
}

const evidenceOf = (r: ResourceInput) => (r.evidenceId ? [r.evidenceId] : []);
const stored = (r: ResourceInput): Stored => ({ resource: `${r.type}/${r.key}`, source: r.source, evidence: evidenceOf(r) });

function parse<T>(schema: z.ZodType<T>, row: ResourceInput): T {
  const result = schema.safeParse(row.data);
  if (result.success) return result.data;
  // A stored row of another shape means a connector changed: the check must not guess.
  throw new Error(`stored ${row.type} row ${row.key} does not have the fields this check reads: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

const date = (s: string | null | undefined) => (s ? new Date(s) : null);

/**
 * Everyone HR knows, from every HR source, one entry per work email. When two sources know the
 * same person, BambooHR's record names the result and each field comes from the first source that
 * has it. People without an email cannot be merged and are listed on their own.
 */
export async function readHrRoster(inputs: InputReader): Promise<HrPerson[]> {
  const byEmail = new Map<string, HrPerson>();
  const withoutEmail: HrPerson[] = [];
  for (const type of HR_TYPES) {
    for (const row of await inputs.resources(type)) {
      const r = parse(hrRowSchema, row);
      const email = r.email?.trim().toLowerCase() || null;
      const found = email ? byEmail.get(email) : undefined;
      if (found) {
        found.startDate ??= r.startDate;
        found.terminationDate ??= r.terminationDate;
        found.githubLogin ??= r.githubLogin ?? null;
        found.evidence.push(...evidenceOf(row));
        continue;
      }
      const person: HrPerson = { ...stored(row), email, name: r.name, startDate: r.startDate, terminationDate: r.terminationDate, githubLogin: r.githubLogin ?? null };
      if (email) byEmail.set(email, person);
      else withoutEmail.push(person);
    }
  }
  return [...byEmail.values(), ...withoutEmail];
}

/** Thrown when there is no HR record at all: the engine reports the check as `error`, never a pass. */
export function requireRoster(people: readonly HrPerson[], checkId: string): void {
  if (people.length === 0) {
    throw new Error(
      `${checkId} needs the HR roster, and no HR record is stored: add a bamboohr or hris-csv source to vigil.yaml (an HR system with no employees is never real)`,
    );
  }
}

export async function readOktaAccounts(inputs: InputReader): Promise<OktaAccount[]> {
  return (await inputs.resources(OKTA_USERS)).map((row) => {
    const u = parse(oktaRowSchema, row);
    return {
      ...stored(row),
      id: u.id,
      login: u.login,
      email: u.email,
      status: u.status,
      created: new Date(u.created),
      statusChanged: date(u.statusChanged),
      lastLogin: date(u.lastLogin),
    };
  });
}

export async function readGithubMembers(inputs: InputReader): Promise<GithubMember[]> {
  return (await inputs.resources(GITHUB_MEMBERS)).map((row) => {
    const m = parse(githubMemberSchema, row);
    return { ...stored(row), login: m.login, email: m.email?.toLowerCase() ?? null };
  });
}

/** Lower-cased login → times GitHub's audit log recorded it being removed from the organization. */
export async function readGithubRemovals(inputs: InputReader, since: Date): Promise<Map<string, { at: Date; evidence: string[] }[]>> {
  const out = new Map<string, { at: Date; evidence: string[] }[]>();
  for (const e of await inputs.events(GITHUB_AUDIT_LOG, { since })) {
    const data = githubAuditSchema.safeParse(e.data);
    if (!data.success) throw new Error(`stored ${GITHUB_AUDIT_LOG} event ${e.key} has no action or user field; collect the GitHub source again`);
    if (data.data.action !== 'org.remove_member' || !data.data.user) continue;
    const login = data.data.user.toLowerCase();
    out.set(login, [...(out.get(login) ?? []), { at: e.occurredAt, evidence: e.evidenceId ? [e.evidenceId] : [] }]);
  }
  return out;
}

/** Accounts by every lower-cased identifier they answer to (login and email). */
export function indexAccounts(accounts: readonly OktaAccount[]): Map<string, OktaAccount[]> {
  const index = new Map<string, OktaAccount[]>();
  for (const a of accounts) {
    for (const id of new Set([a.login.toLowerCase(), a.email?.toLowerCase()].filter((x): x is string => !!x))) {
      index.set(id, [...(index.get(id) ?? []), a]);
    }
  }
  return index;
}

export const isDateOnly = (value: string) => value.length === 10;

/**
 * When employment ended. HR often records only the last day; the person works that day, so a
 * date-only termination counts from the end of it (00:00 UTC the next day). A date-time counts
 * from itself.
 */
export function terminationTime(value: string): Date {
  const t = new Date(isDateOnly(value) ? `${value}T00:00:00.000Z` : value);
  return isDateOnly(value) ? new Date(t.getTime() + DAY_MS) : t;
}

/** When employment began: the start of the first day (00:00 UTC), or the date-time given. */
export function startTime(value: string): Date {
  return new Date(isDateOnly(value) ? `${value}T00:00:00.000Z` : value);
}

/** A span as a person reads it, to its two largest units: `3 d 18 h`, `1 d 1 min`, `5 h 20 min`, `40 min`. */
export function formatSpan(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const units = [
    [Math.floor(minutes / 1440), 'd'],
    [Math.floor((minutes % 1440) / 60), 'h'],
    [minutes % 60, 'min'],
  ] as const;
  const shown = units.filter(([n]) => n > 0).slice(0, 2);
  return shown.length ? shown.map(([n, u]) => `${n} ${u}`).join(' ') : '0 min';
}

/** An HR date as a reason shows it: a day as written, a date-time to the minute. */
export const showHrDate = (value: string) => (isDateOnly(value) ? value : showTime(new Date(value)));
