/**
 * The Admin SDK as this connector reads it: Google's error body, its page-token pagination, and
 * its quota answers. Google documents errors as `{ error: { code, message, status, errors: [{
 * reason }] } }`; the `reason` says what happened more precisely than the status, so it is the code.
 */
import { VigilError, isVigilError } from '../../lib/errors.ts';
import { paginatePageToken, type ProblemReader, type Query, type RunContext } from '../sdk/index.ts';

export const googleProblem: ProblemReader = (body) => {
  const error = body !== null && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (error === null || typeof error !== 'object') {
    // The token endpoint answers in OAuth's own shape: `{ error: "invalid_grant", error_description }`.
    const b = (body ?? {}) as { error?: unknown; error_description?: unknown };
    const code = typeof b.error === 'string' ? b.error : undefined;
    const message = typeof b.error_description === 'string' ? b.error_description : typeof body === 'string' ? body.slice(0, 300) : undefined;
    return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
  }
  const e = error as { message?: unknown; status?: unknown; errors?: { reason?: unknown }[] };
  const reason = Array.isArray(e.errors) ? e.errors.find((x) => typeof x?.reason === 'string')?.reason : undefined;
  const code = typeof reason === 'string' ? reason : typeof e.status === 'string' ? e.status : undefined;
  const message = typeof e.message === 'string' && e.message.trim() !== '' ? e.message.trim() : undefined;
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
};

/**
 * Reasons Google sends with a 403 when a quota, not a permission, stopped the request. Recorded
 * as a missing permission they would hide a busy hour as a misconfiguration.
 */
const QUOTA_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'dailyLimitExceeded']);

export function quotaAsRateLimit(e: unknown): unknown {
  if (!isVigilError(e) || e._tag !== 'PermissionDenied' || !QUOTA_REASONS.has(String(e.details?.providerCode))) return e;
  return new VigilError('RateLimited', e.message.replace('permission denied', 'rate limited by Google'), {
    ...(e.where ? { where: e.where } : {}),
    hint: 'Google’s Admin SDK quota is spent for now; the next scheduled collection will try again (collect less often if this repeats)',
    details: e.details ?? {},
  });
}

/** The body as an object, or a ProviderError naming the path. */
function objectBody(path: string, body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new VigilError('ProviderError', `GET ${path}: expected a JSON object, as Google documents this listing`, {
      hint: 'the base URL may point at something other than the Admin SDK (it should be https://admin.googleapis.com)',
      details: { path },
    });
  }
  return body as Record<string, unknown>;
}

/** The list under `field` of a page; Google leaves it out entirely when a page is empty. */
export function listOf(path: string, field: string) {
  return (body: unknown): unknown[] => {
    const list = objectBody(path, body)[field];
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      throw new VigilError('ProviderError', `GET ${path}: "${field}" is not a list`, { details: { path, field } });
    }
    return list;
  };
}

/** Every page of a listing, following `nextPageToken`. */
export async function* googlePages<T>(ctx: RunContext, path: string, field: string, query: Query): AsyncGenerator<T[]> {
  try {
    for await (const page of paginatePageToken(ctx.http, path, { query, items: listOf(path, field) })) yield page.items as T[];
  } catch (e) {
    throw quotaAsRateLimit(e);
  }
}
