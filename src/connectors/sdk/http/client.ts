/**
 * The HTTP client every REST connector uses, over Node's global fetch. Per request: a timeout,
 * retries with full-jitter backoff on network errors and 5xx (idempotent requests only), 429 and
 * rate-limit answers waited out as the provider asks (capped), a token-bucket rate limit, JSON
 * decoding that names the path when a body is unusable, and redirects followed only on the
 * configured origin. Every error it throws has passed the redactor.
 */
import { VigilError } from '../../../lib/errors.ts';
import { systemClock, type Clock } from '../../../lib/clock.ts';
import { checkBaseUrl } from '../base-url.ts';
import { createRedactor, sanitizeError, type Redactor } from '../redactor.ts';
import { silentLogger, type Logger } from '../log.ts';
import { realSleep, type Sleep } from '../time.ts';
import { noAuth, type AuthProvider } from './auth.ts';
import { describeNetworkFailure, label, statusError, unreachable, type RequestLabel } from './errors.ts';
import { readProblem as defaultReadProblem, type ProblemReader, type ProviderProblem } from './problem.ts';
import { createTokenBucket, type RateLimit } from './rate-limit.ts';
import { backoffDelay, defaultRetryPolicy, isRateLimited, parseRetryAfter, rateLimitReset, type RetryPolicy } from './retry.ts';

export interface HttpClientOptions {
  /** The provider's API root; request paths are joined below its path. */
  baseUrl: string | URL;
  auth?: AuthProvider;
  /** Per attempt, covering connect, headers and body (default 30 s). */
  timeoutMs?: number;
  /** Attempts after the first, or a full policy (defaults in retry.ts). */
  retries?: number | Partial<RetryPolicy>;
  rateLimit?: RateLimit;
  /** Secret values to keep out of logs and errors (the auth provider's are added too). */
  secrets?: Iterable<string>;
  /** Share a run's redactor instead of `secrets`. */
  redactor?: Redactor;
  userAgent?: string;
  allowInsecureHttp?: boolean;
  /** Names the source or connector in errors (`where`). */
  where?: string;
  clock?: Clock;
  sleep?: Sleep;
  /** Jitter source in [0, 1); injectable so backoff tests are exact. */
  random?: () => number;
  signal?: AbortSignal;
  log?: Logger;
  /** Where this provider puts its error code and message (default: the common shapes). */
  readProblem?: ProblemReader;
  headers?: Record<string, string>;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  method?: string;
  query?: Query;
  headers?: Record<string, string>;
  /** A body sent as JSON. */
  json?: unknown;
  body?: string;
  /** `json` (default) decodes the body; `text` returns it as is. */
  responseType?: 'json' | 'text';
  /** Retry network errors and 5xx (default: only for idempotent methods). 429 is always retried. */
  retry?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The URL that answered (after same-origin redirects). */
  url: URL;
}

export interface HttpClient {
  readonly baseUrl: URL;
  readonly redactor: Redactor;
  request<T = unknown>(target: string | URL, options?: RequestOptions): Promise<HttpResponse<T>>;
  /** GET and return the decoded body. */
  get<T = unknown>(target: string | URL, options?: Omit<RequestOptions, 'method'>): Promise<T>;
  /**
   * A path (joined below the base URL) or an absolute URL, which must be on the base URL's origin:
   * the credentials go with every request, so a link to another host is refused.
   */
  url(target: string | URL, query?: Query): URL;
}

const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 5;

type Attempt =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  | { kind: 'network'; what: string; code?: string };

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const where = options.where ?? 'http';
  const baseUrl = checkBaseUrl(options.baseUrl, { allowInsecureHttp: options.allowInsecureHttp ?? false, where: `${where}: baseUrl` });
  const auth = options.auth ?? noAuth;
  const redactor = options.redactor ?? createRedactor();
  redactor.add(...(options.secrets ?? []), ...auth.secrets());
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const log = options.log ?? silentLogger;
  const readProblem = options.readProblem ?? defaultReadProblem;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const policy: RetryPolicy =
    typeof options.retries === 'number' ? { ...defaultRetryPolicy, retries: options.retries } : { ...defaultRetryPolicy, ...options.retries };
  const bucket = options.rateLimit ? createTokenBucket(options.rateLimit, { clock, sleep }) : undefined;
  const outer = options.signal;

  const fail = (e: unknown): Error => sanitizeError(e, redactor);

  const url = (target: string | URL, query?: Query): URL => {
    const absolute = target instanceof URL || /^https?:\/\//i.test(target);
    const u = absolute ? new URL(String(target)) : new URL(String(target).replace(/^\/+/, ''), baseUrl);
    if (u.origin !== baseUrl.origin) {
      throw new VigilError('ProviderError', `refusing to send a request to ${u.host}: the configured provider is ${baseUrl.host}`, {
        where,
        hint: 'the credentials would go to another host; if the provider really moved, change baseUrl to the new host',
        details: { configuredHost: baseUrl.host, requestedHost: u.host },
      });
    }
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const v of Array.isArray(value) ? value : [value]) u.searchParams.append(key, String(v));
    }
    return u;
  };

  const send = async (target: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<Attempt> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    try {
      const res = await fetch(target, { method, headers, body, signal, redirect: 'manual' });
      const text = await res.text();
      return { kind: 'response', status: res.status, headers: res.headers, text };
    } catch (e) {
      if (outer?.aborted) throw outer.reason;
      if (timeout.aborted) return { kind: 'network', what: `no complete answer within ${timeoutMs} ms`, code: 'TIMEOUT' };
      // fetch reports every network failure as "fetch failed"; any other TypeError means the
      // request could not even be built, most often a credential with a line break pasted in.
      if (e instanceof TypeError && e.message !== 'fetch failed') {
        throw new VigilError('InvalidConfig', `${method} ${target.pathname}: the request could not be built: ${e.message}`, {
          where,
          hint: 'check the credentials in the source config for stray characters (a line break pasted in?)',
        });
      }
      return { kind: 'network', ...describeNetworkFailure(e) };
    }
  };

  const problemOf = (a: Extract<Attempt, { kind: 'response' }>): ProviderProblem => {
    let parsed: unknown = a.text;
    try {
      parsed = JSON.parse(a.text);
    } catch {
      // Not JSON: an HTML error page says nothing useful, plain text may.
      if (!/^text\/plain/i.test(a.headers.get('content-type') ?? '')) parsed = undefined;
    }
    const p = readProblem(parsed);
    return {
      ...(p.code ? { code: redactor.redact(p.code) } : {}),
      ...(p.message ? { message: redactor.redact(p.message) } : {}),
    };
  };

  const decode = (r: RequestLabel, a: Extract<Attempt, { kind: 'response' }>, type: 'json' | 'text'): unknown => {
    if (type === 'text') return a.text;
    if (a.text.trim() === '') return null;
    try {
      return JSON.parse(a.text);
    } catch (e) {
      const contentType = a.headers.get('content-type') ?? 'no content-type';
      const looksJson = /json/i.test(contentType);
      const what = looksJson ? `the body is not valid JSON (${(e as Error).message})` : `expected JSON but got ${contentType.split(';')[0]} (a proxy or login page?)`;
      throw new VigilError('ProviderError', `${label(r)}: ${what}`, {
        where: r.where,
        hint: 'the provider sent an unusable answer; if it persists, check the base URL and any proxy in between',
        details: { method: r.method, path: r.path, status: a.status, contentType, bytes: Buffer.byteLength(a.text) },
      });
    }
  };

  const rateLimitedError = (r: RequestLabel, status: number, problem: ProviderProblem, askedMs: number | undefined) => {
    const asked = askedMs === undefined ? '' : `; it asked to wait ${Math.ceil(askedMs / 1000)} s`;
    const capped = askedMs !== undefined && askedMs > policy.maxRetryAfterMs ? `, longer than the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s this client waits` : '';
    return new VigilError('RateLimited', `${label(r)}: rate limited by the provider (${status})${asked}${capped}${problem.message ? `: ${problem.message}` : ''}`, {
      where: r.where,
      hint: 'the next scheduled collection will try again; collect less often or lower rateLimit if this repeats',
      details: { method: r.method, path: r.path, status, ...(askedMs !== undefined ? { retryAfterMs: askedMs } : {}), ...(problem.code ? { providerCode: problem.code } : {}), ...(problem.message ? { providerMessage: problem.message } : {}) },
    });
  };

  const request = async <T>(target: string | URL, opts: RequestOptions = {}): Promise<HttpResponse<T>> => {
    try {
      return await attempts<T>(target, opts);
    } catch (e) {
      // A cancellation stays what it is, so the engine can tell "stopped" from "failed".
      if (outer?.aborted && e === outer.reason) throw e;
      throw fail(e);
    }
  };

  const attempts = async <T>(target: string | URL, opts: RequestOptions): Promise<HttpResponse<T>> => {
    let method = (opts.method ?? 'GET').toUpperCase();
    let current = url(target, opts.query);
    let body = opts.json !== undefined ? JSON.stringify(opts.json) : opts.body;
    const retryable = opts.retry ?? idempotent.has(method);
    let attempt = 0;
    let redirects = 0;
    let refreshed = false;

    const wait = async (r: RequestLabel, why: string, ms: number) => {
      log.warn(`${label(r)}: ${why}; retrying in ${(ms / 1000).toFixed(1)} s (attempt ${attempt + 2} of ${policy.retries + 1})`);
      await sleep(ms, outer);
      attempt++;
    };

    for (;;) {
      const r: RequestLabel & { host: string } = { method, path: current.pathname, where, host: current.host };
      await bucket?.take(outer);
      const headers: Record<string, string> = {
        accept: 'application/json',
        'user-agent': options.userAgent ?? 'vigil',
        ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
        ...opts.headers,
        ...(await auth.headers()),
      };
      const a = await send(current, method, headers, body);

      if (a.kind === 'network') {
        if (retryable && attempt < policy.retries) {
          await wait(r, a.what, backoffDelay(attempt, policy, random));
          continue;
        }
        throw unreachable(r, a.what, a.code);
      }
      log.debug(`${label(r)} → ${a.status}`);

      if (a.status >= 200 && a.status < 300) {
        return { status: a.status, headers: a.headers, body: decode(r, a, opts.responseType ?? 'json') as T, url: current };
      }
      if (redirectStatuses.has(a.status)) {
        const location = a.headers.get('location');
        if (!location || ++redirects > maxRedirects) {
          throw statusError(r, a.status, { message: location ? `more than ${maxRedirects} redirects` : 'a redirect without a Location header' });
        }
        current = url(new URL(location, current));
        if (a.status === 303) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      if (a.status === 401 && auth.refresh && !refreshed) {
        refreshed = true;
        await auth.refresh();
        redactor.add(...auth.secrets());
        continue;
      }
      if (isRateLimited(a.status, a.headers)) {
        const now = clock.now();
        const asked = parseRetryAfter(a.headers.get('retry-after'), now) ?? rateLimitReset(a.headers, now);
        if ((asked === undefined || asked <= policy.maxRetryAfterMs) && attempt < policy.retries) {
          const why = asked === undefined ? `rate limited (${a.status})` : `rate limited (${a.status}); the provider asked to wait ${(asked / 1000).toFixed(1)} s`;
          await wait(r, why, asked ?? backoffDelay(attempt, policy, random));
          continue;
        }
        throw rateLimitedError(r, a.status, problemOf(a), asked);
      }
      if (a.status >= 500 && retryable && attempt < policy.retries) {
        const asked = parseRetryAfter(a.headers.get('retry-after'), clock.now());
        const ms = asked !== undefined && asked <= policy.maxRetryAfterMs ? asked : backoffDelay(attempt, policy, random);
        await wait(r, `the provider failed with ${a.status}`, ms);
        continue;
      }
      throw statusError(r, a.status, problemOf(a));
    }
  };

  return {
    baseUrl,
    redactor,
    request,
    url,
    get: async <T>(target: string | URL, opts: Omit<RequestOptions, 'method'> = {}) => (await request<T>(target, opts)).body,
  };
}
