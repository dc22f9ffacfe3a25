/**
 * Users: every account in the directory with its status, role and MFA enrolment — the population
 * access reviews, MFA checks and leaver checks judge.
 */
import { z } from 'zod';
import { defineResource, paginateLinkHeader, type RunContext } from '../../sdk/index.ts';
import type { AcmePeopleConfig } from '../config.ts';

export const userSchema = z.object({
  id: z.string().describe('Acme People user id (usr_…), stable for the life of the account.'),
  email: z.email().describe('Primary email address; the key used to match the user in other systems.'),
  name: z.string().describe('Display name.'),
  status: z.enum(['active', 'suspended', 'deprovisioned']).describe('Account status; only active users can sign in.'),
  role: z.enum(['admin', 'member']).describe('Directory role; admins can manage users and settings.'),
  mfaEnrolled: z.boolean().describe('Whether the user has at least one MFA factor enrolled.'),
  createdAt: z.iso.datetime().describe('When the account was created (UTC).'),
  lastLoginAt: z.iso.datetime().nullable().describe('Last successful sign-in (UTC); null if the user never signed in.'),
});

/** The provider's shape, as its API reference documents it. */
interface ApiUser {
  id: string;
  email: string;
  display_name: string;
  status: 'active' | 'suspended' | 'deprovisioned';
  role: 'admin' | 'member';
  mfa_enrolled: boolean;
  created_at: string;
  last_login_at: string | null;
}

export const users = defineResource({
  name: 'users',
  description: 'Every user account in the Acme People directory, with status, role and MFA enrolment.',
  schema: userSchema,
  primaryKey: 'id',
  async *list(ctx: RunContext<AcmePeopleConfig>) {
    // Acme People documents its Link header as opaque: follow it, do not build page URLs.
    for await (const page of paginateLinkHeader(ctx.http, '/v1/users', { query: { limit: 200 }, items: (b) => (b as { data: ApiUser[] }).data })) {
      yield page.items.map((u) => ({
        id: u.id,
        email: u.email,
        name: u.display_name,
        status: u.status,
        role: u.role,
        mfaEnrolled: u.mfa_enrolled,
        createdAt: u.created_at,
        lastLoginAt: u.last_login_at,
      }));
    }
  },
});
