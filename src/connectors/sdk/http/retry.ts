/**
 * When to try again and how long to wait. Backoff is exponential with full jitter (a uniformly
 * random wait up to the exponential ceiling), so many sources failing at once do not retry in
 * step. A provider's own word on waiting (Retry-After, or a rate-limit reset time) wins over the
 * backoff, up to a cap: a wait longer than the cap fails now, and the next scheduled collection
 * tries again, rather than holding a worker for an hour.
 */

export interface RetryPolicy {
  /** Attempts after the first (0 disables retries). */
  retries: number;
  /** Ceiling of the first backoff wait. */
  baseDelayMs: number;
  /** Ceiling of any backoff wait. */
  maxDelayMs: number;
  /** The longest wait a provider may ask for (Retry-After, rate-limit reset). */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 4, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/** Full-jitter backoff before attempt `attempt + 1` (attempt counts from 0). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Milliseconds, or undefined. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * A rate-limit reset the provider announced while saying no requests remain: GitHub's
 * `x-ratelimit-remaining: 0` with `x-ratelimit-reset` (epoch seconds), Okta's `x-rate-limit-*`.
 */
export function rateLimitReset(headers: Headers, now: Date): number | undefined {
  for (const prefix of ['x-ratelimit', 'x-rate-limit']) {
    if (headers.get(`${prefix}-remaining`)?.trim() !== '0') continue;
    const reset = Number(headers.get(`${prefix}-reset`));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now.getTime());
  }
  return undefined;
}

/**
 * Whether an answer means "slow down" rather than "no": 429 always, and 403 or 503 when it carries
 * a Retry-After or an exhausted rate limit (GitHub signals its limits with 403).
 */
export function isRateLimited(status: number, headers: Headers): boolean {
  if (status === 429) return true;
  if (status !== 403 && status !== 503) return false;
  if (status === 403 && headers.has('retry-after')) return true;
  return ['x-ratelimit-remaining', 'x-rate-limit-remaining'].some((h) => headers.get(h)?.trim() === '0');
}
