/**
 * The demo's simulated Okta: the Okta Management API paths the Okta connector reads, with Okta's
 * pagination (RFC 8288 Link headers with an opaque `after`), the DEPROVISIONED-users rule of the
 * users list, System Log polling (a next link on every page), `X-Rate-Limit-*` headers per endpoint
 * family and Okta's error bodies — rendered from the org model as of the clock's "now"
 * (okta-model.ts derives what Okta adds to it).
 */
import { Hono, type Context } from 'hono';
import type { Clock } from '../../lib/clock.ts';
import { DAY_MS } from '../../lib/clock.ts';
import type { DemoOrg } from '../org/org.ts';
import type { DemoProvider } from './index.ts';
import { LOG_RETENTION_MS, lastLoginAt, membersAt, oktaModel, statusAt, type DemoAccount, type DemoGroup, type DemoModel } from './okta-model.ts';

/** The API token the demo source uses; the simulated Okta accepts nothing else. */
export const DEMO_OKTA_TOKEN = 'demo-okta-token-3c9e51d4a7';

/**
 * Requests per minute per endpoint family, of the order Okta grants a large org: generous, because
 * a test may hold the demo's clock still, and then every collection lands in the same window.
 */
const limits: Record<string, number> = {
  '/api/v1/users': 1200,
  '/api/v1/users/{id}': 10000,
  '/api/v1/groups': 1000,
  '/api/v1/groups/{id}': 3000,
  '/api/v1/logs': 600,
};

const oktaError = (errorCode: string, errorSummary: string) => ({
  errorCode,
  errorSummary,
  errorLink: errorCode,
  errorId: `oaeDemo${errorCode}`,
  errorCauses: [],
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const latest = (...ds: (Date | null | undefined)[]) => new Date(Math.max(...ds.filter((d): d is Date => !!d).map((d) => d.getTime())));

function intParam(c: Context, name: string, fallback: number, max: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : undefined;
}

/** `status eq "ACTIVE"` joined by `or`: the search/filter expressions the demo understands. */
function statusesOf(expression: string): Set<string> | undefined {
  const statuses = new Set<string>();
  for (const part of expression.split(/\s+or\s+/i)) {
    const m = /^\(?\s*status\s+eq\s+"([A-Z_]+)"\s*\)?$/.exec(part.trim());
    if (!m) return undefined;
    statuses.add(m[1]!);
  }
  return statuses;
}

/** The page after `after` (ids sorted), and the Link header to the next page when there is one. */
function page<T extends { id: string }>(c: Context, items: T[], limit: number): T[] {
  const after = c.req.query('after');
  const rest = items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).filter((x) => after === undefined || x.id > after);
  const out = rest.slice(0, limit);
  const self = new URL(c.req.url);
  const links = [`<${self.href}>; rel="self"`];
  if (rest.length > limit) {
    const next = new URL(self);
    next.searchParams.set('after', out[out.length - 1]!.id);
    links.push(`<${next.href}>; rel="next"`);
  }
  c.header('Link', links.join(', '));
  return out;
}

function userJson(c: Context, a: DemoAccount, t: Date) {
  const status = statusAt(a, t)!;
  const activated = status === 'STAGED' ? null : a.account.activated;
  const deactivated = status === 'DEPROVISIONED' ? a.account.deactivatedAt : null;
  const passwordChanged = activated ? new Date(activated.getTime() + 15 * 60_000) : null;
  const root = new URL(c.req.url).href.replace(/\/api\/v1\/.*$/, '');
  return {
    id: a.account.id,
    status,
    created: iso(a.account.created),
    activated: iso(activated),
    statusChanged: iso(deactivated ?? activated),
    lastLogin: iso(lastLoginAt(a, t)),
    lastUpdated: iso(latest(a.account.created, activated, deactivated, passwordChanged)),
    passwordChanged: iso(passwordChanged),
    type: { id: 'otyDemoDefaultUser0g4' },
    profile: {
      firstName: a.firstName,
      lastName: a.lastName,
      mobilePhone: null,
      secondEmail: null,
      login: a.account.login,
      email: a.account.login,
      department: a.department,
      title: a.person?.title ?? null,
      employeeNumber: a.person?.employeeId ?? null,
    },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `${root}/api/v1/users/${a.account.id}` } },
  };
}

function groupJson(g: DemoGroup, model: DemoModel, t: Date) {
  const changes = model.accounts
    .filter((a) => g.members(a))
    .flatMap((a) => [a.account.activated, a.account.deactivatedAt])
    .filter((d): d is Date => !!d && d <= t);
  return {
    id: g.id,
    created: iso(g.created),
    lastUpdated: iso(g.created),
    lastMembershipUpdated: iso(latest(g.created, ...changes)),
    objectClass: ['okta:user_group'],
    type: g.type,
    profile: { name: g.name, description: g.description },
  };
}

/** The opaque System Log cursor: the last event's time and uuid. */
const afterToken = (e: { published: Date; uuid: string }) => Buffer.from(`${e.published.getTime()}.${e.uuid}`).toString('base64url');
function parseAfter(token: string): { ms: number; uuid: string } | undefined {
  const m = /^(\d+)\.([0-9a-f-]{36})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? { ms: Number(m[1]), uuid: m[2]! } : undefined;
}

function logs(c: Context, model: DemoModel, t: Date) {
  const bad = (what: string) => c.json(oktaError('E0000001', `Api validation failed: ${what}`), 400);
  const date = (name: string) => {
    const raw = c.req.query(name);
    return raw === undefined ? null : Number.isNaN(Date.parse(raw)) ? undefined : new Date(raw);
  };
  const since = date('since');
  const until = date('until');
  if (since === undefined) return bad('since');
  if (until === undefined) return bad('until');
  const limit = intParam(c, 'limit', 100, 1000);
  if (limit === undefined) return bad('limit');
  const descending = c.req.query('sortOrder') === 'DESCENDING';
  const afterRaw = c.req.query('after');
  const after = afterRaw === undefined ? undefined : parseAfter(afterRaw);
  if (afterRaw !== undefined && !after) return bad('after');

  // Okta keeps 90 days; without `since` it answers the last 7 days.
  const from = Math.max((since ?? new Date((until ?? t).getTime() - 7 * DAY_MS)).getTime(), t.getTime() - LOG_RETENTION_MS);
  const to = Math.min((until ?? t).getTime(), t.getTime());
  const cmp = (e: { published: Date; uuid: string }, a: { ms: number; uuid: string }) => e.published.getTime() - a.ms || (e.uuid < a.uuid ? -1 : e.uuid > a.uuid ? 1 : 0);
  let window = model.log.filter((e) => e.published.getTime() >= from && e.published.getTime() <= to);
  if (descending) window = window.reverse();
  const rest = after ? window.filter((e) => (descending ? cmp(e, after) < 0 : cmp(e, after) > 0)) : window;
  const out = rest.slice(0, limit);

  const self = new URL(c.req.url);
  const links = [`<${self.href}>; rel="self"`];
  // Polling (no `until`): Okta always sends a next link, since more events may come.
  if (rest.length > limit || (until === null && !descending)) {
    const next = new URL(self);
    const last = out[out.length - 1];
    if (last) next.searchParams.set('after', afterToken(last));
    links.push(`<${next.href}>; rel="next"`);
  }
  c.header('Link', links.join(', '));
  return c.json(out.map((e) => e.body));
}

export function createOktaApp(org: DemoOrg, clock: Clock): Hono {
  const model = oktaModel(org);
  const counters = new Map<string, number>();
  const app = new Hono();

  app.use('*', async (c, next) => {
    const now = clock.now();
    // The demo's time, not the host's: rate-limit resets are read against it.
    c.header('Date', now.toUTCString());
    const auth = c.req.header('authorization') ?? '';
    if (auth !== `SSWS ${DEMO_OKTA_TOKEN}` && auth !== `Bearer ${DEMO_OKTA_TOKEN}`) {
      return c.json(oktaError('E0000011', 'Invalid token provided'), 401);
    }
    const path = c.req.path.slice(c.req.path.indexOf('/api/v1'));
    const family = path.replace(/^(\/api\/v1\/(users|groups)\/[^/]+).*$/, '/api/v1/$2/{id}');
    const limit = limits[family] ?? 600;
    const windowStart = Math.floor(now.getTime() / 60_000) * 60_000;
    const key = `${family}@${windowStart}`;
    const used = (counters.get(key) ?? 0) + 1;
    counters.set(key, used);
    c.header('X-Rate-Limit-Limit', String(limit));
    c.header('X-Rate-Limit-Remaining', String(Math.max(0, limit - used)));
    c.header('X-Rate-Limit-Reset', String(windowStart / 1000 + 60));
    if (used > limit) return c.json(oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), 429);
    await next();
  });

  app.get('/api/v1/users', (c) => {
    const t = clock.now();
    const expression = c.req.query('search') ?? c.req.query('filter');
    const statuses = expression === undefined ? undefined : statusesOf(expression);
    if (expression !== undefined && !statuses) return c.json(oktaError('E0000031', 'Invalid search criteria.'), 400);
    const limit = intParam(c, 'limit', 200, 200);
    if (limit === undefined) return c.json(oktaError('E0000001', 'Api validation failed: limit'), 400);
    const listed = model.accounts.filter((a) => {
      const status = statusAt(a, t);
      // The plain list leaves DEPROVISIONED users out; a search or filter decides for itself.
      return status !== undefined && (statuses ? statuses.has(status) : status !== 'DEPROVISIONED');
    });
    const byId = listed.map((a) => ({ id: a.account.id, a }));
    return c.json(page(c, byId, limit).map((x) => userJson(c, x.a, t)));
  });

  const account = (c: Context) => {
    const t = clock.now();
    const a = model.accounts.find((x) => x.account.id === c.req.param('id'));
    return a && statusAt(a, t) ? { a, t, status: statusAt(a, t)! } : undefined;
  };
  const noUser = (c: Context) => c.json(oktaError('E0000007', `Not found: Resource not found: ${c.req.param('id')} (User)`), 404);

  app.get('/api/v1/users/:id', (c) => {
    const found = account(c);
    return found ? c.json(userJson(c, found.a, found.t)) : noUser(c);
  });

  app.get('/api/v1/users/:id/factors', (c) => {
    const found = account(c);
    if (!found) return noUser(c);
    // Deactivation resets a user's factors.
    if (found.status === 'DEPROVISIONED') return c.json([]);
    const root = new URL(c.req.url).href.replace(/\/factors$/, '');
    return c.json(
      found.a.factors
        .filter((f) => f.created <= found.t)
        .map((f) => ({
          id: f.id,
          factorType: f.factorType,
          provider: f.provider,
          vendorName: f.vendorName,
          status: f.status,
          created: iso(f.created),
          lastUpdated: iso(f.created),
          profile: f.profile,
          _links: { self: { href: `${root}/factors/${f.id}` }, user: { href: root } },
        })),
    );
  });

  app.get('/api/v1/users/:id/roles', (c) => {
    const found = account(c);
    if (!found) return noUser(c);
    if (found.status === 'DEPROVISIONED') return c.json([]);
    const root = new URL(c.req.url).href.replace(/\/roles$/, '');
    return c.json(
      found.a.roles
        .filter((r) => r.granted <= found.t)
        .map((r) => ({
          id: r.id,
          label: r.label,
          type: r.type,
          status: 'ACTIVE',
          created: iso(r.granted),
          lastUpdated: iso(r.granted),
          assignmentType: 'USER',
          _links: { assignee: { href: root } },
        })),
    );
  });

  app.get('/api/v1/groups', (c) => {
    const t = clock.now();
    const limit = intParam(c, 'limit', 10000, 10000);
    if (limit === undefined) return c.json(oktaError('E0000001', 'Api validation failed: limit'), 400);
    return c.json(page(c, [...model.groups], limit).map((g) => groupJson(g, model, t)));
  });

  app.get('/api/v1/groups/:id/users', (c) => {
    const t = clock.now();
    const g = model.groups.find((x) => x.id === c.req.param('id'));
    if (!g) return c.json(oktaError('E0000007', `Not found: Resource not found: ${c.req.param('id')} (UserGroup)`), 404);
    const limit = intParam(c, 'limit', 1000, 1000);
    if (limit === undefined) return c.json(oktaError('E0000001', 'Api validation failed: limit'), 400);
    const members = membersAt(g, model.accounts, t).map((a) => ({ id: a.account.id, a }));
    return c.json(page(c, members, limit).map((x) => userJson(c, x.a, t)));
  });

  app.get('/api/v1/logs', (c) => logs(c, model, clock.now()));

  app.all('*', (c) => c.json(oktaError('E0000007', `Not found: Resource not found: ${c.req.path} (Page)`), 404));
  return app;
}

export const oktaProvider: DemoProvider = {
  name: 'okta',
  app: createOktaApp,
  source: (baseUrl) => ({ name: 'okta', type: 'okta', config: { baseUrl, token: DEMO_OKTA_TOKEN } }),
};
