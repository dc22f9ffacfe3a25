/**
 * Alert channels and routing as configured in vigil.yaml (read-only here; secrets masked), and the
 * outbox of deliveries with their status, so an alert that could not be sent is visible.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { AlertChannelConfig } from '../../core/config/schema.ts';
import { REDACTED } from '../../connectors/sdk/index.ts';
import { deliveryStatuses, outboxDeliveries } from '../../db/schema/outbox-deliveries.ts';
import { invalidInput } from '../../lib/errors.ts';
import { defineRoute } from '../http/route.ts';
import { csvEnum, cursorParam, decodeCursor, encodeCursor, isoTime, limitParam, page } from '../http/schemas.ts';

/** A URL safe to show: no user info, no query string (tokens hide in both). */
function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? `?${REDACTED}` : ''}`;
  } catch {
    return REDACTED;
  }
}

function channelJson(ch: AlertChannelConfig): Record<string, unknown> {
  switch (ch.type) {
    case 'webhook':
      return { name: ch.name, type: ch.type, url: maskUrl(ch.url), secret: REDACTED, timeoutMs: ch.timeoutMs };
    case 'slack':
      // The incoming-webhook URL is itself the credential.
      return { name: ch.name, type: ch.type, url: REDACTED, timeoutMs: ch.timeoutMs };
    case 'email':
      return {
        name: ch.name,
        type: ch.type,
        to: ch.to,
        toOwner: ch.toOwner,
        from: ch.from,
        smtp: { host: ch.smtp.host, port: ch.smtp.port, secure: ch.smtp.secure, user: ch.smtp.user ?? null, password: ch.smtp.password ? REDACTED : null },
        timeoutMs: ch.timeoutMs,
      };
  }
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
      channels: z.array(z.record(z.string(), z.unknown()).describe('name, type and the channel’s settings; secrets are "[REDACTED]".')),
      rules: z.array(z.object({ channel: z.string(), kinds: z.array(z.string()), minSeverity: z.string().optional(), owners: z.array(z.string()).optional() })),
      digest: z.object({ schedule: z.string(), channel: z.string() }).nullable(),
      slaAtRisk: z.number(),
    }),
    handler: async ({ ctx }) => {
      const a = ctx.app.loaded.config.alerts;
      return { channels: a.channels.map(channelJson), rules: a.rules, digest: a.digest ?? null, slaAtRisk: a.slaAtRisk };
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
