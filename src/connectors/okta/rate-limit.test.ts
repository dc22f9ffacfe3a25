import { describe, expect, it } from 'vitest';
import { silentLogger } from '../sdk/log.ts';
import { createTestTime } from '../sdk/testing/index.ts';
import { MAX_WAIT_MS, createRateLimiter } from './rate-limit.ts';
import { bucketOf } from './api.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function setup(reservePercent: number) {
  const time = createTestTime(new Date(T0));
  const ctx = { clock: time.clock, signal: new AbortController().signal, log: silentLogger };
  return { time, limiter: createRateLimiter(ctx, reservePercent, time.sleep) };
}

const headers = (remaining: number, resetInSeconds: number, extra: Record<string, string> = {}) =>
  new Headers({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': String(remaining), 'x-rate-limit-reset': String(T0 / 1000 + resetInSeconds), ...extra });

describe('the Okta rate limiter', () => {
  it('does not wait while more than the reserve is left', async () => {
    const { time, limiter } = setup(10);
    limiter.update('/api/v1/users', headers(61, 30));
    await limiter.wait('/api/v1/users');
    expect(time.sleeps).toEqual([]);
  });

  it('waits until the reset once the reserve is reached, then forgets the spent window', async () => {
    const { time, limiter } = setup(10);
    limiter.update('/api/v1/users', headers(60, 30));
    time.clock.advance(5_000);
    await limiter.wait('/api/v1/users');
    expect(time.sleeps).toEqual([25_000]);
    await limiter.wait('/api/v1/users');
    expect(time.sleeps).toEqual([25_000]);
  });

  it('keeps windows apart per endpoint family, as Okta counts them', async () => {
    const { time, limiter } = setup(0);
    limiter.update(bucketOf('/api/v1/users/00uA/factors'), headers(0, 20));
    await limiter.wait(bucketOf('/api/v1/users'));
    expect(time.sleeps).toEqual([]);
    await limiter.wait(bucketOf('/api/v1/users/00uB/factors'));
    expect(time.sleeps).toEqual([20_000]);
  });

  it("measures the wait on Okta's clock (its Date header), so a skewed local clock neither skips nor over-waits", async () => {
    const { time, limiter } = setup(0);
    // Okta's clock is 10 minutes behind ours; its window still has 15 s to run.
    const oktaNow = new Date(T0 - 600_000);
    limiter.update('/api/v1/logs', new Headers({ date: oktaNow.toUTCString(), 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(oktaNow.getTime() / 1000 + 15) }));
    await limiter.wait('/api/v1/logs');
    expect(time.sleeps).toEqual([15_000]);
  });

  it('caps a wait longer than any Okta window, and ignores answers without rate-limit headers', async () => {
    const { time, limiter } = setup(0);
    limiter.update('/api/v1/groups', headers(0, 3600));
    await limiter.wait('/api/v1/groups');
    expect(time.sleeps).toEqual([MAX_WAIT_MS]);
    limiter.update('/api/v1/logs', new Headers({ 'x-rate-limit-remaining': '0' }));
    await limiter.wait('/api/v1/logs');
    expect(time.sleeps).toEqual([MAX_WAIT_MS]);
  });
});
