/**
 * Signing in: the first admin's setup link, sign-in and sign-out, invitations, password change.
 * A successful sign-in sets the HttpOnly session cookie and the CSRF cookie, and returns the CSRF
 * token too; the dashboard sends it back in X-CSRF-Token with every change.
 */
import { z } from 'zod';
import { permissionNames, roleHas } from '../auth/permissions.ts';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isVigilError, VigilError } from '../../lib/errors.ts';
import { recordAction } from '../audit.ts';
import { decodePending, encodePending, safeReturnTo } from '../auth/oidc.ts';
import { clearSessionCookies, clientIp, isSecure, setSessionCookies } from '../auth/session.ts';
import type { Env, ServerContext } from '../context.ts';
import type { Context } from 'hono';
import type { User } from '../../core/accounts.ts';
import { defineRoute } from '../http/route.ts';
import { isoTime } from '../http/schemas.ts';
import { userJson, userSchema } from './users.ts';

const tag = 'auth';
const OIDC_COOKIE = 'vigil_oidc';
const OIDC_PATH = '/api/v1/auth/oidc';

/** The redirect URI registered at the provider: under server.publicUrl, else this request's origin. */
function redirectUri(ctx: ServerContext, c: Context<Env>): string {
  const base = ctx.app.loaded.config.server.publicUrl ?? new URL(c.req.url).origin;
  return `${base.replace(/\/+$/, '')}${OIDC_PATH}/callback`;
}

/** Sign in someone who just proved who they are at a one-time link: a session, its cookies, the answer. */
async function startSession(ctx: ServerContext, c: Context<Env>, user: User) {
  const s = await ctx.accounts.createSession(user.id, { ip: clientIp(ctx, c), userAgent: c.req.header('user-agent') });
  c.set('actor', user);
  setSessionCookies(ctx, c, s);
  return { user: userJson(user), csrfToken: s.csrfToken };
}

function oidcOf(ctx: ServerContext) {
  if (!ctx.oidc) throw new VigilError('NotFound', 'sign-in with OpenID Connect is not configured', { hint: 'set server.oidc in vigil.yaml (see docs/api.md)' });
  return ctx.oidc;
}
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
      oidc: z
        .object({ label: z.string(), startUrl: z.string() })
        .nullable()
        .describe('Sign-in with OpenID Connect, when configured: show "Sign in with <label>" linking to startUrl.'),
    }),
    handler: async ({ ctx, principal }) => ({
      oidc: ctx.oidc ? { label: ctx.oidc.label, startUrl: `${OIDC_PATH}/start` } : null,
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
      return startSession(ctx, c, await ctx.accounts.completeSetup(body.token, body));
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
    method: 'get',
    path: `${OIDC_PATH}/start`,
    operationId: 'startOidcSignIn',
    summary: 'Sign in with OpenID Connect: sends the browser to the identity provider',
    description: 'Answers 302 to the provider\'s authorization endpoint (code flow, PKCE S256, state and nonce kept in a 10-minute HttpOnly cookie). 404 when server.oidc is not configured.',
    tag,
    access: 'public',
    query: z.object({ returnTo: z.string().max(2000).optional().describe('A path on Vigil to open after signing in (default /).') }),
    raw: { mediaType: 'text/plain', description: '302 to the identity provider.' },
    handler: async ({ ctx, c, query }) => {
      const { url, pending } = await oidcOf(ctx).start(redirectUri(ctx, c), safeReturnTo(query.returnTo));
      setCookie(c, OIDC_COOKIE, encodePending(pending), { httpOnly: true, sameSite: 'Lax', secure: isSecure(ctx, c), path: OIDC_PATH, maxAge: 600 });
      return c.redirect(url, 302);
    },
  }),
  defineRoute({
    method: 'get',
    path: `${OIDC_PATH}/callback`,
    operationId: 'finishOidcSignIn',
    summary: 'Where the identity provider sends the browser back: verifies the ID token and signs in',
    description:
      'Checks state, exchanges the code (client_secret_basic, with the PKCE verifier), verifies the ID token (signature against the JWKS, issuer, audience, expiry, nonce), matches the verified email to a Vigil account, sets the session cookies and answers 302 to the page the sign-in started from. On failure: 302 to /?signInError=<reason>.',
    tag,
    access: 'public',
    query: z.object({ code: z.string().optional(), state: z.string().optional(), error: z.string().optional(), error_description: z.string().optional() }),
    raw: { mediaType: 'text/plain', description: '302 into the dashboard.' },
    handler: async ({ ctx, c, query }) => {
      const oidc = oidcOf(ctx);
      const pending = decodePending(getCookie(c, OIDC_COOKIE));
      deleteCookie(c, OIDC_COOKIE, { path: OIDC_PATH });
      try {
        const who = await oidc.finish(query, pending, redirectUri(ctx, c));
        const cfg = ctx.app.loaded.config.server.oidc!;
        const s = await ctx.accounts.signInWithIdentity(who, { ip: clientIp(ctx, c), userAgent: c.req.header('user-agent') }, cfg.createUsers ? { role: cfg.createUsers, domains: cfg.allowedDomains } : undefined);
        c.set('actor', s.user);
        setSessionCookies(ctx, c, s);
        // A GET that changes something: its user.action record is written here, on success only.
        await recordAction(ctx, c, { method: 'get', path: `${OIDC_PATH}/callback` }, {
          action: 'auth.sign_in',
          subject: `user/${s.user.id}`,
          details: { method: 'oidc', issuer: cfg.issuer, accountCreated: s.created },
        });
        return c.redirect(pending?.returnTo ?? '/', 302);
      } catch (e) {
        if (!isVigilError(e)) throw e;
        // A browser navigation: show the reason on the sign-in page rather than a JSON error.
        const reason = e.hint ? `${e.message} (${e.hint})` : e.message;
        return c.redirect(`/?signInError=${encodeURIComponent(reason)}`, 302);
      }
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
      return startSession(ctx, c, await ctx.accounts.acceptInvite(body.token, body));
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
