/**
 * Users: every account in the Okta org with its lifecycle dates — the population MFA, inactivity,
 * leaver and joiner checks judge. Okta's list omits DEPROVISIONED users unless a search or filter
 * is given, so a second listing searches for them: leavers are the point of an access audit.
 */
import { z } from 'zod';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import { oktaPages, type ApiUser } from '../api.ts';
import type { OktaConfig } from '../config.ts';

const when = (what: string) => z.iso.datetime().nullable().describe(what);

export const userSchema = z.object({
  id: z.string().describe('Okta user id (00u…), stable for the life of the account.'),
  login: z.string().describe('Okta username (profile.login), usually the work email address.'),
  email: z.string().describe('Primary email address (profile.email): the key used to match the person in HR and other systems.'),
  firstName: z.string().nullable().describe('Given name (profile.firstName).'),
  lastName: z.string().nullable().describe('Family name (profile.lastName).'),
  department: z.string().nullable().describe('Department (profile.department), when the org keeps it.'),
  status: z
    .string()
    .describe(
      'Okta lifecycle status: STAGED, PROVISIONED (activated, no credentials yet), ACTIVE, RECOVERY, PASSWORD_EXPIRED, LOCKED_OUT, SUSPENDED or DEPROVISIONED (deactivated).',
    ),
  created: z.iso.datetime().describe('When the account was created (UTC).'),
  activated: when('When the account was activated (UTC); null if it never was.'),
  statusChanged: when('When the status last changed (UTC); null if it never changed since creation.'),
  deactivated: when('When the account was deactivated (UTC): statusChanged of a DEPROVISIONED user; null for every other status.'),
  lastLogin: when('Last successful sign-in (UTC); null if the user never signed in.'),
  lastUpdated: z.iso.datetime().describe('When the account or its profile last changed (UTC).'),
  passwordChanged: when('When the password was last set (UTC); null if the account has no Okta password.'),
});

export type OktaUserRow = z.output<typeof userSchema>;

export function toUserRow(u: ApiUser): OktaUserRow {
  return {
    id: u.id,
    login: u.profile.login,
    email: u.profile.email,
    firstName: u.profile.firstName ?? null,
    lastName: u.profile.lastName ?? null,
    department: u.profile.department ?? null,
    status: u.status,
    created: u.created,
    activated: u.activated ?? null,
    statusChanged: u.statusChanged ?? null,
    deactivated: u.status === 'DEPROVISIONED' ? (u.statusChanged ?? null) : null,
    lastLogin: u.lastLogin ?? null,
    lastUpdated: u.lastUpdated,
    passwordChanged: u.passwordChanged ?? null,
  };
}

/** The documented search expression that returns the deactivated users the plain list leaves out. */
export const DEPROVISIONED_SEARCH = 'status eq "DEPROVISIONED"';

/** Users Okta lists by default: every status but DEPROVISIONED. The factors and roles listings walk these. */
export function listCurrentUsers(ctx: RunContext<OktaConfig>): AsyncGenerator<ApiUser[]> {
  return oktaPages<ApiUser>(ctx, '/api/v1/users', { limit: ctx.config.pageSize });
}

export const users = defineResource({
  name: 'users',
  description: 'Every user account in the Okta org, DEPROVISIONED ones included, with status and lifecycle dates.',
  schema: userSchema,
  primaryKey: 'id',
  async *list(ctx: RunContext<OktaConfig>) {
    // A user deactivated between the two listings would appear in both; keep the first.
    const seen = new Set<string>();
    const fresh = (page: ApiUser[]) => page.filter((u) => !seen.has(u.id) && seen.add(u.id));
    for await (const page of listCurrentUsers(ctx)) yield fresh(page).map(toUserRow);
    for await (const page of oktaPages<ApiUser>(ctx, '/api/v1/users', { search: DEPROVISIONED_SEARCH, limit: ctx.config.pageSize })) {
      // A server that ignores the search would return everyone again: keep only what was asked for.
      yield fresh(page.filter((u) => u.status === 'DEPROVISIONED')).map(toUserRow);
    }
  },
});
