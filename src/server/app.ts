/**
 * The HTTP API (Hono): versioned routes under /api/v1, one file per resource in ./routes, each a
 * definition (permission, zod schemas, handler) that is both mounted here and written into the
 * OpenAPI document. Errors map to HTTP statuses through the one table in src/lib/errors.ts.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { createAccountService } from '../core/accounts.ts';
import type { App } from '../core/app.ts';
import { createAuditPeriodService } from '../core/audit-periods.ts';
import { httpStatus, isVigilError } from '../lib/errors.ts';
import type { Env, ServerContext, ServerOptions } from './context.ts';
import { createEventHub, type EventHub } from './events.ts';
import { mountRoutes, type AnyRoute } from './http/route.ts';
import { createMetrics } from './metrics.ts';
import { createControlsQuery } from './queries/controls.ts';
import { createEvidenceQuery } from './queries/evidence.ts';
import { createFindingsQuery } from './queries/findings.ts';
import { createLiveQuery } from './queries/live.ts';
import { createReadCache } from './queries/read-cache.ts';
import { createResultsQuery } from './queries/results.ts';
import { alertRoutes } from './routes/alerts.ts';
import { auditPeriodRoutes } from './routes/audit-periods.ts';
import { authRoutes } from './routes/auth.ts';
import { checkRoutes } from './routes/checks.ts';
import { controlRoutes } from './routes/controls.ts';
import { eventRoutes } from './routes/events.ts';
import { evidenceRoutes } from './routes/evidence.ts';
import { findingRoutes } from './routes/findings.ts';
import { frameworkRoutes } from './routes/frameworks.ts';
import { importRoutes } from './routes/imports.ts';
import { resultRoutes } from './routes/results.ts';
import { settingsRoutes } from './routes/settings.ts';
import { sourceRoutes } from './routes/sources.ts';
import { systemRoutes } from './routes/system.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { workspaceRoutes } from './routes/workspace.ts';
import { defaultDashboardDir, mountDashboard } from './dashboard.ts';
import { createOidcClient } from './auth/oidc.ts';

export type { ServerOptions } from './context.ts';

export type VigilServer = Hono<Env> & {
  /** Every API route, as mounted and documented. */
  readonly definitions: AnyRoute[];
  readonly events: EventHub;
  readonly context: ServerContext;
  /** Stop the live-event poller. */
  close(): void;
};

export function apiRoutes(): AnyRoute[] {
  const routes: AnyRoute[] = [
    ...authRoutes,
    ...userRoutes,
    ...tokenRoutes,
    ...auditPeriodRoutes,
    ...workspaceRoutes,
    ...controlRoutes,
    ...checkRoutes,
    ...resultRoutes,
    ...findingRoutes,
    ...sourceRoutes,
    ...evidenceRoutes,
    ...importRoutes,
    ...frameworkRoutes,
    ...alertRoutes,
    ...settingsRoutes,
    ...eventRoutes,
  ];
  routes.push(...systemRoutes(() => routes));
  return routes;
}

export function createServer(app: App, options: ServerOptions = {}): VigilServer {
  const workspaceId = app.workspace.id;
  const deps = { db: app.db, clock: app.clock };
  const metrics = createMetrics();
  const events = createEventHub({
    live: createLiveQuery(app.db, workspaceId),
    pollMs: options.eventsPollMs ?? 2000,
    onError: (e) => console.error(`live events: ${(e as Error).message}`),
  });
  const ctx: ServerContext = {
    app,
    workspaceId,
    accounts: createAccountService(deps, workspaceId),
    periods: createAuditPeriodService(deps, workspaceId),
    oidc: app.loaded.config.server.oidc ? createOidcClient(app.loaded.config.server.oidc, { now: () => app.clock.now() }) : undefined,
    events,
    metrics,
    queries: {
      findings: createFindingsQuery({ db: app.db, now: () => app.clock.now(), atRiskShare: () => app.settings.slaAtRisk(workspaceId) }, workspaceId),
      results: createResultsQuery(app.db, workspaceId),
      controls: createControlsQuery(app.db, workspaceId),
      evidence: createEvidenceQuery(app.db, workspaceId),
    },
    reads: createReadCache(app.db, workspaceId, () => app.clock.now()),
    options,
  };
  const http = new Hono<Env>();

  http.onError((err, c) => {
    if (isVigilError(err)) {
      const retry = err.details?.retryAfterSeconds;
      if (typeof retry === 'number') c.header('Retry-After', String(retry));
      return c.json(err.toJSON(), httpStatus[err._tag] as 400);
    }
    console.error(err);
    return c.json({ error: 'Internal', message: 'unexpected error; see the server log', details: { requestId: c.get('requestId') } }, 500);
  });
  http.notFound((c) => c.json({ error: 'NotFound', message: `no route ${c.req.method} ${new URL(c.req.url).pathname}`, hint: 'see /api/v1/docs' }, 404));

  http.use('*', async (c, next) => {
    const started = performance.now();
    const requestId = randomBytes(8).toString('hex');
    c.set('requestId', requestId);
    await next();
    c.header('X-Request-Id', requestId);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    const path = new URL(c.req.url).pathname;
    const matched = routePath(c, -1);
    const route = path.startsWith('/api/') || path === '/metrics' ? (matched === '*' || matched === '/*' ? 'unmatched' : matched) : 'dashboard';
    metrics.observe(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
  });

  const routes = apiRoutes();
  mountRoutes(http, routes, ctx);
  mountDashboard(http, options.dashboardDir ?? defaultDashboardDir);

  return Object.assign(http, { definitions: routes, events, context: ctx, close: () => events.close() }) as VigilServer;
}
