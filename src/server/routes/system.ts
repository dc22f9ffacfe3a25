/** Health for load balancers, Prometheus metrics, the OpenAPI document and its browsable page. */
import { z } from 'zod';
import { docsPage } from '../docs-page.ts';
import { baseUrl } from '../http/base-url.ts';
import { defineRoute, type AnyRoute } from '../http/route.ts';
import { buildOpenApi } from '../openapi.ts';
import { metricsSnapshot } from '../queries/metrics.ts';

export const API_VERSION = '1.0.0';

/** `all()` returns every route of the server, these included, for the document. */
export function systemRoutes(all: () => AnyRoute[]): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/health',
      operationId: 'health',
      summary: 'Liveness and database reachability, for load balancers',
      tag: 'system',
      access: 'public',
      response: z.object({ status: z.literal('ok'), db: z.enum(['pglite', 'postgres']), workspace: z.string() }),
      handler: async ({ ctx }) => {
        await ctx.app.db.query('SELECT 1');
        return { status: 'ok' as const, db: ctx.app.db.kind, workspace: ctx.app.workspace.slug };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/openapi.json',
      operationId: 'openapi',
      summary: 'This API as an OpenAPI 3.1 document',
      tag: 'system',
      access: 'public',
      raw: { mediaType: 'application/json', description: 'The OpenAPI document.' },
      handler: async ({ ctx, c }) => c.json(buildOpenApi(all(), { title: 'Vigil API', version: API_VERSION, serverUrl: baseUrl(ctx, c) })),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/docs',
      operationId: 'docs',
      summary: 'A browsable page of this API',
      tag: 'system',
      access: 'public',
      raw: { mediaType: 'text/html', description: 'The page.' },
      handler: async ({ c }) => c.html(docsPage),
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics (text format 0.0.4): findings, sources, check results, evidence log size, HTTP requests',
      description: 'Scrape with an API token (bearer_token in the Prometheus job).',
      tag: 'system',
      access: 'read:operations',
      raw: { mediaType: 'text/plain; version=0.0.4', description: 'The metrics.' },
      handler: async ({ ctx, c }) => {
        const snapshot = await metricsSnapshot(ctx.app.db, ctx.workspaceId, ctx.app.clock.now());
        return c.body(ctx.metrics.render(snapshot), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      },
    }),
  ];
}
