/**
 * Alert channels and routing: those of vigil.yaml (read-only here) and those added, changed and
 * deleted here (stored with their secrets encrypted, each with its own rules); secrets are always
 * masked. And the outbox of deliveries with their status, so an alert that could not be sent is
 * visible.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { assertNotDeclared, channelView, storedRuleSchema, type StoredChannel } from '../../core/channels.ts';
import { alertKindSchema, severitySchema } from '../../core/config/schema.ts';
import { REDACTED } from '../../connectors/sdk/index.ts';
import { deliveryStatuses, outboxDeliveries } from '../../db/schema/outbox-deliveries.ts';
import { invalidInput, notFound } from '../../lib/errors.ts';
import type { ServerContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';
import { csvEnum, cursorParam, decodeCursor, encodeCursor, isoTime, limitParam, page } from '../http/schemas.ts';

/** A stored channel as shown: from its sealed settings, every secret masked without opening it. */
function storedJson(c: StoredChannel): Record<string, unknown> {
  const view = channelView(c.sealed);
  // A sealed webhook URL cannot be shortened without the key: show the URL masked whole.
  if (c.type === 'webhook') view.url = REDACTED;
  return { ...view, origin: 'api', rules: c.rules };
}

const ruleSchema = z.object({
  kinds: z.array(alertKindSchema).min(1).describe('Alert kinds this channel receives.'),
  minSeverity: severitySchema.optional().describe('Only findings at or above this severity.'),
  owners: z.array(z.string().min(1)).optional().describe('Only alerts about things these owners own.'),
});

const channelOut = z.record(z.string(), z.unknown()).describe('name, type, origin (config | api), the channel’s settings, and for an API channel its rules; secrets are "[REDACTED]".');

async function storedOr404(ctx: ServerContext, name: string): Promise<StoredChannel> {
  const c = await ctx.app.channelStore.get(ctx.workspaceId, name);
  if (!c) {
    assertNotDeclared(ctx.app.loaded.config.alerts, name);
    throw notFound(`no alert channel named "${name}" was added through the API`);
  }
  return c;
}

const cursorSchema = z.object({ t: z.string(), id: z.string() });
const tag = 'alerts';

export const alertRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/alerts/channels',
    operationId: 'listAlertChannels',
    summary: 'Alert channels, routing rules, digest and SLA-at-risk threshold (secrets masked)',
    tag,
    access: 'read:operations',
    response: z.object({
      channels: z.array(channelOut),
      rules: z
        .array(z.object({ channel: z.string(), kinds: z.array(z.string()), minSeverity: z.string().optional(), owners: z.array(z.string()).optional() }))
        .describe('Every rule in force: those of vigil.yaml, then those of the channels added through the API.'),
      digest: z.object({ schedule: z.string(), channel: z.string() }).nullable(),
      slaAtRisk: z.number(),
    }),
    handler: async ({ ctx }) => {
      const a = ctx.app.loaded.config.alerts;
      const stored = await ctx.app.channelStore.list(ctx.workspaceId);
      return {
        channels: [...a.channels.map((c) => ({ ...channelView(c), origin: 'config' })), ...stored.map(storedJson)],
        rules: [...a.rules, ...stored.flatMap((c) => c.rules.map((r) => ({ channel: c.name, ...r })))],
        digest: a.digest ?? null,
        slaAtRisk: await ctx.app.settings.slaAtRisk(ctx.workspaceId),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/alerts/channels',
    operationId: 'addAlertChannel',
    summary: 'Add an alert channel (webhook, Slack or email) with the rules saying which alerts it receives',
    description:
      '`config` is a channel as in vigil.yaml alerts.channels (name, type and its settings; 400 naming the field on error; 409 when vigil.yaml or an earlier call uses the name). Its secrets (webhook URL and secret, Slack URL, SMTP password) are encrypted at rest and never shown again. `rules` say which alerts go to it, as alerts.rules without `channel`.',
    tag,
    access: 'admin',
    status: 201,
    body: z.object({ config: z.record(z.string(), z.unknown()), rules: z.array(ruleSchema).default([]) }),
    response: channelOut,
    audit: ({ body, result }) => {
      const r = result as { name: string; type: string };
      return { action: 'alert_channel.create', subject: `alert-channel/${r.name}`, details: { type: r.type, rules: body.rules } };
    },
    handler: async ({ ctx, c, body, principal }) => {
      const rules = body.rules.map((r) => storedRuleSchema.parse(r));
      const added = await ctx.app.channelStore.add(ctx.workspaceId, { config: body.config, rules }, { reserved: ctx.app.loaded.config.alerts.channels.map((x) => x.name), actor: principal.user.id });
      return c.json(storedJson(added), 201);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/alerts/channels/:name',
    operationId: 'updateAlertChannel',
    summary: 'Change an alert channel added through the API (its settings or rules); a vigil.yaml channel answers 409',
    description: '`config` replaces the settings (name and type stay); a secret left out, or sent as the masked value shown, keeps the stored one. `rules` replaces the rules.',
    tag,
    access: 'admin',
    params: z.object({ name: z.string() }),
    body: z.object({ config: z.record(z.string(), z.unknown()).optional(), rules: z.array(ruleSchema).optional() }),
    response: channelOut,
    audit: ({ params, body }) => ({
      action: 'alert_channel.update',
      subject: `alert-channel/${params.name}`,
      details: { ...(body.config ? { configFields: Object.keys(body.config) } : {}), ...(body.rules ? { rules: body.rules } : {}) },
    }),
    handler: async ({ ctx, params, body }) => {
      await storedOr404(ctx, params.name);
      const updated = await ctx.app.channelStore.update(ctx.workspaceId, params.name, { config: body.config, rules: body.rules?.map((r) => storedRuleSchema.parse(r)) });
      return storedJson(updated);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/alerts/channels/:name',
    operationId: 'deleteAlertChannel',
    summary: 'Delete an alert channel added through the API',
    description: 'Its deliveries stay in the outbox history; one still pending when it is deleted ends as failed ("no longer defined"). A vigil.yaml channel answers 409.',
    tag,
    access: 'admin',
    params: z.object({ name: z.string() }),
    response: z.object({ deleted: z.literal(true), name: z.string() }),
    audit: ({ params }) => ({ action: 'alert_channel.delete', subject: `alert-channel/${params.name}` }),
    handler: async ({ ctx, params }) => {
      await storedOr404(ctx, params.name);
      await ctx.app.channelStore.remove(ctx.workspaceId, params.name);
      return { deleted: true as const, name: params.name };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/alerts/deliveries',
    operationId: 'listAlertDeliveries',
    summary: 'Alert deliveries, newest first: sent, pending, failed (retrying) or dead',
    tag,
    access: 'read:operations',
    query: z.object({ status: csvEnum(deliveryStatuses, 'Statuses.').optional(), channel: z.string().optional(), limit: limitParam(50, 500), cursor: cursorParam() }),
    response: page(
      z.object({
        id: z.string(),
        channel: z.string(),
        channelType: z.string(),
        kind: z.string(),
        status: z.enum(deliveryStatuses),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        raisedAt: isoTime(),
        nextAttemptAt: isoTime(),
        sentAt: isoTime().nullable(),
      }),
    ),
    handler: async ({ ctx, query }) => {
      const where: SQL[] = [eq(outboxDeliveries.workspaceId, ctx.workspaceId)];
      if (query.status) where.push(sql`${outboxDeliveries.status} IN (${sql.join(query.status.map((s) => sql`${s}`), sql`, `)})`);
      if (query.channel) where.push(eq(outboxDeliveries.channel, query.channel));
      const key = sql`to_char(${outboxDeliveries.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
      if (query.cursor) {
        const cur = decodeCursor(query.cursor, cursorSchema);
        if (!cur) throw invalidInput('this cursor is not valid; start again without one', { where: 'query.cursor' });
        where.push(sql`(${outboxDeliveries.createdAt}, ${outboxDeliveries.id}) < (${cur.t}::timestamptz, ${cur.id})`);
      }
      const rows = await ctx.app.db.orm
        .select({ d: outboxDeliveries, k: sql<string>`${key}` })
        .from(outboxDeliveries)
        .where(and(...where))
        .orderBy(sql`${outboxDeliveries.createdAt} DESC`, sql`${outboxDeliveries.id} DESC`)
        .limit(query.limit + 1);
      const items = rows.slice(0, query.limit);
      const last = items[items.length - 1];
      return {
        nextCursor: rows.length > query.limit && last ? encodeCursor({ t: last.k, id: last.d.id }) : null,
        items: items.map(({ d }) => ({
          id: d.id,
          channel: d.channel,
          channelType: d.channelType,
          kind: d.kind,
          status: d.status,
          attempts: d.attempts,
          lastError: d.lastError,
          raisedAt: d.raisedAt.toISOString(),
          nextAttemptAt: d.nextAttemptAt.toISOString(),
          sentAt: d.sentAt?.toISOString() ?? null,
        })),
      };
    },
  }),
];
