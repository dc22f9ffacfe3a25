/**
 * Controls: the list with status (worst of its checks' current results), owner, frequency and
 * requirement links; one control with its checks, results, evidence and requirements; and its
 * operating-effectiveness timeline over a period, day by day.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { createControlService, loadCatalog } from '../../catalog/index.ts';
import type { ControlRecord } from '../../db/repositories/controls.ts';
import { controlFrequencies, controls } from '../../db/schema/controls.ts';
import { notFound } from '../../lib/errors.ts';
import type { ServerContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';
import { boolParam, csvEnum, dateParam, idParam, isoTime } from '../http/schemas.ts';
import { checkIdsOf, checksByControl } from '../queries/catalog.ts';
import { checkStatus, controlStatus, controlStatuses, dayStates } from '../queries/controls.ts';
import { timelineRange } from '../http/period.ts';
import { ownedControls } from '../queries/ownership.ts';
import { evidenceSummary, evidenceSummarySchema } from './evidence.ts';

const countsSchema = z.record(z.string(), z.number()).describe('Results by status.');

export const controlSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  area: z.string(),
  owner: z.string().nullable(),
  ownerRole: z.string(),
  frequency: z.enum(controlFrequencies),
  origin: z.enum(['library', 'yaml']),
  definedIn: z.string().nullable(),
  status: z.enum(controlStatuses).describe('Worst of its checks: fail > error > stale > no_data > pass > not_applicable. For an auditor: over their periods.'),
  automated: z.boolean().describe('Whether any check tests it (otherwise it is evidenced by uploads).'),
  checks: z.array(z.string()),
  results: countsSchema,
  requirements: z.array(z.object({ framework: z.string(), id: z.string(), strength: z.enum(['direct', 'supporting']) })),
});

async function listControls(ctx: ServerContext, scope: Parameters<ServerContext['queries']['results']['countsByCheck']>[0], filter: { framework?: string | undefined; area?: string | undefined }) {
  const controls = await createControlService({ db: ctx.app.db, workspaceId: ctx.workspaceId }).list(filter);
  const counts = await ctx.queries.results.countsByCheck(scope);
  const byControl = checksByControl(ctx.app);
  return controls.map((c) => controlJson(c, (byControl.get(c.id) ?? []).map((r) => r.check.id), counts));
}

function controlJson(c: ControlRecord, checks: string[], counts: Map<string, Partial<Record<string, number>>>): z.input<typeof controlSchema> {
  const results: Record<string, number> = {};
  for (const id of checks) for (const [s, n] of Object.entries(counts.get(id) ?? {})) results[s] = (results[s] ?? 0) + (n ?? 0);
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    area: c.area,
    owner: c.owner,
    ownerRole: c.ownerRole,
    frequency: c.frequency,
    origin: c.origin,
    definedIn: c.definedIn,
    status: controlStatus(checks, counts),
    automated: checks.length > 0,
    checks,
    results,
    requirements: c.requirements,
  };
}

/**
 * One control with its links, read by its key (not the whole list): the detail and the timeline
 * ask for one. Links in the order the control service gives (framework, then requirement id).
 */
async function controlOr404(ctx: ServerContext, id: string): Promise<ControlRecord> {
  const c = await createControlService({ db: ctx.app.db, workspaceId: ctx.workspaceId }).get(id);
  if (!c) throw notFound(`no control ${id} in this workspace`, { hint: 'GET /api/v1/controls lists them' });
  return c;
}

/** That the control exists (the timeline needs nothing else of it). */
async function assertControl(ctx: ServerContext, id: string): Promise<void> {
  const [c] = await ctx.app.db.orm
    .select({ id: controls.id })
    .from(controls)
    .where(and(eq(controls.workspaceId, ctx.workspaceId), eq(controls.id, id)));
  if (!c) throw notFound(`no control ${id} in this workspace`, { hint: 'GET /api/v1/controls lists them' });
}

const tag = 'controls';

export const controlRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/controls',
    operationId: 'listControls',
    summary: 'Controls with status, owner, frequency and requirement links',
    tag,
    access: 'read',
    query: z.object({
      framework: z.string().optional().describe('Only controls linked to this framework, with only those links.'),
      area: z.string().optional(),
      status: csvEnum(controlStatuses, 'Only controls in these statuses.').optional(),
      owner: z.string().optional().describe('Exact owner; "me" for yourself.'),
      mine: boolParam('Only controls you own.').optional(),
    }),
    response: z.array(controlSchema),
    handler: async ({ ctx, query, principal, scope }) => {
      let list = await listControls(ctx, scope, { framework: query.framework, area: query.area });
      if (query.status) list = list.filter((c) => query.status!.includes(c.status));
      const owner = query.owner === 'me' ? principal.user.email : query.owner;
      if (owner) list = list.filter((c) => c.owner?.toLowerCase() === owner.toLowerCase());
      if (query.mine) {
        const owned = await ownedControls(ctx.app.db, ctx.workspaceId, principal.user.email);
        list = list.filter((c) => owned.includes(c.id));
      }
      return list;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/controls/:id',
    operationId: 'getControl',
    summary: 'One control: its checks and their status, requirements in each framework, recent evidence',
    description: 'Current results per resource: GET /api/v1/results?control=ID (paged). Timeline: GET /api/v1/controls/ID/timeline.',
    tag,
    access: 'read',
    params: idParam('control'),
    response: controlSchema.extend({
      checkDetails: z.array(z.object({ id: z.string(), title: z.string(), severity: z.string(), status: z.enum(controlStatuses), results: countsSchema })),
      requirementDetails: z.array(z.object({ framework: z.string(), id: z.string(), title: z.string(), strength: z.enum(['direct', 'supporting']) })),
      evidence: z.array(evidenceSummarySchema).describe('The 10 most recent records for this control.'),
      results: z
        .object({
          items: z.array(z.object({ check: z.string(), resource: z.string(), status: z.string(), severity: z.string(), reason: z.string(), since: isoTime(), finding: z.string().nullable() })),
          more: z.boolean().describe('There are more: page through GET /api/v1/results?control=ID (&status=fail,error,stale).'),
        })
        .describe('Current results per resource, failures first (the first 100).'),
    }),
    handler: async ({ ctx, params, scope }) => {
      const checks = checksByControl(ctx.app).get(params.id) ?? [];
      const ids = checks.map((r) => r.check.id);
      const catalog = loadCatalog();
      // Independent reads, issued together (PostgreSQL runs them on several connections).
      const [c, counts, evidence, failing] = await Promise.all([
        controlOr404(ctx, params.id),
        ctx.queries.results.countsByCheck(scope, ids),
        ctx.queries.evidence.search({ control: { id: params.id, checks: ids }, limit: 10 }, scope),
        // Failures first: the page a person opens a control for.
        ctx.queries.results.current({ checks: ids, status: ['fail', 'error', 'stale'], limit: 100 }, scope),
      ]);
      const rest = failing.items.length < 100 && !failing.nextCursor ? await ctx.queries.results.current({ checks: ids, status: ['pass', 'not_applicable'], limit: 100 - failing.items.length }, scope) : { items: [], nextCursor: null };
      return {
        ...controlJson(
          c,
          checks.map((r) => r.check.id),
          counts,
        ),
        checkDetails: checks.map((r) => ({ id: r.check.id, title: r.check.title, severity: r.check.severity, status: checkStatus(counts.get(r.check.id)), results: { ...counts.get(r.check.id) } as Record<string, number> })),
        requirementDetails: c.requirements.map((l) => ({ ...l, title: catalog.requirement(l.framework as 'soc2', l.id)?.title ?? '' })),
        evidence: evidence.items.map(evidenceSummary),
        results: {
          items: [...failing.items, ...rest.items].map((r) => ({
            check: r.checkId,
            resource: r.resource,
            status: r.status,
            severity: r.severity,
            reason: r.reason,
            since: r.validFrom.toISOString(),
            finding: r.status === 'fail' ? r.findingId : null,
          })),
          more: failing.nextCursor !== null || rest.nextCursor !== null,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/controls/:id/timeline',
    operationId: 'getControlTimeline',
    summary: 'Operating effectiveness day by day (UTC): passing, failing, stale or no data',
    description:
      'A day is failing when any check of the control failed at some time that day; else stale when any was in error or stale; else no_data when any check had no result; else passing. Default period: the last 90 days (an auditor: their latest audit period).',
    tag,
    access: 'read',
    params: idParam('control'),
    query: z.object({ from: dateParam('First day (midnight UTC).').optional(), to: dateParam('End (exclusive).').optional() }),
    response: z.object({
      control: z.string(),
      from: isoTime(),
      to: isoTime(),
      days: z.array(z.object({ date: z.string().describe('YYYY-MM-DD (UTC)'), state: z.enum(dayStates), failing: z.array(z.string()).describe('Checks that failed that day.') })),
      summary: z.record(z.enum(dayStates), z.number()),
    }),
    handler: async ({ ctx, params, query, scope }) => {
      await assertControl(ctx, params.id);
      const now = ctx.app.clock.now();
      const { from, to } = timelineRange(query, scope, now);
      const days = await ctx.queries.controls.timeline(checkIdsOf(ctx.app, params.id), from, to, now);
      const summary = { failing: 0, stale: 0, no_data: 0, passing: 0 };
      for (const d of days) summary[d.state]++;
      return { control: params.id, from: from.toISOString(), to: to.toISOString(), days, summary };
    },
  }),
];
