/**
 * Waiting is injected like the clock: backoff, Retry-After and the rate limit all sleep, and tests
 * of them must run instantly (see testing/test-time.ts).
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Wait `ms` milliseconds; rejects with the signal's reason when it aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
};
