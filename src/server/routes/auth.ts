/**
 * Signing in: the first admin's setup link, sign-in and sign-out, invitations, password change.
 * A successful sign-in sets the HttpOnly session cookie and the CSRF cookie, and returns the CSRF
 * token too; the dashboard sends it back in X-CSRF-Token with every change.
 */
import { z } from 'zod';
import { permissionNames, roleHas } from '../auth/permissions.ts';
import { clearSessionCookies, clientIp, setSessionCookies } from '../auth/session.ts';
import { defineRoute } from '../http/route.ts';
import { isoTime } from '../http/schemas.ts';
import { userJson, userSchema } from './users.ts';

const tag = 'auth';
const signedIn = z.object({ user: userSchema, csrfToken: z.string().describe('Send this in the X-CSRF-Token header with every change.') });
const token = z.string().min(10).max(200).describe('The token from the link (its #token= fragment).');

export const authRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/auth/session',
    operationId: 'getSession',
    summary: 'Who is signed in, and whether Vigil still waits for its first admin',
    tag,
    access: 'public',
    response: z.object({
      setupRequired: z.boolean().describe('True until the first admin has chosen a password at the setup link printed by `vigil start`.'),
      user: userSchema.nullable(),
      via: z.enum(['session', 'token']).nullable(),
      permissions: z.array(z.enum(permissionNames as [string, ...string[]])).describe('What the signed-in user may do.'),
    }),
    handler: async ({ ctx, principal }) => ({
      setupRequired: await ctx.accounts.needsSetup(),
      user: principal ? userJson(principal.user) : null,
      via: principal?.via ?? null,
      permissions: principal ? permissionNames.filter((p) => roleHas(principal.user.role, p)) : [],
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/links/inspect',
    operationId: 'inspectLink',
    summary: 'What a setup or invitation link is for (so the page can greet the person)',
    tag,
    access: 'public',
    safe: true,
    body: z.object({ token }),
    response: z.object({ purpose: z.enum(['setup', 'invite']), email: z.string().nullable(), name: z.string().nullable(), expiresAt: isoTime() }),
    handler: async ({ ctx, body }) => {
      const l = await ctx.accounts.inspectLink(body.token);
      return { ...l, expiresAt: l.expiresAt.toISOString() };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/setup',
    operationId: 'completeSetup',
    summary: 'Create the first admin at the one-time setup link, and sign them in',
    tag,
    access: 'public',
    body: z.object({ token, email: z.string(), name: z.string().max(200).default(''), password: z.string().describe('At least 12 characters.') }),
    response: signedIn,
    audit: ({ result }) => ({ action: 'auth.setup', subject: `user/${(result as { user: { id: string } }).user.id}` }),
    handler: async ({ ctx, c, body }) => {
      const user = await ctx.accounts.completeSetup(body.token, body);
      const s = await ctx.accounts.createSession(user.id, { ip: clientIp(ctx, c), userAgent: c.req.header('user-agent') });
      c.set('actor', user);
      setSessionCookies(ctx, c, s);
      return { user: userJson(user), csrfToken: s.csrfToken };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/sign-in',
    operationId: 'signIn',
    summary: 'Sign in with email and password',
    description: 'Rate limited: after 5 failures for an account, or 20 from an address, within 15 minutes, answers 429 with Retry-After.',
    tag,
    access: 'public',
    body: z.object({ email: z.string().max(254), password: z.string().max(1024) }),
    response: signedIn,
    audit: ({ result }) => ({ action: 'auth.sign_in', subject: `user/${(result as { user: { id: string } }).user.id}` }),
    handler: async ({ ctx, c, body }) => {
      const s = await ctx.accounts.signIn({ ...body, ip: clientIp(ctx, c), userAgent: c.req.header('user-agent') });
      c.set('actor', s.user);
      setSessionCookies(ctx, c, s);
      return { user: userJson(s.user), csrfToken: s.csrfToken };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/sign-out',
    operationId: 'signOut',
    summary: 'End this session',
    tag,
    access: 'account',
    response: z.object({ ok: z.literal(true) }),
    audit: () => ({ action: 'auth.sign_out', subject: 'session' }),
    handler: async ({ ctx, c, principal }) => {
      if (principal.session) await ctx.accounts.signOut(principal.session.id);
      clearSessionCookies(c);
      return { ok: true as const };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/invitations/accept',
    operationId: 'acceptInvitation',
    summary: 'Choose a password at an invitation link, and sign in',
    tag,
    access: 'public',
    body: z.object({ token, password: z.string().describe('At least 12 characters.'), name: z.string().max(200).optional() }),
    response: signedIn,
    audit: ({ result }) => ({ action: 'auth.accept_invitation', subject: `user/${(result as { user: { id: string } }).user.id}` }),
    handler: async ({ ctx, c, body }) => {
      const user = await ctx.accounts.acceptInvite(body.token, body);
      const s = await ctx.accounts.createSession(user.id, { ip: clientIp(ctx, c), userAgent: c.req.header('user-agent') });
      c.set('actor', user);
      setSessionCookies(ctx, c, s);
      return { user: userJson(user), csrfToken: s.csrfToken };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/auth/password',
    operationId: 'changePassword',
    summary: 'Change your password (other sessions are signed out)',
    tag,
    access: 'account',
    body: z.object({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024) }),
    response: z.object({ ok: z.literal(true) }),
    audit: () => ({ action: 'auth.password_change', subject: 'self' }),
    handler: async ({ ctx, body, principal }) => {
      await ctx.accounts.changePassword(principal.user.id, body.currentPassword, body.newPassword, principal.session?.id);
      return { ok: true as const };
    },
  }),
];
