/** Checks: what each tests, its parameters (defaults merged with vigil.yaml), its last run and results. */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { checkRuns } from '../../db/schema/check-runs.ts';
import type { ResolvedCheck } from '../../engine/evaluate.ts';
import { invalidInput, notFound } from '../../lib/errors.ts';
import type { ServerContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';
import { idParam, isoTime } from '../http/schemas.ts';
import { findCheck } from '../queries/catalog.ts';
import { checkStatus, controlStatuses } from '../queries/controls.ts';

const checkSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  area: z.string(),
  controls: z.array(z.string()),
  severity: z.string(),
  inputs: z.object({ resources: z.array(z.string()), events: z.array(z.string()), optional: z.array(z.string()) }),
  freshness: z.string().describe('How old its inputs may be before its results are stale (ISO 8601 duration).'),
  params: z.unknown().describe('Parameters in force: defaults, then checks.params in vigil.yaml, then the overrides made in Settings (PATCH /api/v1/settings).'),
  status: z.enum(controlStatuses),
  results: z.record(z.string(), z.number()),
  lastRun: z.object({ at: isoTime(), status: z.string(), error: z.string().nullable() }).nullable(),
});

async function lastRuns(ctx: ServerContext) {
  const rows = await ctx.app.db.orm.select().from(checkRuns).where(eq(checkRuns.workspaceId, ctx.workspaceId));
  return new Map(rows.map((r) => [r.checkId, r]));
}

function checkJson(r: ResolvedCheck, counts: Partial<Record<string, number>> | undefined, run: { lastRunAt: Date; status: string; error: string | null } | undefined): z.input<typeof checkSchema> {
  const c = r.check;
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    area: c.area,
    controls: c.controls,
    severity: c.severity,
    inputs: { resources: c.inputs.resources ?? [], events: c.inputs.events ?? [], optional: c.inputs.optional ?? [] },
    freshness: c.freshness ?? 'P1D',
    params: r.params,
    status: checkStatus(counts),
    results: { ...counts } as Record<string, number>,
    lastRun: run ? { at: run.lastRunAt.toISOString(), status: run.status, error: run.error } : null,
  };
}

const tag = 'checks';

export const checkRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/checks',
    operationId: 'listChecks',
    summary: 'Every check with its controls, parameters, last run and results by status',
    tag,
    access: 'read',
    query: z.object({ control: z.string().optional().describe('Only checks testing this control.'), area: z.string().optional() }),
    response: z.array(checkSchema),
    handler: async ({ ctx, query, scope }) => {
      const counts = await ctx.queries.results.countsByCheck(scope);
      const runs = await lastRuns(ctx);
      return (await ctx.app.monitor.checksFor(ctx.workspaceId))
        .filter((r) => (!query.control || r.check.controls.includes(query.control)) && (!query.area || r.check.area === query.area))
        .map((r) => checkJson(r, counts.get(r.check.id), runs.get(r.check.id)));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/checks/:id',
    operationId: 'getCheck',
    summary: 'One check, with the JSON Schema of its parameters',
    tag,
    access: 'read',
    params: idParam('check'),
    response: checkSchema.extend({ paramsSchema: z.record(z.string(), z.unknown()) }),
    handler: async ({ ctx, params, scope }) => {
      const r = (await ctx.app.monitor.checksFor(ctx.workspaceId)).find((c) => c.check.id === params.id);
      if (!r) throw notFound(`no check ${params.id}`, { hint: 'GET /api/v1/checks lists them' });
      const counts = await ctx.queries.results.countsByCheck(scope);
      const [run] = await ctx.app.db.orm.select().from(checkRuns).where(and(eq(checkRuns.workspaceId, ctx.workspaceId), eq(checkRuns.checkId, r.check.id)));
      const paramsSchema = z.toJSONSchema(r.check.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      return { ...checkJson(r, counts.get(r.check.id), run), paramsSchema };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/checks/evaluate',
    operationId: 'evaluateChecks',
    summary: 'Judge checks over the stored data now (all, or the ones named)',
    tag,
    access: 'admin',
    body: z.object({ checks: z.array(z.string()).max(1000).optional() }),
    response: z.array(z.object({ check: z.string(), outcome: z.string(), results: z.number(), changes: z.number(), reason: z.string().optional() })),
    audit: ({ body }) => ({ action: 'checks.evaluate', subject: 'checks', details: { checks: body.checks ?? 'all' } }),
    handler: async ({ ctx, body }) => {
      const unknown = body.checks?.find((id) => !findCheck(ctx.app, id));
      if (unknown) throw invalidInput(`no check ${unknown}`, { where: 'body.checks' });
      return ctx.app.monitor.evaluate(ctx.workspaceId, body.checks ? { checkIds: body.checks } : {});
    },
  }),
];
