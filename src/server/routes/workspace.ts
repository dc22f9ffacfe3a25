/**
 * The workspace, and the overview at a glance: posture per framework and per SOC 2 category,
 * controls by status, the failing controls, open findings by severity and SLA state, source
 * health, and the trend of control states day by day.
 */
import { z } from 'zod';
import { computeCoverage, createControlService, loadCatalog } from '../../catalog/index.ts';
import { listSources } from '../../engine/sources.ts';
import { roleHas } from '../auth/permissions.ts';
import { timelineRange } from '../http/period.ts';
import { defineRoute } from '../http/route.ts';
import { dateParam, isoTime } from '../http/schemas.ts';
import { checksByControl } from '../queries/catalog.ts';
import { controlStatus, controlStatuses, type ControlStatus } from '../queries/controls.ts';

const statusCounts = z.record(z.enum(controlStatuses), z.number());
const emptyCounts = (): Record<ControlStatus, number> => ({ fail: 0, error: 0, stale: 0, no_data: 0, pass: 0, not_applicable: 0 });

const tag = 'workspace';

export const workspaceRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/workspace',
    operationId: 'getWorkspace',
    summary: 'The workspace this server serves',
    tag,
    access: 'read',
    response: z.object({ id: z.string(), slug: z.string(), name: z.string(), database: z.enum(['pglite', 'postgres']), publicUrl: z.string().nullable(), createdAt: isoTime() }),
    handler: async ({ ctx }) => {
      const w = ctx.app.workspace;
      return { id: w.id, slug: w.slug, name: w.name, database: ctx.app.db.kind, publicUrl: ctx.app.loaded.config.server.publicUrl ?? null, createdAt: w.createdAt.toISOString() };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/overview',
    operationId: 'getOverview',
    summary: 'Posture at a glance: frameworks, SOC 2 categories, controls, failing controls, findings, sources',
    description: 'Requirement status is the worst status of the controls directly behind it. For an auditor, statuses are over their audit periods and sources are omitted.',
    tag,
    access: 'read',
    response: z.object({
      controls: statusCounts,
      frameworks: z.array(
        z.object({ id: z.string(), name: z.string(), requirements: z.number(), direct: z.number(), supportingOnly: z.number(), uncovered: z.number(), byStatus: statusCounts.describe('Requirements by status.') }),
      ),
      soc2Categories: z.array(z.object({ category: z.string(), requirements: z.number(), byStatus: statusCounts })),
      failingControls: z.array(z.object({ id: z.string(), title: z.string(), owner: z.string().nullable(), ownerRole: z.string(), failingResults: z.number() })),
      findings: z.object({
        open: z.number(),
        bySeverity: z.array(z.object({ severity: z.string(), on_track: z.number(), at_risk: z.number(), overdue: z.number() })),
      }),
      sources: z.array(z.object({ name: z.string(), type: z.string(), status: z.string(), lastSuccessAt: isoTime().nullable(), lastError: z.string().nullable() })),
    }),
    handler: async ({ ctx, principal, scope }) => {
      const controls = await createControlService({ db: ctx.app.db, workspaceId: ctx.workspaceId }).list();
      const counts = await ctx.queries.results.countsByCheck(scope);
      const byControl = checksByControl(ctx.app);
      const status = new Map(controls.map((c) => [c.id, controlStatus((byControl.get(c.id) ?? []).map((r) => r.check.id), counts)]));
      const controlCounts = emptyCounts();
      for (const s of status.values()) controlCounts[s]++;

      const catalog = loadCatalog();
      const requirementStatus = (links: { id: string; strength: string }[]): ControlStatus => {
        const judged = links.some((l) => l.strength === 'direct') ? links.filter((l) => l.strength === 'direct') : links;
        if (!judged.length) return 'no_data';
        return controlStatus(judged.flatMap((l) => (byControl.get(l.id) ?? []).map((r) => r.check.id)), counts);
      };
      const frameworks = catalog.frameworks.map((f) => {
        const cov = computeCoverage(f, controls);
        const byStatus = emptyCounts();
        for (const r of cov.requirements) byStatus[requirementStatus(r.controls)]++;
        return { id: f.id, name: f.name, requirements: cov.summary.total, direct: cov.summary.direct, supportingOnly: cov.summary.supportingOnly, uncovered: cov.summary.uncovered, byStatus };
      });
      const soc2 = catalog.framework('soc2');
      const soc2Cov = computeCoverage(soc2, controls);
      const categories = new Map<string, { category: string; requirements: number; byStatus: Record<ControlStatus, number> }>();
      soc2Cov.requirements.forEach((r) => {
        const category = soc2.requirements.find((x) => x.id === r.id)?.category ?? 'security';
        const e = categories.get(category) ?? { category, requirements: 0, byStatus: emptyCounts() };
        e.requirements++;
        e.byStatus[requirementStatus(r.controls)]++;
        categories.set(category, e);
      });

      const failingControls = controls
        .filter((c) => status.get(c.id) === 'fail')
        .map((c) => ({
          id: c.id,
          title: c.title,
          owner: c.owner,
          ownerRole: c.ownerRole,
          failingResults: (byControl.get(c.id) ?? []).reduce((n, r) => n + (counts.get(r.check.id)?.fail ?? 0), 0),
        }))
        .sort((a, b) => b.failingResults - a.failingResults || (a.id < b.id ? -1 : 1));

      const summary = await ctx.queries.findings.summary(scope);
      const bySeverity = new Map<string, { severity: string; on_track: number; at_risk: number; overdue: number }>();
      let open = 0;
      for (const r of summary) {
        if (!r.sla) continue;
        open += r.n;
        const e = bySeverity.get(r.severity) ?? { severity: r.severity, on_track: 0, at_risk: 0, overdue: 0 };
        e[r.sla] += r.n;
        bySeverity.set(r.severity, e);
      }
      const order = ['critical', 'high', 'medium', 'low', 'info'];
      const sources = roleHas(principal.user.role, 'read:operations')
        ? (await listSources(ctx.app.db.orm, ctx.workspaceId))
            .filter((s) => s.enabled)
            .map((s) => ({ name: s.name, type: s.type, status: s.status, lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null, lastError: s.lastError }))
        : [];
      return {
        controls: controlCounts,
        frameworks,
        soc2Categories: [...categories.values()],
        failingControls,
        findings: { open, bySeverity: [...bySeverity.values()].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity)) },
        sources,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/overview/trend',
    operationId: 'getOverviewTrend',
    summary: 'Controls by day state (passing, failing, stale, no data), day by day (UTC)',
    description: 'Default period: the last 90 days (an auditor: their latest audit period).',
    tag,
    access: 'read',
    query: z.object({ from: dateParam('First day.').optional(), to: dateParam('End (exclusive).').optional() }),
    response: z.object({
      from: isoTime(),
      to: isoTime(),
      days: z.array(z.object({ date: z.string(), passing: z.number(), failing: z.number(), stale: z.number(), no_data: z.number() })),
    }),
    handler: async ({ ctx, query, scope }) => {
      const { from, to } = timelineRange(query, scope, ctx.app.clock.now());
      const controls = await createControlService({ db: ctx.app.db, workspaceId: ctx.workspaceId }).list();
      const byControl = checksByControl(ctx.app);
      const days = await ctx.queries.controls.trend(
        controls.map((c) => ({ id: c.id, checks: (byControl.get(c.id) ?? []).map((r) => r.check.id) })),
        from,
        to,
        ctx.app.clock.now(),
      );
      return { from: from.toISOString(), to: to.toISOString(), days };
    },
  }),
];
