/**
 * The one way the dashboard talks to the server. Errors come back as ApiError with the server's
 * tag, message, where and hint, so every page can show what went wrong and what to do. Changes
 * echo the CSRF cookie in X-CSRF-Token (the server's double-submit check).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly tag: string,
    message: string,
    readonly where?: string,
    readonly hint?: string,
    /** The whole error body, for routes that answer an error with more than message, where and hint. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

const CSRF_COOKIE = 'vigil_csrf';

function csrfToken(): string | undefined {
  const m = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : undefined;
}

/** Listeners told when a request finds the session gone, so the app can show the sign-in page. */
const signedOut = new Set<() => void>();
export const onSignedOut = (f: () => void) => {
  signedOut.add(f);
  return () => void signedOut.delete(f);
};

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) q.set(k, v.join(','));
    } else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, init?: { signal?: AbortSignal }): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') {
    const t = csrfToken();
    if (t) headers['x-csrf-token'] = t;
  }
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: init?.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'Unavailable', 'Vigil did not answer. Is the server running?', path, 'check the terminal where `vigil start` runs');
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const e = (data ?? {}) as { error?: string; message?: string; where?: string; hint?: string };
    if (res.status === 401) for (const f of signedOut) f();
    throw new ApiError(res.status, e.error ?? `HTTP ${res.status}`, e.message ?? (res.statusText || `the server answered ${res.status}`), e.where, e.hint, data);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, init?: { signal?: AbortSignal }) => request<T>('GET', withQuery(path, query), undefined, init),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  del: <T>(path: string) => request<T>('DELETE', path),
};
