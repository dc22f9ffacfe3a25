import { describe, expect, it } from 'vitest';
import { createTestTime } from '../testing/test-time.ts';
import { createTokenBucket } from './rate-limit.ts';

describe('createTokenBucket', () => {
  it('lets a burst through, then spaces requests to the rate', async () => {
    const time = createTestTime();
    const bucket = createTokenBucket({ requestsPerSecond: 4, burst: 2 }, time);
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(time.sleeps).toEqual([250, 250, 250]);
  });

  it('refills while idle, up to the burst', async () => {
    const time = createTestTime();
    const bucket = createTokenBucket({ requestsPerSecond: 1, burst: 3 }, time);
    for (let i = 0; i < 3; i++) await bucket.take();
    time.clock.advance(60_000);
    for (let i = 0; i < 3; i++) await bucket.take();
    expect(time.sleeps).toEqual([]);
    await bucket.take();
    expect(time.sleeps).toEqual([1000]);
  });

  it('serves concurrent callers in order without overdrawing', async () => {
    const time = createTestTime();
    const bucket = createTokenBucket({ requestsPerSecond: 10, burst: 1 }, time);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(time.sleeps).toEqual([100, 100, 100]);
  });

  it('lets a cancelled waiter go without blocking the next', async () => {
    const time = createTestTime();
    const bucket = createTokenBucket({ requestsPerSecond: 1, burst: 1 }, time);
    await bucket.take();
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(bucket.take(controller.signal)).rejects.toThrow('cancelled');
    await bucket.take();
    expect(time.sleeps).toEqual([1000]);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => createTokenBucket({ requestsPerSecond: 0 }, createTestTime())).toThrow(/positive/);
  });
});
