/**
 * Raising an alert: validate it, pick the channels the rules name, and enqueue one outbox row per
 * channel — in the caller's transaction when one is given, so a finding and its alert commit or
 * roll back together. Raising the same alert again (same kind and key) enqueues nothing new.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { AlertsConfig } from '../core/config/schema.ts';
import type { Database, Executor } from '../db/client.ts';
import { outboxDeliveries } from '../db/schema/outbox-deliveries.ts';
import type { Clock } from '../lib/clock.ts';
import { newId } from '../lib/ids.ts';
import { alertKey, parseAlert, type AlertInput } from './alerts.ts';
import { routeAlert } from './routing.ts';

export interface AlerterDeps {
  db: Database;
  clock: Clock;
  config: Pick<AlertsConfig, 'channels' | 'rules' | 'digest'>;
  /**
   * Channels and rules defined outside vigil.yaml (added through the API), read in the caller's
   * transaction at each alert; routing needs no secret, so they may come with secrets sealed.
   */
  more?: (workspaceId: string, ex: Executor) => Promise<Pick<AlertsConfig, 'channels' | 'rules'>>;
}

export interface RaisedDelivery {
  channel: string;
  /** The delivery id (Vigil-Delivery-Id); for a duplicate, the id enqueued the first time. */
  id: string;
  /** false when this alert had already been enqueued for this channel. */
  enqueued: boolean;
}

export interface Alerter {
  raise(workspaceId: string, alert: AlertInput, tx?: Executor): Promise<RaisedDelivery[]>;
}

export const idempotencyKey = (kind: string, key: string, channel: string) => `${kind}:${key}@${channel}`;

export function createAlerter({ db, clock, config, more }: AlerterDeps): Alerter {
  return {
    async raise(workspaceId, input, tx) {
      const alert = parseAlert(input);
      const ex = tx ?? db.orm;
      const extra = more ? await more(workspaceId, ex) : undefined;
      const targets = routeAlert(extra ? { ...config, channels: [...config.channels, ...extra.channels], rules: [...config.rules, ...extra.rules] } : config, alert);
      if (targets.length === 0) return [];
      const now = clock.now();
      const key = alertKey(alert);
      const rows = targets.map((c) => ({
        id: newId('dlv', now.getTime()),
        workspaceId,
        idempotencyKey: idempotencyKey(alert.kind, key, c.name),
        channel: c.name,
        channelType: c.type,
        kind: alert.kind,
        alert,
        raisedAt: now,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      }));
      const inserted = await ex
        .insert(outboxDeliveries)
        .values(rows)
        .onConflictDoNothing({ target: [outboxDeliveries.workspaceId, outboxDeliveries.idempotencyKey] })
        .returning({ id: outboxDeliveries.id, channel: outboxDeliveries.channel });
      const fresh = new Map(inserted.map((r) => [r.channel, r.id]));
      const missing = rows.filter((r) => !fresh.has(r.channel)).map((r) => r.idempotencyKey);
      const earlier = missing.length
        ? await ex
            .select({ id: outboxDeliveries.id, channel: outboxDeliveries.channel })
            .from(outboxDeliveries)
            .where(and(eq(outboxDeliveries.workspaceId, workspaceId), inArray(outboxDeliveries.idempotencyKey, missing)))
        : [];
      const old = new Map(earlier.map((r) => [r.channel, r.id]));
      return rows.map((r) => {
        const id = fresh.get(r.channel);
        return id ? { channel: r.channel, id, enqueued: true } : { channel: r.channel, id: old.get(r.channel) ?? '', enqueued: false };
      });
    },
  };
}
