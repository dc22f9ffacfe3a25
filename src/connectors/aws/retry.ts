/**
 * The retry strategy given to every SDK client. The SDK's retry middleware still decides what an
 * error is (throttling, transient, server, client — by code and status) and reads Retry-After;
 * this strategy decides whether and how long to wait: full-jitter exponential backoff, a longer
 * base for throttling (AWS asks clients to back off harder there), Retry-After honoured up to a
 * cap, every wait logged on the run's log and cancelled with the run.
 */
import type { Logger } from '../sdk/index.ts';
import type { Sleep } from '../sdk/index.ts';

/** What the SDK's retry middleware passes to `refreshRetryTokenForRetry`. */
export interface RetryErrorInfo {
  errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  retryAfterHint?: Date;
  error?: { name?: string; $metadata?: { httpStatusCode?: number } };
}

export interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
  getRetryCost(): number | undefined;
}

export interface RetryOptions {
  maxAttempts: number;
  sleep: Sleep;
  signal: AbortSignal;
  log: Logger;
  /** Names the client in log lines: "IAM", "EC2 eu-west-1". */
  label: string;
  random?: () => number;
  /** Longest Retry-After honoured; a longer one ends the retries (default 60 s). */
  maxRetryAfterMs?: number;
}

const TRANSIENT_BASE_MS = 100;
const THROTTLING_BASE_MS = 500;
const MAX_BACKOFF_MS = 20_000;

// The SDK waits only when the token says so; this strategy has already waited.
const token = (count: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 0, getRetryCost: () => undefined });

/** Backoff before retry number `attempt + 1`: random in [0, min(cap, base·2^attempt)). */
export function backoffMs(attempt: number, errorType: RetryErrorInfo['errorType'], random: () => number): number {
  const base = errorType === 'THROTTLING' ? THROTTLING_BASE_MS : TRANSIENT_BASE_MS;
  return Math.floor(random() * Math.min(MAX_BACKOFF_MS, base * 2 ** attempt));
}

export function createRetryStrategy(options: RetryOptions) {
  const random = options.random ?? Math.random;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  return {
    mode: 'standard',
    async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
      return token(0);
    },
    async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
      const attempt = previous.getRetryCount();
      if (info.errorType !== 'THROTTLING' && info.errorType !== 'TRANSIENT') throw new Error('not retryable');
      if (attempt + 1 >= options.maxAttempts) throw new Error('no attempts left');
      let wait = backoffMs(attempt, info.errorType, random);
      if (info.retryAfterHint) {
        const asked = info.retryAfterHint.getTime() - Date.now();
        // Waiting longer than a collection should stall would only hide the problem: give up.
        if (asked > maxRetryAfterMs) throw new Error('asked to wait too long');
        wait = Math.max(wait, asked);
      }
      const why = info.errorType === 'THROTTLING' ? 'throttled' : `transient failure (${info.error?.name ?? info.error?.$metadata?.httpStatusCode ?? 'network'})`;
      options.log.warn(`${options.label}: ${why}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 2} of ${options.maxAttempts})`);
      await options.sleep(wait, options.signal);
      return token(attempt + 1);
    },
    recordSuccess(_token: RetryToken): void {},
  };
}
