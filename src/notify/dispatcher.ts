/**
 * Sending what the outbox holds. `runOnce()` claims due rows under a lease, sends each through its
 * channel (never inside a transaction), and records the outcome: `sent`; a retry at an
 * exponentially growing, jittered delay (or the receiver's Retry-After); `failed` when the receiver
 * refused it for good; `dead` after the last attempt. `start()`/`stop()` run it in a loop for the
 * long-running process.
 *
 * Guarantee: every enqueued delivery is attempted until it is sent, refused or out of attempts,
 * whatever process dies when. A process that dies after the receiver accepted a delivery but
 * before recording it sends it again, with the same Vigil-Delivery-Id — receivers de-duplicate on it.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client.ts';
import type { Clock } from '../lib/clock.ts';
import { VigilError } from '../lib/errors.ts';
import { parseAlert } from './alerts.ts';
import { describeFailure, isRetryable, retryAfterOf, type Channel } from './channel.ts';
import { createOutboxRepo, type ClaimedRow } from './outbox.ts';

export interface DispatcherDeps {
  db: Database;
  clock: Clock;
  workspaceId: string;
  /** By name, as alerts.channels declares them (see createChannels). */
  channels: ReadonlyMap<string, Channel>;
  /**
   * Channels defined at run time (added through the API), found by name when `channels` has none
   * of that name; undefined when no such channel exists. A throw (its secrets cannot be opened) is
   * retried like a failed send.
   */
  findChannel?: (name: string) => Promise<Channel | undefined>;
  /** Rows claimed per round (default 20). */
  batchSize?: number;
  /** Sends in flight at once (default 4). */
  concurrency?: number;
  /** How long a claim holds; must outlast the slowest channel's timeout (default 60 s, or twice that timeout if longer). */
  leaseMs?: number;
  /** Attempts before a delivery is dead (default 12: about 2½ to 5 hours of retrying). */
  maxAttempts?: number;
  /** Delay before the 2nd attempt; doubles each time up to backoffMaxMs (defaults 30 s and 1 h). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Idle wait between rounds of the loop (default 1 s). */
  pollMs?: number;
  /** For the jitter; Math.random by default. */
  random?: () => number;
  /** Each delivery's outcome, for the process log. */
  onOutcome?: (o: DeliveryOutcome) => void;
  /** A round that failed as a whole (database down); the loop carries on after pollMs. */
  onError?: (e: unknown) => void;
}

export type OutcomeKind = 'sent' | 'retry' | 'failed' | 'dead' | 'lost';

export interface DeliveryOutcome {
  id: string;
  channel: string;
  kind: string;
  attempt: number;
  outcome: OutcomeKind;
  error?: string;
  nextAttemptAt?: Date;
}

export interface RunStats {
  claimed: number;
  sent: number;
  retry: number;
  failed: number;
  dead: number;
  /** Outcomes not recorded because another dispatcher had taken the row over (lease expired). */
  lost: number;
  /** Rows given up on because their senders kept dying mid-send. */
  abandoned: number;
}

export interface Dispatcher {
  runOnce(): Promise<RunStats>;
  start(): void;
  stop(): Promise<void>;
  /** Cut the loop's idle wait short (e.g. right after enqueuing). */
  wake(): void;
}

const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
const LEASE_MARGIN_MS = 5_000;

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { db, clock, workspaceId, channels } = deps;
  const batchSize = deps.batchSize ?? 20;
  const concurrency = Math.max(1, deps.concurrency ?? 4);
  const slowest = Math.max(0, ...[...channels.values()].map((c) => c.timeoutMs));
  const leaseMs = deps.leaseMs ?? Math.max(60_000, 2 * slowest);
  const maxAttempts = deps.maxAttempts ?? 12;
  const baseMs = deps.backoffBaseMs ?? 30_000;
  const maxMs = deps.backoffMaxMs ?? 3_600_000;
  const pollMs = deps.pollMs ?? 1_000;
  const random = deps.random ?? Math.random;
  const onError = deps.onError ?? ((e: unknown) => console.error(`vigil: alert dispatcher: ${describeFailure(e)}`));
  const repo = createOutboxRepo(db, workspaceId);

  for (const c of channels.values()) {
    if (leaseMs < c.timeoutMs + LEASE_MARGIN_MS) {
      throw new VigilError('InvalidInput', `the dispatcher's lease (${leaseMs} ms) must outlast channel "${c.name}"'s timeout (${c.timeoutMs} ms) by ${LEASE_MARGIN_MS} ms`, {
        where: 'createDispatcher',
        hint: 'raise leaseMs or lower the channel timeoutMs, or a slow send could be claimed twice',
      });
    }
  }

  /** Equal jitter: half the exponential delay, plus a random share of the other half. */
  function backoff(attempt: number): number {
    const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(exp / 2 + random() * (exp / 2));
  }

  async function deliver(row: ClaimedRow, token: string): Promise<DeliveryOutcome> {
    const base = { id: row.id, channel: row.channel, kind: row.kind, attempt: row.attempts };
    const finish = async (outcome: OutcomeKind, error?: string, next?: Date): Promise<DeliveryOutcome> => {
      const now = clock.now();
      const recorded =
        outcome === 'sent'
          ? await repo.markSent(row.id, token, now)
          : outcome === 'retry'
            ? await repo.markRetry(row.id, token, now, next!, error!)
            : await repo.markFinal(row.id, token, now, outcome as 'failed' | 'dead', error!);
      if (!recorded) return { ...base, outcome: 'lost', ...(error ? { error } : {}) };
      return { ...base, outcome, ...(error ? { error } : {}), ...(next ? { nextAttemptAt: next } : {}) };
    };

    let channel = channels.get(row.channel);
    if (!channel && deps.findChannel) {
      try {
        channel = await deps.findChannel(row.channel);
      } catch (e) {
        const error = describeFailure(e);
        if (row.attempts >= maxAttempts) return finish('dead', `${error} (gave up after ${row.attempts} attempts)`);
        return finish('retry', error, new Date(clock.now().getTime() + backoff(row.attempts)));
      }
    }
    if (!channel) {
      return finish('failed', `InvalidConfig: channel "${row.channel}" is no longer defined (in alerts.channels or through the API)`);
    }
    let alert;
    try {
      alert = parseAlert(row.alert, `outbox delivery ${row.id}`);
    } catch (e) {
      return finish('failed', describeFailure(e));
    }
    try {
      await channel.send({ id: row.id, workspaceId, channel: row.channel, alert, raisedAt: row.raisedAt, attempt: row.attempts });
      return finish('sent');
    } catch (e) {
      const error = describeFailure(e);
      if (!isRetryable(e)) return finish('failed', error);
      if (row.attempts >= maxAttempts) return finish('dead', `${error} (gave up after ${row.attempts} attempts)`);
      const retryAfter = retryAfterOf(e);
      const delay = retryAfter === undefined ? backoff(row.attempts) : Math.min(MAX_RETRY_AFTER_MS, Math.max(1_000, retryAfter));
      return finish('retry', error, new Date(clock.now().getTime() + delay));
    }
  }

  async function runOnce(): Promise<RunStats> {
    const stats: RunStats = { claimed: 0, sent: 0, retry: 0, failed: 0, dead: 0, lost: 0, abandoned: 0 };
    const now = clock.now();
    stats.abandoned = await repo.buryAbandoned(now, maxAttempts);
    const token = randomUUID();
    const rows = await repo.claim({ now, leaseUntil: new Date(now.getTime() + leaseMs), token, limit: batchSize, maxAttempts });
    stats.claimed = rows.length;
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        try {
          const o = await deliver(row, token);
          stats[o.outcome]++;
          deps.onOutcome?.(o);
        } catch (e) {
          // Recording the outcome failed (database gone): the row stays claimed until its lease
          // passes and is sent again then; the other rows of the batch carry on.
          onError(e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
    return stats;
  }

  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  // Set by wake() during a round, so the next idle wait is skipped rather than missed.
  let woken = false;

  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(t);
        resolve();
      };
    });

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          let full = false;
          woken = false;
          try {
            full = (await runOnce()).claimed === batchSize;
          } catch (e) {
            onError(e);
          }
          // A full batch suggests more is due: go again at once rather than after pollMs.
          if (running && !full && !woken) await idle(pollMs);
        }
      })();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
      loop = undefined;
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
  };
}
