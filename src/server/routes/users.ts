/** Users and their roles; admins add people, who choose a password at a one-time invitation link. */
import { z } from 'zod';
import { userRoles, userView, type User } from '../../core/accounts.ts';
import { baseUrl, linkUrl } from '../http/base-url.ts';
import { defineRoute } from '../http/route.ts';
import { idParam, isoTime } from '../http/schemas.ts';

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(userRoles),
  disabled: z.boolean(),
  hasPassword: z.boolean().describe('False until the user has chosen a password at their invitation link.'),
  lastSignInAt: isoTime().nullable(),
  createdAt: isoTime(),
});

/** The documented view of a user (core's userView, typed by the schema above). */
export const userJson = (u: User): z.input<typeof userSchema> => userView(u);

const inviteSchema = z.object({
  url: z.string().describe('The one-time link to send to the person; it carries the token in its fragment.'),
  token: z.string().describe('Shown once; stored only as its SHA-256.'),
  expiresAt: isoTime(),
});

const tag = 'users';

export const userRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/users',
    operationId: 'listUsers',
    summary: 'List users and their roles',
    tag,
    access: 'read:operations',
    response: z.array(userSchema),
    handler: async ({ ctx }) => (await ctx.accounts.list()).map(userJson),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users',
    operationId: 'createUser',
    summary: 'Add a user and get their one-time invitation link (valid 7 days)',
    description: 'No password is set or sent: the person chooses one at the link. Send the link yourself (chat, email).',
    tag,
    access: 'admin',
    status: 201,
    body: z.object({
      email: z.string().describe('Their email; a member owns the controls whose owner is this email.'),
      name: z.string().max(200).optional(),
      role: z.enum(userRoles),
    }),
    response: z.object({ user: userSchema, invite: inviteSchema }),
    audit: ({ result }) => {
      const r = result as { user: { id: string; email: string; role: string } };
      return { action: 'user.create', subject: `user/${r.user.id}`, details: { email: r.user.email, role: r.user.role } };
    },
    handler: async ({ ctx, c, body, principal }) => {
      const { user, invite } = await ctx.accounts.create(body, principal.user.id);
      return { user: userJson(user), invite: { url: linkUrl(baseUrl(ctx, c), 'invite', invite.token), token: invite.token, expiresAt: invite.expiresAt.toISOString() } };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/users/:id',
    operationId: 'updateUser',
    summary: "Change a user's name or role, or disable or enable them",
    description: 'Disabling ends their sessions; their API tokens stop working while disabled. The last admin cannot be demoted or disabled.',
    tag,
    access: 'admin',
    params: idParam('user'),
    body: z.object({ name: z.string().max(200).optional(), role: z.enum(userRoles).optional(), disabled: z.boolean().optional() }),
    response: userSchema,
    audit: ({ params, body }) => ({ action: 'user.update', subject: `user/${params.id}`, details: body }),
    handler: async ({ ctx, params, body }) => userJson(await ctx.accounts.update(params.id, body)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users/:id/invitation',
    operationId: 'inviteUser',
    summary: 'A new invitation link for a user (also resets a forgotten password); older links stop working',
    tag,
    access: 'admin',
    params: idParam('user'),
    response: z.object({ user: userSchema, invite: inviteSchema }),
    audit: ({ params }) => ({ action: 'user.invite', subject: `user/${params.id}` }),
    handler: async ({ ctx, c, params, principal }) => {
      const { user, invite } = await ctx.accounts.invite(params.id, principal.user.id);
      return { user: userJson(user), invite: { url: linkUrl(baseUrl(ctx, c), 'invite', invite.token), token: invite.token, expiresAt: invite.expiresAt.toISOString() } };
    },
  }),
];
