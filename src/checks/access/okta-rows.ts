/**
 * What the Okta identity checks (mfa-idp, inactive-accounts, privileged-idp, failed-signin-burst,
 * admin-grant-events) read from the stored Okta rows: users, factors, admin roles, groups and the
 * System Log, each linked to its stored row so a result names the evidence it was judged on — and
 * the two rules they share: which accounts can sign in, and which factors make MFA.
 */
import { z } from 'zod';
import type { EventInput, InputReader, ResourceInput } from '../sdk/inputs.ts';

export const OKTA_USERS = 'okta.users';
export const OKTA_FACTORS = 'okta.factors';
export const OKTA_ADMIN_ROLES = 'okta.admin-roles';
export const OKTA_GROUPS = 'okta.groups';
export const OKTA_SYSTEM_LOG = 'okta.system-log';

/**
 * Okta statuses of an account that can sign in (or will, once it resets its password or is
 * unlocked): the population the MFA and inactivity checks judge. STAGED and PROVISIONED accounts
 * have never had credentials; SUSPENDED and DEPROVISIONED ones are switched off.
 */
export const SIGN_IN_STATUSES: ReadonlySet<string> = new Set(['ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT']);

/** The `weakFactorTypes` parameter the MFA-aware checks share. */
export const weakFactorTypes = z
  .array(z.string())
  .default(['question'])
  .describe('Okta factor types that do not count as a second factor (default: the security question, which is something the user knows, like the password).');

const userRow = z.object({
  id: z.string(),
  login: z.string(),
  status: z.string(),
  created: z.string(),
  activated: z.string().nullable(),
  lastLogin: z.string().nullable(),
});
const factorRow = z.object({ id: z.string(), userId: z.string(), factorType: z.string(), status: z.string() });
const roleRow = z.object({ id: z.string(), userId: z.string(), userLogin: z.string(), type: z.string(), label: z.string(), status: z.string(), assignmentType: z.string() });
const groupRow = z.object({ id: z.string(), name: z.string(), memberIds: z.array(z.string()) });
const logRow = z.object({
  uuid: z.string(),
  published: z.string(),
  eventType: z.string(),
  outcomeResult: z.string().nullable(),
  actorId: z.string(),
  actorAlternateId: z.string().nullable(),
  actorDisplayName: z.string().nullable(),
  clientIpAddress: z.string().nullable(),
  targets: z.array(z.object({ id: z.string(), type: z.string(), alternateId: z.string().nullable(), displayName: z.string().nullable() })),
  debugData: z.record(z.string(), z.unknown()).nullable(),
});

/** Where a judged thing is stored: its result id, source and evidence. */
export interface Stored {
  resource: string;
  source: string;
  evidence: string[];
}

export type OktaUser = z.infer<typeof userRow> & Stored;
export type OktaFactor = z.infer<typeof factorRow> & Stored;
export type OktaRole = z.infer<typeof roleRow> & Stored;
export type OktaGroup = z.infer<typeof groupRow> & Stored;
export type OktaLogEvent = z.infer<typeof logRow> & { at: Date; source: string; evidence: string[] };

const evidenceOf = (r: { evidenceId: string | null }) => (r.evidenceId ? [r.evidenceId] : []);

function parse<T>(schema: z.ZodType<T>, row: ResourceInput | EventInput, what: string): T {
  const result = schema.safeParse(row.data);
  if (result.success) return result.data;
  // A stored row of another shape means the connector changed: the check must not guess.
  throw new Error(`stored ${what} row ${row.key} does not have the fields this check reads (${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); collect the Okta source again`);
}

async function read<T>(inputs: InputReader, type: string, schema: z.ZodType<T>): Promise<(T & Stored)[]> {
  return (await inputs.resources(type)).map((r) => ({ ...parse(schema, r, type), resource: `${type}/${r.key}`, source: r.source, evidence: evidenceOf(r) }));
}

export const readOktaUsers = (inputs: InputReader): Promise<OktaUser[]> => read(inputs, OKTA_USERS, userRow);
export const readOktaFactors = (inputs: InputReader): Promise<OktaFactor[]> => read(inputs, OKTA_FACTORS, factorRow);
export const readOktaRoles = (inputs: InputReader): Promise<OktaRole[]> => read(inputs, OKTA_ADMIN_ROLES, roleRow);
export const readOktaGroups = (inputs: InputReader): Promise<OktaGroup[]> => read(inputs, OKTA_GROUPS, groupRow);

export async function readOktaLog(inputs: InputReader, since: Date, until?: Date): Promise<OktaLogEvent[]> {
  const rows = await inputs.events(OKTA_SYSTEM_LOG, until ? { since, until } : { since });
  return rows.map((e) => ({ ...parse(logRow, e, OKTA_SYSTEM_LOG), at: e.occurredAt, source: e.source, evidence: evidenceOf(e) }));
}

/** Users and groups are per source (one Okta org each): ids are looked up within their source. */
export const inSource = (source: string, id: string) => `${source}\u0000${id}`;

export interface MfaState {
  /** Active factors that count as a second factor. */
  strong: OktaFactor[];
  /** Every factor the user has, for the reason and the evidence. */
  all: OktaFactor[];
}

/** Each user's factors, by `inSource(source, userId)`. */
export function mfaByUser(factors: readonly OktaFactor[], weak: readonly string[]): Map<string, MfaState> {
  const out = new Map<string, MfaState>();
  for (const f of factors) {
    const key = inSource(f.source, f.userId);
    const state = out.get(key) ?? { strong: [], all: [] };
    state.all.push(f);
    if (f.status === 'ACTIVE' && !weak.includes(f.factorType)) state.strong.push(f);
    out.set(key, state);
  }
  return out;
}

/** "push, webauthn" — or what the user has instead, in words. */
export function describeFactors(state: MfaState | undefined, weak: readonly string[]): string {
  if (!state || state.all.length === 0) return 'no factor enrolled';
  if (state.strong.length) return `active ${state.strong.map((f) => f.factorType).join(', ')}`;
  return state.all
    .map((f) => (f.status !== 'ACTIVE' ? `${f.factorType} (${f.status})` : weak.includes(f.factorType) ? `${f.factorType} (does not count as a second factor)` : f.factorType))
    .join(', ');
}

/** An ISO instant shortened to the minute, for reasons. */
export const showTime = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
