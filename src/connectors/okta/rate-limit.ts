/**
 * Okta's rate limits, honoured before they bite. Okta counts requests per endpoint family per
 * minute and reports the state on every answer (`X-Rate-Limit-Limit`, `-Remaining`, and `-Reset`
 * in epoch seconds). The SDK's client already waits out a 429; this keeps a source from reaching
 * one, and leaves a share of each window to the other integrations that use the same org, because
 * an exhausted window blocks them too.
 */
import { realSleep, type RunContext, type Sleep } from '../sdk/index.ts';

interface Window {
  limit: number | undefined;
  remaining: number;
  /** When the window resets, in the provider's time (ms). */
  resetAt: number;
  /** The provider's time when it answered (its Date header), to measure the wait without clock skew. */
  answeredAt: number;
  /** Our clock when it answered. */
  seenAt: number;
}

/** A wait longer than this is not Okta's one-minute window: something is off, and a 429 will tell. */
export const MAX_WAIT_MS = 120_000;

export interface OktaRateLimiter {
  /** Record the window a response reports for its endpoint family. */
  update(bucket: string, headers: Headers): void;
  /** Resolve when the next request to this family may be sent. */
  wait(bucket: string): Promise<void>;
}

const num = (headers: Headers, name: string): number | undefined => {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
};

export function createRateLimiter(ctx: Pick<RunContext, 'clock' | 'signal' | 'log'>, reservePercent: number, sleep: Sleep = realSleep): OktaRateLimiter {
  const windows = new Map<string, Window>();
  return {
    update(bucket, headers) {
      const remaining = num(headers, 'x-rate-limit-remaining');
      const reset = num(headers, 'x-rate-limit-reset');
      if (remaining === undefined || reset === undefined) return;
      const seenAt = ctx.clock.now().getTime();
      const date = Date.parse(headers.get('date') ?? '');
      windows.set(bucket, { limit: num(headers, 'x-rate-limit-limit'), remaining, resetAt: reset * 1000, answeredAt: Number.isNaN(date) ? seenAt : date, seenAt });
    },
    async wait(bucket) {
      const w = windows.get(bucket);
      if (!w) return;
      const floor = w.limit && w.limit > 0 ? Math.floor((w.limit * reservePercent) / 100) : 0;
      if (w.remaining > floor) return;
      // Time left in the window by the provider's clock, less what has passed on ours since.
      const ms = w.resetAt - w.answeredAt - (ctx.clock.now().getTime() - w.seenAt);
      if (ms <= 0) return;
      const wait = Math.min(ms, MAX_WAIT_MS);
      ctx.log.info(`Okta rate limit for ${bucket}: ${w.remaining} of ${w.limit ?? '?'} requests left in this window; waiting ${(wait / 1000).toFixed(1)} s for it to reset`);
      await sleep(wait, ctx.signal);
      windows.delete(bucket);
    },
  };
}

/**
 * One limiter per run: Okta's windows outlast a single listing, and the users, factors and roles
 * listings of one collection share them. Keyed weakly so a finished run leaves nothing behind.
 */
const perRun = new WeakMap<object, OktaRateLimiter>();

export function rateLimiterFor(ctx: RunContext<{ rateLimitReservePercent: number }>): OktaRateLimiter {
  let limiter = perRun.get(ctx);
  if (!limiter) {
    limiter = createRateLimiter(ctx, ctx.config.rateLimitReservePercent);
    perRun.set(ctx, limiter);
  }
  return limiter;
}
