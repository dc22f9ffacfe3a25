/**
 * One probe of one target: an HTTP(S) request judged on status, body and latency, or a TCP
 * connect. A probe never throws for the target's sake — a refused connection, a timeout or a bad
 * certificate is the answer being measured, recorded as a failed probe with the reason.
 *
 * Latency is measured on the monotonic clock (performance.now): the run's business clock may be
 * frozen in tests and says when the probe happened, not how long it took.
 */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProbeTarget } from './config.ts';
import { networkFailureWords } from '../sdk/http/errors.ts';

export interface ProbeOutcome {
  ok: boolean;
  /** Milliseconds to the answer (HTTP: last byte read; TCP: connected); null when none came. */
  latencyMs: number | null;
  /** HTTP status, when an answer came. */
  statusCode: number | null;
  /** Why the probe failed, in words; null when it passed. */
  error: string | null;
}

const BODY_LIMIT = 1 << 20;

/** A network failure in a few words, from the error and its causes (fetch wraps the real one). */
export function describeFailure(error: unknown): string {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      const words = networkFailureWords(code);
      if (words) return words;
      if (/CERT|SSL|TLS/i.test(code)) return `TLS certificate problem (${code}): ${e.message}`;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** The URL as it may be shown and stored: no user info, no query string (tokens live there). */
export function endpointOf(t: ProbeTarget): string {
  if (t.type === 'tcp') return `${t.host}:${t.port}`;
  const u = new URL(t.url!);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

async function readBody(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= BODY_LIMIT) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8');
}

async function probeHttp(t: ProbeTarget, signal: AbortSignal): Promise<ProbeOutcome> {
  const timeout = AbortSignal.timeout(t.timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(t.url!, {
      method: t.method,
      headers: { 'user-agent': 'vigil-http-probe', ...(t.bearerToken ? { authorization: `Bearer ${t.bearerToken}` } : {}) },
      // A redirect could carry the token to another host: with a token, the first answer is judged.
      redirect: t.bearerToken ? 'manual' : 'follow',
      signal: both,
    });
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    const error = timeout.aborted ? `no answer within ${t.timeoutMs} ms` : describeFailure(e);
    return { ok: false, latencyMs: null, statusCode: null, error };
  }
  let body = '';
  try {
    if (t.bodyContains !== undefined || t.bodyMatches !== undefined) body = await readBody(res);
    else await res.body?.cancel();
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    const error = timeout.aborted ? `the body did not arrive within ${t.timeoutMs} ms` : `the body could not be read: ${describeFailure(e)}`;
    return { ok: false, latencyMs: null, statusCode: res.status, error };
  }
  const latencyMs = round(performance.now() - started);
  const problems: string[] = [];
  const statusOk = t.expectedStatus.length ? t.expectedStatus.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!statusOk) problems.push(`status ${res.status}, expected ${t.expectedStatus.length ? t.expectedStatus.join(' or ') : '2xx'}`);
  if (t.bodyContains !== undefined && !body.includes(t.bodyContains)) problems.push(`the body does not contain ${JSON.stringify(t.bodyContains)}`);
  if (t.bodyMatches !== undefined && !new RegExp(t.bodyMatches).test(body)) problems.push(`the body does not match /${t.bodyMatches}/`);
  if (t.maxLatencyMs !== undefined && latencyMs > t.maxLatencyMs) problems.push(`slow: ${Math.round(latencyMs)} ms, limit ${t.maxLatencyMs} ms`);
  return { ok: problems.length === 0, latencyMs, statusCode: res.status, error: problems.length ? problems.join('; ') : null };
}

function probeTcp(t: ProbeTarget, signal: AbortSignal): Promise<ProbeOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: t.host!, port: t.port! });
    let settled = false;
    const finish = (outcome: ProbeOutcome | { abort: unknown }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if ('abort' in outcome) reject(outcome.abort);
      else resolve(outcome);
    };
    const onAbort = () => finish({ abort: signal.reason });
    const timer = setTimeout(() => finish({ ok: false, latencyMs: null, statusCode: null, error: `no connection within ${t.timeoutMs} ms` }), t.timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ ok: true, latencyMs: round(performance.now() - started), statusCode: null, error: null }));
    socket.once('error', (e) => finish({ ok: false, latencyMs: null, statusCode: null, error: describeFailure(e) }));
    if (signal.aborted) onAbort();
  });
}

/** Probe one target; throws only when the run is cancelled. */
export function probeTarget(t: ProbeTarget, signal: AbortSignal): Promise<ProbeOutcome> {
  return t.type === 'tcp' ? probeTcp(t, signal) : probeHttp(t, signal);
}
