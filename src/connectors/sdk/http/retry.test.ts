import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultRetryPolicy, isRateLimited, parseRetryAfter, rateLimitReset } from './retry.ts';

const now = new Date('2026-01-01T00:00:00Z');

describe('retry timing', () => {
  it('backs off exponentially with full jitter, up to the ceiling', () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date, never negative', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('reads GitHub and Okta rate-limit resets only when no requests remain', () => {
    const reset = String(now.getTime() / 1000 + 30);
    expect(rateLimitReset(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), now)).toBe(30_000);
    expect(rateLimitReset(new Headers({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset }), now)).toBe(30_000);
    expect(rateLimitReset(new Headers({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': reset }), now)).toBeUndefined();
  });

  it('tells "slow down" from "no"', () => {
    expect(isRateLimited(429, new Headers())).toBe(true);
    expect(isRateLimited(403, new Headers())).toBe(false);
    expect(isRateLimited(403, new Headers({ 'retry-after': '60' }))).toBe(true);
    expect(isRateLimited(403, new Headers({ 'x-ratelimit-remaining': '0' }))).toBe(true);
    expect(isRateLimited(503, new Headers())).toBe(false);
  });
});
