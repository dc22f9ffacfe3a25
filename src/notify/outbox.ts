/**
 * The outbox table's queries, scoped to one workspace. Claiming is one statement — select due rows
 * `FOR UPDATE SKIP LOCKED`, mark them `sending` with a lease and a token — so dispatchers in
 * several processes never claim the same row, and a row whose sender died is claimable again
 * once its lease has passed. Every later write names the lease token, so a dispatcher that lost
 * its lease cannot overwrite the outcome of the one that took over.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { outboxDeliveries, type DeliveryStatus, type OutboxDeliveryRow } from '../db/schema/outbox-deliveries.ts';
import type { ChannelType } from './channel.ts';

export interface ClaimedRow {
  id: string;
  channel: string;
  channelType: ChannelType;
  kind: string;
  alert: unknown;
  raisedAt: Date;
  /** This attempt's number (attempts are counted when claimed). */
  attempts: number;
}

interface RawClaimed {
  id: string;
  channel: string;
  channel_type: ChannelType;
  kind: string;
  alert: unknown;
  raised_at: Date | string;
  attempts: number;
}

export function createOutboxRepo(db: Database, workspaceId: string) {
  const one = async (text: string, params: unknown[]) => (await db.query<{ id: string }>(text, params)).length === 1;

  return {
    /** Claim up to `limit` due rows (pending and due, or sending with an expired lease) for this lease. */
    async claim(o: { now: Date; leaseUntil: Date; token: string; limit: number; maxAttempts: number }): Promise<ClaimedRow[]> {
      const rows = await db.query<RawClaimed>(
        `WITH due AS (
           SELECT id FROM outbox_deliveries
           WHERE workspace_id = $1
             AND ((status = 'pending' AND next_attempt_at <= $2)
               OR (status = 'sending' AND lease_until <= $2 AND attempts < $6))
           ORDER BY next_attempt_at, id
           LIMIT $5
           FOR UPDATE SKIP LOCKED
         )
         UPDATE outbox_deliveries d
         SET status = 'sending', attempts = d.attempts + 1, lease_until = $3, lease_token = $4,
             last_attempt_at = $2, updated_at = $2
         FROM due WHERE d.id = due.id
         RETURNING d.id, d.channel, d.channel_type, d.kind, d.alert, d.raised_at, d.attempts`,
        [workspaceId, o.now, o.leaseUntil, o.token, o.limit, o.maxAttempts],
      );
      return rows
        .map((r) => ({
          id: r.id,
          channel: r.channel,
          channelType: r.channel_type,
          kind: r.kind,
          alert: r.alert,
          raisedAt: new Date(r.raised_at),
          attempts: Number(r.attempts),
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    },

    /**
     * Rows whose senders stopped mid-send on every allowed attempt (a delivery that crashes the
     * process, or a host that keeps dying): give up on them instead of crashing forever.
     */
    async buryAbandoned(now: Date, maxAttempts: number): Promise<number> {
      const rows = await db.query<{ id: string }>(
        `UPDATE outbox_deliveries
         SET status = 'dead', lease_until = NULL, lease_token = NULL, updated_at = $2,
             last_error = 'Internal: the sending process stopped mid-send on attempt ' || attempts
               || ' of ' || $3::int || '; last error: ' || coalesce(last_error, 'none')
         WHERE workspace_id = $1 AND status = 'sending' AND lease_until <= $2 AND attempts >= $3
         RETURNING id`,
        [workspaceId, now, maxAttempts],
      );
      return rows.length;
    },

    markSent(id: string, token: string, now: Date): Promise<boolean> {
      return one(
        `UPDATE outbox_deliveries
         SET status = 'sent', sent_at = $3, lease_until = NULL, lease_token = NULL, last_error = NULL, updated_at = $3
         WHERE workspace_id = $1 AND id = $2 AND status = 'sending' AND lease_token = $4
         RETURNING id`,
        [workspaceId, id, now, token],
      );
    },

    markRetry(id: string, token: string, now: Date, next: Date, error: string): Promise<boolean> {
      return one(
        `UPDATE outbox_deliveries
         SET status = 'pending', next_attempt_at = $4, last_error = $5, lease_until = NULL, lease_token = NULL, updated_at = $3
         WHERE workspace_id = $1 AND id = $2 AND status = 'sending' AND lease_token = $6
         RETURNING id`,
        [workspaceId, id, now, next, error, token],
      );
    },

    /** `failed`: the receiver refused it for good; `dead`: out of attempts. */
    markFinal(id: string, token: string, now: Date, status: 'failed' | 'dead', error: string): Promise<boolean> {
      return one(
        `UPDATE outbox_deliveries
         SET status = $4, last_error = $5, lease_until = NULL, lease_token = NULL, updated_at = $3
         WHERE workspace_id = $1 AND id = $2 AND status = 'sending' AND lease_token = $6
         RETURNING id`,
        [workspaceId, id, now, status, error, token],
      );
    },

    /** Send a failed or dead delivery again (after fixing the receiver or the channel), from attempt 1. */
    async requeue(id: string, now: Date): Promise<boolean> {
      const rows = await db.orm
        .update(outboxDeliveries)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now })
        .where(
          and(
            eq(outboxDeliveries.workspaceId, workspaceId),
            eq(outboxDeliveries.id, id),
            sql`${outboxDeliveries.status} IN ('failed', 'dead')`,
          ),
        )
        .returning({ id: outboxDeliveries.id });
      return rows.length === 1;
    },

    async get(id: string): Promise<OutboxDeliveryRow | undefined> {
      const [row] = await db.orm
        .select()
        .from(outboxDeliveries)
        .where(and(eq(outboxDeliveries.workspaceId, workspaceId), eq(outboxDeliveries.id, id)));
      return row;
    },

    async list(filter: { status?: DeliveryStatus; limit?: number } = {}): Promise<OutboxDeliveryRow[]> {
      return db.orm
        .select()
        .from(outboxDeliveries)
        .where(
          filter.status
            ? and(eq(outboxDeliveries.workspaceId, workspaceId), eq(outboxDeliveries.status, filter.status))
            : eq(outboxDeliveries.workspaceId, workspaceId),
        )
        .orderBy(desc(outboxDeliveries.createdAt), desc(outboxDeliveries.id))
        .limit(filter.limit ?? 100);
    },

    async counts(): Promise<Record<DeliveryStatus, number>> {
      const rows = await db.query<{ status: DeliveryStatus; n: number }>(
        `SELECT status, count(*)::int AS n FROM outbox_deliveries WHERE workspace_id = $1 GROUP BY status`,
        [workspaceId],
      );
      const out: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, dead: 0 };
      for (const r of rows) out[r.status] = Number(r.n);
      return out;
    },
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
