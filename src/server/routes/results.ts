/** Check results: the current state per (check, resource), and the history of state changes. */
import { z } from 'zod';
import { resultStatuses, type CheckResultRow } from '../../db/schema/check-results.ts';
import { invalidInput } from '../../lib/errors.ts';
import type { ServerContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';
import { csvEnum, cursorParam, dateParam, isoTime, limitParam, page } from '../http/schemas.ts';
import { checkIdsOf, findCheck } from '../queries/catalog.ts';

const resultBase = {
  check: z.string(),
  resource: z.string(),
  status: z.enum(resultStatuses),
  severity: z.string(),
  reason: z.string(),
  remediation: z.string().nullable(),
  evidence: z.array(z.string()).describe('Evidence record ids it was judged on.'),
  details: z.record(z.string(), z.unknown()).nullable(),
  since: isoTime().describe('When this state began.'),
  judgedAt: isoTime(),
  evidenceId: z.string().nullable().describe('The check.result evidence record of this state.'),
};

const currentSchema = z.object({
  ...resultBase,
  title: z.string(),
  controls: z.array(z.string()),
  muted: z.boolean().describe('A failure whose finding is muted (still not a pass).'),
  finding: z.string().nullable(),
});

const historySchema = z.object({ ...resultBase, id: z.number().int(), until: isoTime().nullable().describe('When it stopped being so; null if it still is.') });

const base = (r: CheckResultRow) => ({
  check: r.checkId,
  resource: r.resource,
  status: r.status,
  severity: r.severity,
  reason: r.reason,
  remediation: r.remediation,
  evidence: r.evidence,
  details: r.details ?? null,
  since: r.validFrom.toISOString(),
  judgedAt: r.judgedAt.toISOString(),
  evidenceId: r.evidenceId,
});

/** The checks a request is about: ?check=, or every check of ?control=, or all running checks. */
function selectedChecks(ctx: ServerContext, q: { check?: string | undefined; control?: string | undefined }): string[] {
  if (q.check) return [q.check];
  if (q.control) return checkIdsOf(ctx.app, q.control);
  return ctx.app.monitor.checks.map((r) => r.check.id);
}

const tag = 'results';

export const resultRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/results',
    operationId: 'listResults',
    summary: 'Current results per (check, resource), paged',
    tag,
    access: 'read',
    query: z.object({
      check: z.string().optional(),
      control: z.string().optional().describe("Results of this control's checks."),
      status: csvEnum(resultStatuses, 'Statuses.').optional(),
      resource: z.string().optional().describe('Resources starting with this.'),
      limit: limitParam(100, 1000),
      cursor: cursorParam(),
    }),
    response: page(currentSchema),
    handler: async ({ ctx, query, scope }) => {
      const r = await ctx.queries.results.current({ ...query, checks: selectedChecks(ctx, query) }, scope);
      return {
        nextCursor: r.nextCursor,
        items: r.items.map((x) => {
          const c = findCheck(ctx.app, x.checkId)!.check;
          return { ...base(x), title: c.title, controls: c.controls, muted: x.status === 'fail' && x.findingStatus === 'muted', finding: x.status === 'fail' ? x.findingId : null };
        }),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/results/history',
    operationId: 'listResultHistory',
    summary: 'State changes of a check (or of a control’s checks), optionally for one resource, newest first',
    tag,
    access: 'read',
    query: z.object({
      check: z.string().optional(),
      control: z.string().optional(),
      resource: z.string().optional().describe('Exactly this resource.'),
      from: dateParam('States that held at or after.').optional(),
      to: dateParam('States that began before.').optional(),
      limit: limitParam(100, 1000),
      cursor: cursorParam(),
    }),
    response: page(historySchema),
    handler: async ({ ctx, query, scope }) => {
      if (!query.check && !query.control) throw invalidInput('name a check or a control', { where: 'query.check' });
      const r = await ctx.queries.results.history({ ...query, checks: selectedChecks(ctx, query) }, scope);
      return { nextCursor: r.nextCursor, items: r.items.map((x) => ({ ...base(x), id: x.id, until: x.validTo?.toISOString() ?? null })) };
    },
  }),
];
