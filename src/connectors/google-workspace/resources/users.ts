/**
 * Users: every account of the Workspace customer, suspended and archived ones included (the list
 * returns them all), with the 2-Step Verification state, admin flags and sign-in dates the MFA,
 * privileged-access and inactivity checks judge. `projection=full` asks for every documented field.
 */
import { z } from 'zod';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import { googlePages } from '../api.ts';
import type { GoogleWorkspaceConfig } from '../config.ts';

export const USERS_PATH = '/admin/directory/v1/users';

/** Google's lastLoginTime for an account that never signed in. */
const NEVER = '1970-01-01T00:00:00.000Z';

export const userSchema = z.object({
  id: z.string().describe('Google’s immutable user id.'),
  primaryEmail: z.string().describe('The primary email address: the sign-in name, and the key to match the person in HR and other systems.'),
  fullName: z.string().nullable().describe('Full name (name.fullName).'),
  orgUnitPath: z.string().describe('The organizational unit the user is in, e.g. / or /Engineering; policies such as 2SV enforcement are set per unit.'),
  suspended: z.boolean().describe('Whether the account is suspended (cannot sign in).'),
  suspensionReason: z.string().nullable().describe('Why it is suspended, e.g. ADMIN, WEB_LOGIN_REQUIRED, UNDER13, ABUSE; null when it is not.'),
  archived: z.boolean().describe('Whether the account is archived (kept for its data, cannot sign in).'),
  isAdmin: z.boolean().describe('Whether the user has the super administrator role.'),
  isDelegatedAdmin: z.boolean().describe('Whether the user holds a delegated (non-super) administrator role.'),
  isEnrolledIn2Sv: z.boolean().describe('Whether the user has enrolled in 2-Step Verification.'),
  isEnforcedIn2Sv: z.boolean().describe('Whether 2-Step Verification is enforced for the user (by the policy of their organizational unit or group).'),
  creationTime: z.iso.datetime().describe('When the account was created (UTC).'),
  lastLoginTime: z.iso.datetime().nullable().describe('Last sign-in (UTC); null if the user never signed in.'),
  agreedToTerms: z.boolean().describe('Whether the user has signed in once and accepted the terms of service.'),
});

export type GoogleUserRow = z.output<typeof userSchema>;

/** The fields of Google's User resource this connector reads. */
export interface ApiUser {
  id: string;
  primaryEmail: string;
  name?: { fullName?: string | null; givenName?: string; familyName?: string } | null;
  orgUnitPath?: string;
  suspended?: boolean;
  suspensionReason?: string;
  archived?: boolean;
  isAdmin?: boolean;
  isDelegatedAdmin?: boolean;
  isEnrolledIn2Sv?: boolean;
  isEnforcedIn2Sv?: boolean;
  creationTime: string;
  lastLoginTime?: string;
  agreedToTerms?: boolean;
}

export function toUserRow(u: ApiUser): GoogleUserRow {
  const fullName = u.name?.fullName ?? ([u.name?.givenName, u.name?.familyName].filter(Boolean).join(' ') || null);
  return {
    id: u.id,
    primaryEmail: u.primaryEmail,
    fullName,
    orgUnitPath: u.orgUnitPath ?? '/',
    suspended: u.suspended === true,
    suspensionReason: u.suspended === true ? (u.suspensionReason ?? null) : null,
    archived: u.archived === true,
    isAdmin: u.isAdmin === true,
    isDelegatedAdmin: u.isDelegatedAdmin === true,
    // Google leaves false flags out of some answers: absent is not enrolled, never "unknown".
    isEnrolledIn2Sv: u.isEnrolledIn2Sv === true,
    isEnforcedIn2Sv: u.isEnforcedIn2Sv === true,
    creationTime: u.creationTime,
    lastLoginTime: !u.lastLoginTime || u.lastLoginTime === NEVER ? null : u.lastLoginTime,
    agreedToTerms: u.agreedToTerms === true,
  };
}

export const users = defineResource({
  name: 'users',
  description: 'Every user account of the Google Workspace customer, suspended and archived ones included, with 2-Step Verification state and admin flags.',
  schema: userSchema,
  primaryKey: 'id',
  async *list(ctx: RunContext<GoogleWorkspaceConfig>) {
    const query = { customer: ctx.config.customer, maxResults: ctx.config.pageSize, projection: 'full' };
    for await (const page of googlePages<ApiUser>(ctx, USERS_PATH, 'users', query)) yield page.map(toUserRow);
  },
});
