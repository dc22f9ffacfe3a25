/** API tokens: for scripts and CI. Shown once, stored as SHA-256, read or write, revocable, optionally expiring. */
import { z } from 'zod';
import { tokenScopes, type ApiToken } from '../../core/accounts.ts';
import { defineRoute } from '../http/route.ts';
import { boolParam, dateParam, idParam, isoTime } from '../http/schemas.ts';

const tokenSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the token, to tell tokens apart.'),
  scope: z.enum(tokenScopes),
  createdAt: isoTime(),
  expiresAt: isoTime().nullable(),
  lastUsedAt: isoTime().nullable(),
  revokedAt: isoTime().nullable(),
});

const tokenJson = (t: ApiToken): z.input<typeof tokenSchema> => ({
  id: t.id,
  userId: t.userId,
  name: t.name,
  prefix: t.prefix,
  scope: t.scope,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

const tag = 'tokens';

export const tokenRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/tokens',
    operationId: 'listTokens',
    summary: 'Your API tokens (an admin may list everyone’s with all=true)',
    tag,
    access: 'read',
    query: z.object({ all: boolParam('Every user’s tokens (admins only).').optional() }),
    response: z.array(tokenSchema),
    handler: async ({ ctx, query, principal }) => {
      const all = query.all === true && principal.user.role === 'admin';
      return (await ctx.accounts.listTokens(all ? {} : { userId: principal.user.id })).map(tokenJson);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/tokens',
    operationId: 'createToken',
    summary: 'Create an API token for yourself; the token is in this response only',
    description: 'Send it as `Authorization: Bearer <token>`. A read token can only read; auditors and viewers get read tokens only.',
    tag,
    access: 'account',
    status: 201,
    body: z.object({
      name: z.string().describe('What it is for, e.g. "CI gate".'),
      scope: z.enum(tokenScopes).default('read'),
      expiresAt: dateParam('When it stops working (default: never).').optional(),
    }),
    response: z.object({ token: z.string().describe('Shown once; Vigil keeps only its SHA-256.'), record: tokenSchema }),
    audit: ({ result }) => {
      const r = (result as { record: z.input<typeof tokenSchema> }).record;
      return { action: 'token.create', subject: `token/${r.id}`, details: { name: r.name, scope: r.scope, expiresAt: r.expiresAt } };
    },
    handler: async ({ ctx, body, principal }) => {
      const { token, record } = await ctx.accounts.createToken(principal.user.id, body);
      return { token, record: tokenJson(record) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/tokens/:id',
    operationId: 'revokeToken',
    summary: 'Revoke an API token (your own; an admin may revoke anyone’s)',
    tag,
    access: 'account',
    params: idParam('token'),
    response: tokenSchema,
    audit: ({ params }) => ({ action: 'token.revoke', subject: `token/${params.id}` }),
    handler: async ({ ctx, params, principal }) =>
      tokenJson(await ctx.accounts.revokeToken(params.id, principal.user.role === 'admin' ? undefined : principal.user.id)),
  }),
];
