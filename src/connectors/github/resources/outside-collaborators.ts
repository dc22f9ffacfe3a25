/**
 * Outside collaborators: people with access to some of the organization's repositories without
 * being members (contractors, vendors). They can push and approve code too, so they are judged
 * for two-factor like members.
 */
import { z } from 'zod';
import { defineResource } from '../../sdk/index.ts';
import { githubPages, orgPath, type ApiUser, type Ctx } from '../api.ts';
import { twoFactorDisabled } from './members.ts';

export const outsideCollaboratorSchema = z.object({
  login: z.string().describe('GitHub login (username).'),
  id: z.number().int().describe('GitHub user id; stays the same when the login is renamed.'),
  twoFactorEnabled: z
    .boolean()
    .nullable()
    .describe('Whether the collaborator has two-factor authentication on; null when the token is not an organization owner and GitHub does not say.'),
});

export const outsideCollaborators = defineResource({
  name: 'outside-collaborators',
  description: 'Every outside collaborator of the organization, with two-factor status.',
  schema: outsideCollaboratorSchema,
  primaryKey: 'login',
  async *list(ctx: Ctx) {
    const users: ApiUser[] = [];
    for await (const page of githubPages<ApiUser>(ctx, orgPath(ctx, '/outside_collaborators'))) users.push(...page.items);
    const without2fa = await twoFactorDisabled(ctx, orgPath(ctx, '/outside_collaborators'), 'github.outside-collaborators.two-factor');
    yield users.map((u) => ({ login: u.login, id: u.id, twoFactorEnabled: without2fa === null ? null : !without2fa.has(u.login) }));
  },
});
