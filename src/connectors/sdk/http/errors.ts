/**
 * Provider answers and network failures as Vigil's tagged errors. Messages name the request by
 * method and path only (never the query string, where some providers take keys) and carry the
 * provider's own message, which the engine shows as the source's last error.
 */
import { VigilError, type ErrorTag } from '../../../lib/errors.ts';
import type { ProviderProblem } from './problem.ts';

export interface RequestLabel {
  method: string;
  /** Path only: no host, no query string. */
  path: string;
  /** The source or connector, for the error's `where`. */
  where: string;
}

export const label = (r: RequestLabel) => `${r.method} ${r.path}`;

const statusText: Record<number, [ErrorTag, string, string]> = {
  401: ['AuthFailed', 'the provider rejected the credentials', 'check the token in the source config: it may be wrong, expired or revoked'],
  403: ['PermissionDenied', 'permission denied', "grant the permission this connector's docs list for it, or accept that it is not collected"],
  404: ['NotFound', 'not found', 'check the base URL and the ids in the source config'],
  429: ['RateLimited', 'rate limited by the provider', 'collect less often, or lower the rate limit in the source config'],
};

/** The error for a non-2xx answer the client will not retry (or has stopped retrying). */
export function statusError(r: RequestLabel, status: number, problem: ProviderProblem, extra: Record<string, unknown> = {}): VigilError {
  const known = statusText[status];
  const [tag, what, hint] = known ?? [
    'ProviderError',
    status >= 500 ? `the provider failed with ${status}` : `the provider refused the request with ${status}`,
    status >= 500 ? 'the provider may be down; the next collection will try again' : 'this connector may not support this provider version; please report it',
  ];
  const said = problem.message ? `: ${problem.message}` : '';
  const code = problem.code ? ` [${problem.code}]` : '';
  return new VigilError(tag, `${label(r)}: ${what} (${status}${code})${said}`, {
    where: r.where,
    hint,
    details: {
      method: r.method,
      path: r.path,
      status,
      ...(problem.code ? { providerCode: problem.code } : {}),
      ...(problem.message ? { providerMessage: problem.message } : {}),
      ...extra,
    },
  });
}

/** Node's and undici's network error codes, in words: one table for every connector and probe. */
const networkCodes: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'the connection closed unexpectedly',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled',
};

/** A network error code in words, or undefined for a code that is not a network failure. */
export const networkFailureWords = (code: string | undefined): string | undefined => (code ? networkCodes[code] : undefined);

/** What went wrong at the network level, in a few words, from fetch's error and its causes. */
export function describeNetworkFailure(error: unknown): { what: string; code?: string } {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (networkCodes[code]) return { what: networkCodes[code], code };
      if (/CERT|SSL|TLS/i.test(code)) return { what: `TLS certificate problem (${code})`, code };
    }
  }
  return { what: 'the request failed before the provider answered' };
}

export function unreachable(r: RequestLabel & { host: string }, what: string, code?: string): VigilError {
  return new VigilError('Unreachable', `${label(r)}: could not reach ${r.host}: ${what}`, {
    where: r.where,
    hint: 'check the base URL, the network path to the provider and any proxy; the next collection will try again',
    details: { method: r.method, path: r.path, host: r.host, ...(code ? { code } : {}) },
  });
}
