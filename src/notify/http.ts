/**
 * POSTing a JSON body to a receiver and classifying its answer, shared by the webhook and Slack
 * channels: 2xx is success; 408, 429 and 5xx are retried (429 and 503 with Retry-After honoured);
 * every other status is permanent; refused connections, DNS failures and timeouts are retried.
 * Errors name the host only: a webhook URL's path or query often is the credential (Slack's is).
 */
import { deliveryError } from './channel.ts';

export interface PostJsonRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** e.g. `webhook channel "ops"` — the start of every error message. */
  label: string;
  where: string;
}

const SNIPPET = 300;

export async function postJson(req: PostJsonRequest): Promise<void> {
  const host = new URL(req.url).host;
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Vigil-Alerts/1', ...req.headers },
      body: req.body,
      // A signed delivery goes to the configured URL only; a redirect is a config problem to show.
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (e) {
    throw networkError(e, req, host);
  }
  const text = await readSnippet(res);
  if (res.status >= 200 && res.status < 300) return;
  const answer = `${res.status}${res.statusText ? ` ${res.statusText}` : ''}${text ? `: ${text}` : ''}`;
  const where = req.where;
  if (res.status >= 300 && res.status < 400) {
    throw deliveryError(
      'ProviderError',
      `${req.label}: ${host} redirected (${res.status}) instead of accepting the delivery`,
      { retryable: false, status: res.status },
      { where, hint: 'configure the final URL of the receiver' },
    );
  }
  if (res.status === 429) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    throw deliveryError('RateLimited', `${req.label}: ${host} answered ${answer}`, {
      retryable: true,
      status: 429,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }, { where });
  }
  if (res.status === 408 || res.status >= 500) {
    const retryAfterMs = res.status === 503 ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
    throw deliveryError('ProviderError', `${req.label}: ${host} answered ${answer}`, {
      retryable: true,
      status: res.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }, { where });
  }
  const auth = res.status === 401 || res.status === 403;
  throw deliveryError(auth ? 'AuthFailed' : 'ProviderError', `${req.label}: ${host} refused the delivery with ${answer}`, {
    retryable: false,
    status: res.status,
  }, {
    where,
    hint: auth ? 'check the URL and secret the receiver expects' : 'fix the receiver or the channel settings; this delivery will not be retried',
  });
}

async function readSnippet(res: Response): Promise<string> {
  try {
    const t = await res.text();
    const one = t.replace(/\s+/g, ' ').trim();
    return one.length > SNIPPET ? `${one.slice(0, SNIPPET)}…` : one;
  } catch {
    return '';
  }
}

function networkError(e: unknown, req: PostJsonRequest, host: string) {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') {
    return deliveryError('Unreachable', `${req.label}: ${host} did not answer within ${req.timeoutMs} ms`, { retryable: true }, {
      where: req.where,
    });
  }
  // fetch reports "fetch failed" and puts the socket error (ECONNREFUSED, ENOTFOUND, …) in cause.
  const code = err.cause?.code ?? err.cause?.message ?? err.message;
  return deliveryError('Unreachable', `${req.label}: could not reach ${host} (${code})`, { retryable: true }, {
    where: req.where,
    hint: 'is the receiver running and reachable from this host?',
  });
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}
