import { index, integer, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt, utc, workspaceId } from './_helpers.ts';

export const deliveryStatuses = ['pending', 'sending', 'sent', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const channelTypes = ['webhook', 'slack', 'email'] as const;
export type ChannelType = (typeof channelTypes)[number];

/**
 * The alert outbox: one row per (alert, channel), enqueued in the caller's transaction and sent by
 * a dispatcher (src/notify). `alert` holds `{ kind, payload }`; channels render it at send time.
 */
export const outboxDeliveries = pgTable(
  'outbox_deliveries',
  {
    id: id(),
    workspaceId: workspaceId(),
    idempotencyKey: text('idempotency_key').notNull(),
    channel: text('channel').notNull(),
    channelType: text('channel_type', { enum: channelTypes }).notNull(),
    kind: text('kind').notNull(),
    alert: jsonb('alert').$type<{ kind: string; payload: unknown }>().notNull(),
    raisedAt: utc('raised_at').notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: utc('next_attempt_at').notNull(),
    leaseUntil: utc('lease_until'),
    leaseToken: text('lease_token'),
    lastError: text('last_error'),
    lastAttemptAt: utc('last_attempt_at'),
    sentAt: utc('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('outbox_deliveries_workspace_id_idempotency_key_key').on(t.workspaceId, t.idempotencyKey),
    index('outbox_deliveries_by_status').on(t.workspaceId, t.status, t.createdAt.desc()),
  ],
);

export type OutboxDeliveryRow = typeof outboxDeliveries.$inferSelect;
