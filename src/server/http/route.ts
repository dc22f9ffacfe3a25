/**
 * A route is data: method, path, the permission it needs, zod schemas for its path parameters,
 * query, body and response, and a handler. The same object is mounted on Hono (authenticate →
 * authorize → CSRF → validate → handle → record the user.action) and turned into the OpenAPI
 * document, so the document cannot drift from what the server does.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { VigilError, invalidInput } from '../../lib/errors.ts';
import { permissions, roleHas, type Access } from '../auth/permissions.ts';
import { scopeOf, type Scope } from '../auth/scope.ts';
import { checkCsrf, resolvePrincipal } from '../auth/session.ts';
import { recordAction, type AuditNote } from '../audit.ts';
import type { Env, Principal, ServerContext } from '../context.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnyZod = z.ZodType;
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "no fields" is exactly what an omitted schema means
type Empty = z.ZodObject<{}>;

export interface HandlerInput<P, Q, B, A extends Access> {
  c: Context<Env>;
  ctx: ServerContext;
  params: P;
  query: Q;
  body: B;
  principal: A extends 'public' ? Principal | undefined : Principal;
  /** For an auditor, the windows they may see; null for everyone else. */
  scope: Scope;
}

export interface RouteSpec<P extends AnyZod, Q extends AnyZod, B extends AnyZod, R extends AnyZod, A extends Access> {
  method: Method;
  /** Hono syntax: `/api/v1/findings/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  bodyType?: 'json' | 'multipart';
  /** Largest request body accepted, in bytes (default 1 MiB). */
  maxBody?: number;
  /** The JSON response. */
  response?: R;
  /** A response that is not JSON (a file, an event stream, a page). */
  raw?: { mediaType: string; description: string };
  status?: 200 | 201 | 202;
  /** A POST that changes nothing (it only reads a secret sent in the body), so records no user.action. */
  safe?: boolean;
  /** What the user.action evidence record says about a successful change; required on every change. */
  audit?(input: { params: z.output<P>; body: z.output<B>; result: unknown }): AuditNote;
  handler(input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>, A>): Promise<z.input<R> | Response>;
}

export type AnyRoute = RouteSpec<AnyZod, AnyZod, AnyZod, AnyZod, Access>;

export function defineRoute<P extends AnyZod = Empty, Q extends AnyZod = Empty, B extends AnyZod = Empty, R extends AnyZod = AnyZod, A extends Access = Access>(
  spec: RouteSpec<P, Q, B, R, A>,
): AnyRoute {
  return spec as unknown as AnyRoute;
}

/** A route's key in tables and tests: `GET /api/v1/findings/:id`. */
export const routeKey = (r: Pick<AnyRoute, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;

function parse<T extends AnyZod>(schema: T | undefined, value: unknown, where: string): z.output<T> {
  if (!schema) return {} as z.output<T>;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  throw invalidInput(`${issues[0]!.path}: ${issues[0]!.message}`, { where: issues[0]!.path, details: { issues } });
}

/** Repeated keys and comma lists both work: `?status=open&status=muted` is `status=open,muted`. */
function queryObject(c: Context<Env>): Record<string, string> {
  return Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v.join(',')]));
}

async function readBody(c: Context<Env>, r: AnyRoute): Promise<unknown> {
  if (r.bodyType === 'multipart') {
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('multipart/form-data')) throw invalidInput('send this request as multipart/form-data', { where: 'Content-Type' });
    return c.req.parseBody();
  }
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw invalidInput(`the request body is not valid JSON: ${(e as Error).message}`, { where: 'body' });
  }
}

async function run(r: AnyRoute, c: Context<Env>, ctx: ServerContext): Promise<Response> {
  let principal: Principal | undefined;
  try {
    principal = await resolvePrincipal(ctx, c);
  } catch (e) {
    // A dead token on a public route (health, the docs) is not worth refusing the request for.
    if (r.access !== 'public') throw e;
  }
  c.set('principal', principal);
  if (r.access !== 'public') {
    if (!principal) throw new VigilError('AuthFailed', 'sign in first, or send an API token', { hint: 'POST /api/v1/auth/sign-in, or Authorization: Bearer <token>' });
    const spec = permissions[r.access];
    if (spec.write && principal.scope === 'read') {
      throw new VigilError('PermissionDenied', 'this API token is read-only', { hint: 'create a token with scope "write" for changes' });
    }
    if (!roleHas(principal.user.role, r.access)) {
      throw new VigilError('PermissionDenied', `a ${principal.user.role} may not ${spec.description}`, { details: { permission: r.access, role: principal.user.role } });
    }
    if (r.method !== 'get') checkCsrf(ctx, c, principal);
  }
  const params = parse(r.params, c.req.param(), 'path');
  const query = parse(r.query, queryObject(c), 'query');
  const body = r.body ? parse(r.body, await readBody(c, r), 'body') : {};
  const scope = await scopeOf(ctx, principal);
  const out = await r.handler({ c, ctx, params, query, body, principal, scope });
  let res: Response;
  if (out instanceof Response) res = out;
  else {
    if (ctx.options.validateResponses && r.response) {
      const checked = r.response.safeParse(out);
      if (!checked.success) {
        throw new VigilError('Internal', `the response of ${routeKey(r)} does not match its documented schema`, {
          details: { issues: checked.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })) },
        });
      }
    }
    res = c.json(out as object, r.status ?? 200);
  }
  if (r.audit && res.status < 400) await recordAction(ctx, c, r, r.audit({ params, body, result: out }));
  return res;
}

export function mountRoutes(http: Hono<Env>, routes: AnyRoute[], ctx: ServerContext): void {
  const seen = new Set<string>();
  for (const r of routes) {
    const key = routeKey(r);
    if (seen.has(key)) throw new VigilError('Internal', `two routes are defined for ${key}`);
    seen.add(key);
    if (r.method !== 'get' && !r.audit && !r.safe) throw new VigilError('Internal', `${key} changes something but records no user.action (add audit)`);
    const limit = bodyLimit({
      maxSize: r.maxBody ?? 1 << 20,
      onError: () => {
        throw invalidInput(`the request body is larger than ${r.maxBody ?? 1 << 20} bytes`, { where: 'body' });
      },
    });
    http.on(r.method.toUpperCase(), r.path, limit, (c) => run(r, c, ctx));
  }
}
