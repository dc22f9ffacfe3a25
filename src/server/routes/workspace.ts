/**
 * The workspace, and the overview at a glance — what the dashboard's overview shows, in one call:
 * posture per framework, per SOC 2 category and group, controls by status, the failing controls,
 * findings by severity and SLA state, source health, and the trend of the automated controls'
 * states day by day (from the per-day read model, see queries/controls.ts).
 */
import { z } from 'zod';
import { computeCoverage, createControlService, loadCatalog } from '../../catalog/index.ts';
import { connectors } from '../../connectors/registry.ts';
import { listSources } from '../../engine/sources.ts';
import { roleHas } from '../auth/permissions.ts';
import { timelineRange } from '../http/period.ts';
import { defineRoute } from '../http/route.ts';
import { dateParam, isoTime } from '../http/schemas.ts';
import { checksByControl } from '../queries/catalog.ts';
import { checkStatus, controlStatuses, floorDay, type ControlStatus } from '../queries/controls.ts';
import type { Computed } from '../queries/read-cache.ts';
import type { Scope } from '../auth/scope.ts';
import type { ServerContext } from '../context.ts';

const statusCounts = z.record(z.enum(controlStatuses), z.number());
const emptyCounts = (): Record<ControlStatus, number> => ({ fail: 0, error: 0, stale: 0, no_data: 0, pass: 0, not_applicable: 0 });

const tag = 'workspace';

const overviewSchema = z.object({
  controls: statusCounts,
  frameworks: z.array(
    z.object({ id: z.string(), name: z.string(), requirements: z.number(), direct: z.number(), supportingOnly: z.number(), uncovered: z.number(), byStatus: statusCounts.describe('Requirements by status.') }),
  ),
  soc2Categories: z.array(z.object({ category: z.string(), requirements: z.number(), byStatus: statusCounts })),
  soc2Groups: z.array(z.object({ group: z.string().describe('e.g. CC6'), title: z.string(), requirements: z.number(), byStatus: statusCounts })).describe('SOC 2 requirements by criteria group, in the framework’s order.'),
  failingControls: z
    .array(z.object({ id: z.string(), title: z.string(), status: z.enum(['fail', 'error']), owner: z.string().nullable(), ownerRole: z.string(), failingResults: z.number() }))
    .describe('Controls failing or in error: failing ones first, most failing results first.'),
  findings: z.object({
    open: z.number().describe('Open and acknowledged findings.'),
    bySeverity: z.array(z.object({ severity: z.string(), on_track: z.number(), at_risk: z.number(), overdue: z.number(), muted: z.number() })),
  }),
  sources: z.array(z.object({ name: z.string(), type: z.string(), title: z.string(), status: z.string(), lastSuccessAt: isoTime().nullable(), lastError: z.string().nullable() })),
  trend: z.object({
    from: isoTime(),
    to: isoTime(),
    controls: z.number().describe('Automated controls counted each day.'),
    days: z.array(z.object({ date: z.string(), passing: z.number(), failing: z.number(), stale: z.number(), no_data: z.number() })),
  }).nullable().describe('null for an auditor not yet invited to an audit period.'),
});
type Overview = z.infer<typeof overviewSchema>;

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
    summary: 'Everything the dashboard overview shows, in one call: controls, posture per framework and SOC 2 group, failing controls, findings, sources, the trend',
    description:
      'Requirement status is the worst status of the controls directly behind it. The trend counts the automated controls (those with checks) per day state over the last 90 days, as GET /api/v1/controls/:id/timeline judges each. For an auditor, statuses are over their audit periods, the trend covers their latest audit period, and sources are omitted.',
    tag,
    access: 'read',
    response: overviewSchema,
    handler: async ({ ctx, principal, scope }) => {
      const showSources = roleHas(principal.user.role, 'read:operations');
      // An auditor's overview is over their audit periods: computed for each request.
      if (scope) return (await overview(ctx, scope, showSources)).value;
      return ctx.reads.get(showSources ? 'overview+sources' : 'overview', () => overview(ctx, scope, showSources));
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

/**
 * The overview as of now, and until when it stays true by the clock alone: the trend's last day
 * ends at midnight UTC, and a finding's SLA state changes at its at-risk point and its due date.
 * Anything else it shows changes only by a write (see queries/read-cache.ts).
 */
async function overview(ctx: ServerContext, scope: Scope, showSources: boolean): Promise<Computed<Overview>> {
  const now = ctx.app.clock.now();
  // An auditor invited to no period yet has no days to show.
  const range = scope && !scope.windows.length ? null : timelineRange({}, scope, now);
  const byControl = checksByControl(ctx.app);
  // Independent reads, issued together (PostgreSQL runs them on several connections).
  const [controls, counts, summary, sourceRows, nextSla] = await Promise.all([
    createControlService({ db: ctx.app.db, workspaceId: ctx.workspaceId }).list(),
    ctx.queries.results.countsByCheck(scope),
    ctx.queries.findings.summary(scope, { unresolved: true }),
    showSources ? listSources(ctx.app.db.orm, ctx.workspaceId) : Promise.resolve([]),
    ctx.queries.findings.nextSlaChange(scope),
  ]);
  const checksOf = (id: string) => (byControl.get(id) ?? []).map((r) => r.check.id);
  const automated = controls.filter((c) => checksOf(c.id).length > 0).map((c) => ({ id: c.id, checks: checksOf(c.id) }));
  const trendDays = range ? await ctx.queries.controls.trend(automated, range.from, range.to, now) : [];

  // Each check's status once; a set of checks' status is the worst of them (as controlStatus).
  const ranks: ControlStatus[] = ['not_applicable', 'pass', 'no_data', 'stale', 'error', 'fail'];
  const rankOfCheck = new Map<string, number>();
  const worstOf = (ids: string[]): ControlStatus => {
    if (!ids.length) return 'no_data';
    let top = 0;
    for (const id of ids) {
      let r = rankOfCheck.get(id);
      if (r === undefined) rankOfCheck.set(id, (r = ranks.indexOf(checkStatus(counts.get(id)))));
      top = Math.max(top, r);
    }
    return ranks[top]!;
  };
  const status = new Map(controls.map((c) => [c.id, worstOf(checksOf(c.id))]));
  const controlCounts = emptyCounts();
  for (const s of status.values()) controlCounts[s]++;

  const catalog = loadCatalog();
  const requirementStatus = (links: { id: string; strength: string }[]): ControlStatus => {
    const judged = links.some((l) => l.strength === 'direct') ? links.filter((l) => l.strength === 'direct') : links;
    if (!judged.length) return 'no_data';
    return worstOf(judged.flatMap((l) => checksOf(l.id)));
  };
  const frameworks = catalog.frameworks.map((f) => {
    const cov = computeCoverage(f, controls);
    const byStatus = emptyCounts();
    for (const r of cov.requirements) byStatus[requirementStatus(r.controls)]++;
    return { id: f.id, name: f.name, requirements: cov.summary.total, direct: cov.summary.direct, supportingOnly: cov.summary.supportingOnly, uncovered: cov.summary.uncovered, byStatus };
  });
  const soc2 = catalog.framework('soc2');
  const soc2Cov = computeCoverage(soc2, controls);
  const soc2Req = new Map(soc2.requirements.map((r) => [r.id, r]));
  const categories = new Map<string, { category: string; requirements: number; byStatus: Record<ControlStatus, number> }>();
  const groups = new Map<string, { group: string; title: string; requirements: number; byStatus: Record<ControlStatus, number> }>();
  soc2Cov.requirements.forEach((r) => {
    const s = requirementStatus(r.controls);
    const category = soc2Req.get(r.id)?.category ?? 'security';
    const e = categories.get(category) ?? { category, requirements: 0, byStatus: emptyCounts() };
    e.requirements++;
    e.byStatus[s]++;
    categories.set(category, e);
    const g = groups.get(r.group) ?? { group: r.group, title: soc2Req.get(r.id)?.groupTitle ?? r.group, requirements: 0, byStatus: emptyCounts() };
    g.requirements++;
    g.byStatus[s]++;
    groups.set(r.group, g);
  });

  const failingResults = (id: string) => checksOf(id).reduce((n, c) => n + (counts.get(c)?.fail ?? 0), 0);
  const failingControls = controls
    .filter((c) => status.get(c.id) === 'fail' || status.get(c.id) === 'error')
    .map((c) => ({ id: c.id, title: c.title, status: status.get(c.id) as 'fail' | 'error', owner: c.owner, ownerRole: c.ownerRole, failingResults: failingResults(c.id) }))
    .sort((a, b) => (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1) || b.failingResults - a.failingResults || (a.id < b.id ? -1 : 1));

  const bySeverity = new Map<string, { severity: string; on_track: number; at_risk: number; overdue: number; muted: number }>();
  let open = 0;
  for (const r of summary) {
    if (!r.sla && r.status !== 'muted') continue;
    const e = bySeverity.get(r.severity) ?? { severity: r.severity, on_track: 0, at_risk: 0, overdue: 0, muted: 0 };
    if (r.sla) {
      open += r.n;
      e[r.sla] += r.n;
    } else e.muted += r.n;
    bySeverity.set(r.severity, e);
  }
  const order = ['critical', 'high', 'medium', 'low', 'info'];
  const sources = sourceRows
    .filter((s) => s.enabled)
    .map((s) => ({ name: s.name, type: s.type, title: connectors.find((c) => c.id === s.type)?.title ?? s.type, status: s.status, lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null, lastError: s.lastError }));
  const midnight = floorDay(now).getTime() + 86_400_000;
  const validUntil = new Date(nextSla ? Math.min(midnight, nextSla.getTime()) : midnight);
  const value: Overview = {
    controls: controlCounts,
    frameworks,
    soc2Categories: [...categories.values()],
    soc2Groups: [...groups.values()],
    failingControls,
    findings: { open, bySeverity: [...bySeverity.values()].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity)) },
    sources,
    trend: range && { from: range.from.toISOString(), to: range.to.toISOString(), controls: automated.length, days: trendDays },
  };
  return { value, validUntil };
}
