/**
 * A token bucket per source: `requestsPerSecond` on average with bursts up to `burst`. Callers
 * queue in order, so a burst of concurrent requests is spread out rather than racing.
 */
import type { Clock } from '../../../lib/clock.ts';
import type { Sleep } from '../time.ts';

export interface RateLimit {
  requestsPerSecond: number;
  /** Requests allowed back to back after a quiet period (default: one second's worth, at least 1). */
  burst?: number;
}

export interface TokenBucket {
  /** Resolves when a request may be sent. */
  take(signal?: AbortSignal): Promise<void>;
}

export function createTokenBucket(limit: RateLimit, deps: { clock: Clock; sleep: Sleep }): TokenBucket {
  if (!(limit.requestsPerSecond > 0)) throw new RangeError('rateLimit.requestsPerSecond must be a positive number');
  const capacity = Math.max(1, limit.burst ?? Math.ceil(limit.requestsPerSecond));
  const perMs = limit.requestsPerSecond / 1000;
  let tokens = capacity;
  let last = deps.clock.now().getTime();
  let queue: Promise<void> = Promise.resolve();

  const refill = () => {
    const now = deps.clock.now().getTime();
    tokens = Math.min(capacity, tokens + (now - last) * perMs);
    last = now;
  };

  const takeOne = async (signal?: AbortSignal) => {
    refill();
    while (tokens < 1) {
      await deps.sleep(Math.ceil((1 - tokens) / perMs), signal);
      refill();
    }
    tokens -= 1;
  };

  return {
    take(signal) {
      const turn = queue.then(() => takeOne(signal));
      // A cancelled waiter must not block the ones behind it.
      queue = turn.catch(() => {});
      return turn;
    },
  };
}
