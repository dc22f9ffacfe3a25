/**
 * Frameworks and coverage: every requirement with the controls behind it (direct or supporting),
 * those controls' status and checks, and the gaps — requirements no control covers, or covered
 * only by controls without automated checks.
 */
import { z } from 'zod';
import { computeCoverage, createControlService, frameworkIds, loadCatalog, type FrameworkId } from '../../catalog/index.ts';
import { notFound } from '../../lib/errors.ts';
import { defineRoute } from '../http/route.ts';
import { checksByControl } from '../queries/catalog.ts';
import { controlStatus, controlStatuses } from '../queries/controls.ts';

const frameworkSchema = z.object({
  id: z.enum(frameworkIds),
  name: z.string(),
  version: z.string(),
  groupKind: z.string(),
  source: z.string(),
  requirements: z.number().int(),
});

function frameworkOr404(id: string) {
  if (!(frameworkIds as readonly string[]).includes(id)) throw notFound(`no framework "${id}"`, { hint: `frameworks: ${frameworkIds.join(', ')}` });
  return loadCatalog().framework(id as FrameworkId);
}

const tag = 'frameworks';

export const frameworkRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/frameworks',
    operationId: 'listFrameworks',
    summary: 'The frameworks Vigil maps to (SOC 2, ISO 27001, NIST SP 800-171, CMMC Level 2)',
    tag,
    access: 'read',
    response: z.array(frameworkSchema),
    handler: async () =>
      loadCatalog().frameworks.map((f) => ({ id: f.id, name: f.name, version: f.version, groupKind: f.groupKind, source: f.source, requirements: f.requirements.length })),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/frameworks/:id',
    operationId: 'getFramework',
    summary: "A framework's requirements (with assessment objectives where the framework has them)",
    tag,
    access: 'read',
    params: z.object({ id: z.string() }),
    response: frameworkSchema.extend({
      requirementList: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          group: z.string(),
          groupTitle: z.string(),
          category: z.string().optional(),
          practiceId: z.string().optional(),
          weight: z.number().nullable().optional(),
          objectives: z.array(z.object({ id: z.string(), text: z.string() })).optional(),
        }),
      ),
    }),
    handler: async ({ params }) => {
      const f = frameworkOr404(params.id);
      return {
        id: f.id,
        name: f.name,
        version: f.version,
        groupKind: f.groupKind,
        source: f.source,
        requirements: f.requirements.length,
        requirementList: f.requirements.map((r) => ({
          id: r.id,
          title: r.title,
          group: r.group,
          groupTitle: r.groupTitle,
          ...(r.category ? { category: r.category } : {}),
          ...(r.practiceId ? { practiceId: r.practiceId } : {}),
          ...(r.weight !== undefined ? { weight: r.weight } : {}),
          ...(r.objectives ? { objectives: r.objectives } : {}),
        })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/frameworks/:id/coverage',
    operationId: 'getCoverage',
    summary: 'Coverage per requirement: the controls and checks behind it, direct or supporting, their status, and gaps',
    description: 'gap: "uncovered" (no control), "supporting_only" (no direct control), "manual_only" (its controls have no checks), or null.',
    tag,
    access: 'read',
    params: z.object({ id: z.string() }),
    response: z.object({
      framework: z.string(),
      summary: z.object({ total: z.number(), direct: z.number(), supportingOnly: z.number(), uncovered: z.number(), automated: z.number() }),
      requirements: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          group: z.string(),
          coverage: z.enum(['direct', 'supporting', 'uncovered']),
          gap: z.enum(['uncovered', 'supporting_only', 'manual_only']).nullable(),
          status: z.enum(controlStatuses).describe('Worst status of its direct controls (of all, when none is direct).'),
          controls: z.array(z.object({ id: z.string(), title: z.string(), strength: z.enum(['direct', 'supporting']), status: z.enum(controlStatuses), checks: z.array(z.string()) })),
        }),
      ),
    }),
    handler: async ({ ctx, params, scope }) => {
      const f = frameworkOr404(params.id);
      // The controls once (coverage and titles from the same list), read with the counts.
      const [controls, counts] = await Promise.all([createControlService({ db: ctx.app.db, workspaceId: ctx.workspaceId }).list(), ctx.queries.results.countsByCheck(scope)]);
      const report = computeCoverage(f, controls);
      const titles = new Map(controls.map((c) => [c.id, c.title]));
      const byControl = checksByControl(ctx.app);
      let automated = 0;
      const requirements = report.requirements.map((r) => {
        const controls = r.controls.map((l) => {
          const checks = (byControl.get(l.id) ?? []).map((x) => x.check.id);
          return { id: l.id, title: titles.get(l.id) ?? l.id, strength: l.strength, status: controlStatus(checks, counts), checks };
        });
        const anyChecks = controls.some((c) => c.checks.length > 0);
        if (anyChecks) automated++;
        const judged = controls.some((c) => c.strength === 'direct') ? controls.filter((c) => c.strength === 'direct') : controls;
        const status = judged.length ? controlStatus(judged.flatMap((c) => c.checks), counts) : 'no_data';
        const gap = r.coverage === 'uncovered' ? 'uncovered' : r.coverage === 'supporting' ? 'supporting_only' : anyChecks ? null : 'manual_only';
        return { id: r.id, title: r.title, group: r.group, coverage: r.coverage, gap, status, controls } as const;
      });
      return { framework: report.framework, summary: { ...report.summary, automated }, requirements };
    },
  }),
];
