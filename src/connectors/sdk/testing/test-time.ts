/**
 * Time for tests of backoff, Retry-After and rate limits: a fixed clock, and a sleep that records
 * how long it was asked to wait, moves the clock forward by that much and returns at once.
 */
import { fixedClock, type Clock } from '../../../lib/clock.ts';
import type { Sleep } from '../time.ts';

export interface TestTime {
  clock: Clock & { set(d: Date | string): void; advance(ms: number): void };
  sleep: Sleep;
  /** Every wait asked for, in milliseconds, in order. */
  readonly sleeps: number[];
}

export function createTestTime(start: Date | string = '2026-01-01T00:00:00.000Z'): TestTime {
  const clock = fixedClock(start);
  const sleeps: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason;
    sleeps.push(ms);
    clock.advance(ms);
    // Yield to the event loop, as a real wait would.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { clock, sleep, sleeps };
}
