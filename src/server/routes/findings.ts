/**
 * The findings work queue: list with filters, sorts and cursor pagination; one finding with its
 * history; acknowledge, assign, mute — one at a time or in bulk. Changes go through the finding
 * service, which records each transition as a finding event and an evidence record.
 */
import { z } from 'zod';
import { severities } from '../../core/config/schema.ts';
import { findingStatuses, type FindingRow } from '../../db/schema/findings.ts';
import { invalidInput, isVigilError, notFound } from '../../lib/errors.ts';
import type { Principal, ServerContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';
import { boolParam, csvEnum, cursorParam, idParam, isoTime, limitParam, page } from '../http/schemas.ts';
import { findingSorts, slaStates, type FindingWithSla } from '../queries/findings.ts';
import { findingView } from '../../core/findings.ts';
import { assertCanWorkFinding, ownedControls } from '../queries/ownership.ts';
import type { Computed } from '../queries/read-cache.ts';
import type { Scope } from '../auth/scope.ts';

const findingsSummarySchema = z.object({
  active: z.array(z.object({ severity: z.string(), on_track: z.number(), at_risk: z.number(), overdue: z.number(), muted: z.number() })),
  byStatus: z.record(z.string(), z.number()),
});
type FindingsSummary = z.infer<typeof findingsSummarySchema>;

export const findingSchema = z.object({
  id: z.string(),
  check: z.string(),
  title: z.string(),
  resource: z.string(),
  controls: z.array(z.string()),
  source: z.string().nullable(),
  severity: z.string(),
  status: z.enum(findingStatuses),
  owner: z.string().nullable(),
  reason: z.string().describe('What failed and why.'),
  remediation: z.string().nullable().describe('How to fix it.'),
  openedAt: isoTime(),
  dueAt: isoTime().describe('From the SLA of its severity, counted from detection.'),
  slaState: z.enum(slaStates).nullable().describe('on_track, at_risk or overdue while open or acknowledged; null otherwise.'),
  resolvedAt: isoTime().nullable(),
  reopenedCount: z.number().int(),
  mute: z.object({ reason: z.string(), approver: z.string().nullable(), expiresAt: isoTime().nullable() }).nullable(),
  updatedAt: isoTime(),
});

export const findingJson = (f: FindingWithSla): z.input<typeof findingSchema> => ({ ...findingView(f), slaState: f.slaState });

const historySchema = z.object({
  at: isoTime(),
  actor: z.string(),
  action: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  note: z.string().nullable(),
  evidence: z.string().nullable().describe('The evidence record of this transition.'),
});

/** A date (2027-03-31) or a span from now (30d, 6w), as the CLI accepts. */
function parseUntil(v: string, now: Date): Date {
  const rel = /^(\d+)([dw])$/.exec(v);
  if (rel) return new Date(now.getTime() + Number(rel[1]) * (rel[2] === 'w' ? 7 : 1) * 86_400_000);
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw invalidInput(`"until" must be a date (2027-03-31) or a span (30d, 6w), got "${v}"`, { where: 'body.until' });
  return d;
}

const actorOf = (p: Principal) => `user:${p.user.email}`;

async function workable(ctx: ServerContext, p: Principal, id: string): Promise<FindingRow> {
  const f = await ctx.queries.findings.get(id, null);
  if (!f) throw notFound(`no finding ${id} in this workspace`);
  await assertCanWorkFinding(ctx.app.db, ctx.workspaceId, p, f);
  return f;
}

const muteBody = {
  reason: z.string().min(1).max(2000).describe('Why the risk is accepted.'),
  approver: z.string().min(1).max(200).describe('Who approved it.'),
  until: z.string().describe('When the mute expires: a date (2027-03-31) or a span (30d, 6w); at most one year.'),
};

const actions = {
  async acknowledge(ctx: ServerContext, p: Principal, id: string, b: { note?: string | undefined }) {
    await workable(ctx, p, id);
    return ctx.app.monitor.findings.acknowledge(ctx.workspaceId, id, actorOf(p), b.note);
  },
  async assign(ctx: ServerContext, p: Principal, id: string, b: { owner?: string | undefined }) {
    await workable(ctx, p, id);
    if (!b.owner) throw invalidInput('an owner is required', { where: 'body.owner' });
    return ctx.app.monitor.findings.assign(ctx.workspaceId, id, b.owner, actorOf(p));
  },
  async mute(ctx: ServerContext, p: Principal, id: string, b: { reason?: string | undefined; approver?: string | undefined; until?: string | undefined }) {
    await workable(ctx, p, id);
    if (!b.reason || !b.approver || !b.until) throw invalidInput('a mute needs a reason, an approver and "until"', { where: 'body' });
    const expiresAt = parseUntil(b.until, ctx.app.clock.now());
    return ctx.app.monitor.findings.mute(ctx.workspaceId, id, { reason: b.reason, approver: b.approver, expiresAt }, actorOf(p));
  },
};

async function reread(ctx: ServerContext, id: string) {
  const f = await ctx.queries.findings.get(id, null);
  if (!f) throw notFound(`no finding ${id} in this workspace`);
  return findingJson(f);
}

const tag = 'findings';

export const findingRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/findings',
    operationId: 'listFindings',
    summary: 'The work queue: filter, sort and page through findings',
    description: 'Keyset pagination: pass nextCursor back as cursor. Default: active findings (open, acknowledged, muted) by due date.',
    tag,
    access: 'read',
    query: z.object({
      status: csvEnum(findingStatuses, 'Statuses (default open,acknowledged,muted).').optional(),
      severity: csvEnum(severities, 'Severities.').optional(),
      sla: csvEnum(slaStates, 'SLA states (only open and acknowledged findings have one).').optional(),
      owner: z.string().max(254).optional().describe('Exact owner; "me" for yourself; empty for unassigned.'),
      mine: boolParam('Only findings you may work: assigned to you or of controls you own.').optional(),
      source: z.string().max(200).optional(),
      control: z.string().max(200).optional(),
      check: z.string().max(200).optional(),
      sort: z.enum(findingSorts).default('due').describe('due (default), opened, severity (critical first) or updated.'),
      order: z.enum(['asc', 'desc']).default('asc'),
      limit: limitParam(50, 500),
      cursor: cursorParam(),
      includeTotal: boolParam('Also count every match (one more query).').optional(),
    }),
    response: page(findingSchema),
    handler: async ({ ctx, query, principal, scope }) => {
      const email = principal.user.email;
      const r = await ctx.queries.findings.page(
        {
          ...query,
          status: query.status ?? ['open', 'acknowledged', 'muted'],
          owner: query.owner === 'me' ? email : query.owner,
          workableBy: query.mine ? { email, controls: await ownedControls(ctx.app.db, ctx.workspaceId, email) } : undefined,
        },
        scope,
      );
      return { ...r, items: r.items.map(findingJson) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/findings/summary',
    operationId: 'summarizeFindings',
    summary: 'Counts: active findings by severity and SLA state, all findings by status',
    tag,
    access: 'read',
    response: findingsSummarySchema,
    handler: async ({ ctx, scope }) => {
      // Kept like the overview until a write or the next SLA boundary; an auditor's, over their
      // audit periods, is counted for each request.
      if (scope) return (await findingsSummary(ctx, scope, false)).value;
      return ctx.reads.get('findings.summary', () => findingsSummary(ctx, scope, true));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/findings/bulk',
    operationId: 'bulkFindings',
    summary: 'Acknowledge, assign or mute many findings at once; each succeeds or fails on its own',
    tag,
    access: 'findings:work',
    body: z.object({
      ids: z.array(z.string()).min(1).max(500),
      action: z.enum(['acknowledge', 'assign', 'mute']),
      note: z.string().max(2000).optional(),
      owner: z.string().max(254).optional(),
      reason: muteBody.reason.optional(),
      approver: muteBody.approver.optional(),
      until: muteBody.until.optional(),
    }),
    response: z.object({
      results: z.array(z.object({ id: z.string(), ok: z.boolean(), finding: findingSchema.optional(), error: z.object({ error: z.string(), message: z.string() }).optional() })),
    }),
    audit: ({ body, result }) => ({
      action: `finding.bulk_${body.action}`,
      subject: 'findings',
      details: { ...body, ok: (result as { results: { id: string; ok: boolean }[] }).results.filter((r) => r.ok).map((r) => r.id) },
    }),
    handler: async ({ ctx, body, principal }) => {
      const results = [];
      for (const id of [...new Set(body.ids)]) {
        try {
          await actions[body.action](ctx, principal, id, body);
          results.push({ id, ok: true, finding: await reread(ctx, id) });
        } catch (e) {
          if (!isVigilError(e)) throw e;
          results.push({ id, ok: false, error: { error: e._tag, message: e.message } });
        }
      }
      return { results };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/findings/:id',
    operationId: 'getFinding',
    summary: 'One finding: what failed, why, how to fix it, and its history',
    tag,
    access: 'read',
    params: idParam('finding'),
    response: findingSchema.extend({ history: z.array(historySchema), canWork: z.boolean().describe('Whether you may acknowledge, assign or mute it.') }),
    handler: async ({ ctx, params, principal, scope }) => {
      const f = await ctx.queries.findings.get(params.id, scope);
      if (!f) throw notFound(`no finding ${params.id} in this workspace`);
      const history = await ctx.queries.findings.history(f.id, scope);
      const canWork =
        (principal.user.role === 'admin' || principal.user.role === 'member') &&
        (await assertCanWorkFinding(ctx.app.db, ctx.workspaceId, principal, f).then(
          () => true,
          () => false,
        ));
      return {
        ...findingJson(f),
        canWork,
        history: history.map((h) => ({ at: h.at.toISOString(), actor: h.actor, action: h.action, from: h.fromStatus, to: h.toStatus, note: h.note, evidence: h.evidenceId })),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/findings/:id/acknowledge',
    operationId: 'acknowledgeFinding',
    summary: 'Acknowledge an open finding (someone is on it)',
    tag,
    access: 'findings:work',
    params: idParam('finding'),
    body: z.object({ note: z.string().max(2000).optional() }),
    response: findingSchema,
    audit: ({ params, body }) => ({ action: 'finding.acknowledge', subject: `finding/${params.id}`, details: body }),
    handler: async ({ ctx, params, body, principal }) => {
      await actions.acknowledge(ctx, principal, params.id, body);
      return reread(ctx, params.id);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/findings/:id/assign',
    operationId: 'assignFinding',
    summary: 'Give a finding to an owner',
    tag,
    access: 'findings:work',
    params: idParam('finding'),
    body: z.object({ owner: z.string().min(1).max(254).describe('Email or team.') }),
    response: findingSchema,
    audit: ({ params, body }) => ({ action: 'finding.assign', subject: `finding/${params.id}`, details: body }),
    handler: async ({ ctx, params, body, principal }) => {
      await actions.assign(ctx, principal, params.id, body);
      return reread(ctx, params.id);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/findings/:id/mute',
    operationId: 'muteFinding',
    summary: 'Accept the risk for a while: needs a reason, an approver and an expiry; still not a pass',
    tag,
    access: 'findings:work',
    params: idParam('finding'),
    body: z.object(muteBody),
    response: findingSchema,
    audit: ({ params, body }) => ({ action: 'finding.mute', subject: `finding/${params.id}`, details: body }),
    handler: async ({ ctx, params, body, principal }) => {
      await actions.mute(ctx, principal, params.id, body);
      return reread(ctx, params.id);
    },
  }),
];

/**
 * Active findings by severity and SLA state, all by status; true until the next SLA boundary by the
 * clock alone (asked only for an answer that is kept: `keep`).
 */
async function findingsSummary(ctx: ServerContext, scope: Scope, keep: boolean): Promise<Computed<FindingsSummary>> {
  const [rows, next] = await Promise.all([ctx.queries.findings.summary(scope), keep ? ctx.queries.findings.nextSlaChange(scope) : null]);
  const bySeverity = new Map(severities.map((s) => [s as string, { severity: s as string, on_track: 0, at_risk: 0, overdue: 0, muted: 0 }]));
  const byStatus: Record<string, number> = Object.fromEntries(findingStatuses.map((s) => [s, 0]));
  for (const r of rows) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
    const s = bySeverity.get(r.severity) ?? { severity: r.severity, on_track: 0, at_risk: 0, overdue: 0, muted: 0 };
    if (r.sla) s[r.sla] += r.n;
    else if (r.status === 'muted') s.muted += r.n;
    bySeverity.set(r.severity, s);
  }
  return { value: { active: [...bySeverity.values()], byStatus }, validUntil: next };
}
