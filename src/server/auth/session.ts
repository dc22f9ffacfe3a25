/**
 * Who is calling: a bearer API token (`Authorization: Bearer vgl_…`) or the session cookie. And the
 * cookies themselves: the session cookie is HttpOnly and SameSite=Lax; the CSRF cookie is readable
 * by the dashboard, which echoes it in the X-CSRF-Token header on every change (double submit). Both
 * are Secure when the request came over HTTPS or server.publicUrl is https.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { VigilError } from '../../lib/errors.ts';
import type { NewSession } from '../../core/accounts.ts';
import type { Env, Principal, ServerContext } from '../context.ts';

export const SESSION_COOKIE = 'vigil_session';
export const CSRF_COOKIE = 'vigil_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export function isSecure(ctx: ServerContext, c: Context<Env>): boolean {
  const publicUrl = ctx.app.loaded.config.server.publicUrl;
  return new URL(c.req.url).protocol === 'https:' || (publicUrl !== undefined && publicUrl.startsWith('https:'));
}

export function setSessionCookies(ctx: ServerContext, c: Context<Env>, s: NewSession): void {
  const secure = isSecure(ctx, c);
  const maxAge = Math.max(0, Math.floor((s.session.expiresAt.getTime() - ctx.app.clock.now().getTime()) / 1000));
  setCookie(c, SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge });
  setCookie(c, CSRF_COOKIE, s.csrfToken, { httpOnly: false, sameSite: 'Lax', secure, path: '/', maxAge });
}

export function clearSessionCookies(c: Context<Env>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  deleteCookie(c, CSRF_COOKIE, { path: '/' });
}

/** The client's address, for rate limiting and the session record. */
export function clientIp(ctx: ServerContext, c: Context<Env>): string {
  if (ctx.options.trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // In-process requests (tests, app.request) have no socket.
    return 'local';
  }
}

/**
 * The principal behind the request, or undefined when it carries no credentials. A bearer token
 * that is unknown, expired or revoked is an error (AuthFailed) rather than "anonymous", so a
 * script learns at once that its token stopped working. A stale session cookie is anonymous.
 */
export async function resolvePrincipal(ctx: ServerContext, c: Context<Env>): Promise<Principal | undefined> {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new VigilError('AuthFailed', 'the Authorization header must be "Bearer <API token>"', { where: 'Authorization' });
    const found = await ctx.accounts.authenticateToken(m[1]!);
    if (!found) {
      throw new VigilError('AuthFailed', 'this API token is not valid: it is unknown, expired or revoked', {
        where: 'Authorization',
        hint: 'create a new token in Settings → API tokens',
      });
    }
    return { user: found.user, via: 'token', scope: found.token.scope, token: found.token };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return undefined;
  const found = await ctx.accounts.authenticateSession(cookie);
  if (!found) return undefined;
  return { user: found.user, via: 'session', scope: 'write', session: found.session };
}

/** A change made with a session cookie must echo the CSRF cookie in the header, matching the session. */
export function checkCsrf(ctx: ServerContext, c: Context<Env>, principal: Principal): void {
  if (principal.via !== 'session' || !principal.session) return;
  const header = c.req.header(CSRF_HEADER);
  const cookie = getCookie(c, CSRF_COOKIE);
  if (!header || header !== cookie || !ctx.accounts.csrfMatches(principal.session, header)) {
    throw new VigilError('PermissionDenied', 'missing or wrong CSRF token', {
      where: CSRF_HEADER,
      hint: `send the value of the ${CSRF_COOKIE} cookie in the ${CSRF_HEADER} header with every change`,
    });
  }
}
