/**
 * Organization members with their role, two-factor status and the identity they signed in with
 * through SAML single sign-on — the population the code-host MFA check judges, and what links a
 * GitHub login to a person in HR (GitHub does not give members' emails otherwise).
 *
 * Two-factor status is only visible to organization owners (the `2fa_disabled` filter). When the
 * token cannot use it, every row says `null` — never "enabled" — and the gap is recorded.
 */
import { z } from 'zod';
import { defineResource } from '../../sdk/index.ts';
import { githubPages, orgPath, providerAnswer, type ApiUser, type Ctx } from '../api.ts';
import { samlIdentities } from '../saml.ts';

export const memberSchema = z.object({
  login: z.string().describe('GitHub login (username).'),
  id: z.number().int().describe('GitHub user id; stays the same when the login is renamed.'),
  role: z.enum(['admin', 'member']).describe('Organization role: admin means organization owner.'),
  twoFactorEnabled: z
    .boolean()
    .nullable()
    .describe('Whether the member has two-factor authentication on; null when the token is not an organization owner and GitHub does not say.'),
  email: z
    .string()
    .nullable()
    .describe("The member's SAML single sign-on identity (NameID, usually the work email) — the link to the person in HR and the identity provider; null without SAML SSO or a linked identity."),
  siteAdmin: z.boolean().describe('Whether the account is a site administrator (GitHub staff on github.com; instance admins on GitHub Enterprise Server).'),
});

/** Logins without two-factor, or null (with the gap recorded) when GitHub will not say. */
export async function twoFactorDisabled(ctx: Ctx, path: string, what: string): Promise<Set<string> | null> {
  const logins = new Set<string>();
  try {
    for await (const page of githubPages<ApiUser>(ctx, path, { filter: '2fa_disabled' })) for (const u of page.items) logins.add(u.login);
    return logins;
  } catch (e) {
    const answer = providerAnswer(e);
    // Non-owners are refused the filter (403, or 422 "Only owners can use this filter").
    if (answer && (answer.status === 403 || answer.status === 422)) {
      ctx.permissionMissing(what, `the 2fa_disabled filter needs an organization owner's token: ${answer.message}`);
      return null;
    }
    throw e;
  }
}

export const members = defineResource({
  name: 'members',
  description: 'Every organization member with role, two-factor status and SAML identity.',
  schema: memberSchema,
  primaryKey: 'login',
  async *list(ctx: Ctx) {
    const byRole: { user: ApiUser; role: 'admin' | 'member' }[] = [];
    for (const role of ['admin', 'member'] as const) {
      for await (const page of githubPages<ApiUser>(ctx, orgPath(ctx, '/members'), { role })) for (const user of page.items) byRole.push({ user, role });
    }
    const without2fa = await twoFactorDisabled(ctx, orgPath(ctx, '/members'), 'github.members.two-factor');
    const emails = await samlIdentities(ctx);
    yield byRole.map(({ user, role }) => ({
      login: user.login,
      id: user.id,
      role,
      twoFactorEnabled: without2fa === null ? null : !without2fa.has(user.login),
      email: emails.get(user.login.toLowerCase()) ?? null,
      siteAdmin: user.site_admin ?? false,
    }));
  },
});
