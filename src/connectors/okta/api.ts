/**
 * The Okta Management API as this connector reads it: the documented response shapes (only the
 * fields used), and the two ways of reading — a Link-header listing and a single GET — both paced
 * by Okta's rate-limit headers (rate-limit.ts).
 */
import { VigilError } from '../../lib/errors.ts';
import { linkWithRel, paginateLinkHeader, type Query, type RunContext } from '../sdk/index.ts';
import type { OktaConfig } from './config.ts';
import { rateLimiterFor } from './rate-limit.ts';

export interface ApiUser {
  id: string;
  status: string;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  profile: { login: string; email: string; firstName?: string | null; lastName?: string | null; department?: string | null };
}

export interface ApiFactor {
  id: string;
  factorType: string;
  provider: string;
  vendorName?: string | null;
  status: string;
  created: string;
  lastUpdated: string;
}

export interface ApiRoleAssignment {
  id: string;
  label: string;
  type: string;
  status: string;
  created: string;
  lastUpdated: string;
  assignmentType: string;
  /** Custom roles only: the role's id and the resource set it applies to. */
  role?: string;
  'resource-set'?: string;
}

export interface ApiGroup {
  id: string;
  type: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  profile: { name: string; description?: string | null };
}

/**
 * Okta's rate limits are per endpoint family; ids are replaced so every user's factors count as
 * one family, as Okta counts them.
 */
export function bucketOf(path: string): string {
  return path.replace(/\/(users|groups)\/[^/]+/g, '/$1/{id}');
}

const asList = (path: string) => (body: unknown) => {
  if (!Array.isArray(body)) {
    throw new VigilError('ProviderError', `GET ${path}: expected a JSON array, as Okta documents this listing`, {
      hint: 'the base URL may point at something other than the Okta Management API (check it ends at the org domain, without /api/v1)',
      details: { path },
    });
  }
  return body as unknown[];
};

/** Every page of an Okta listing. Okta documents its Link header as opaque: we follow it, never build it. */
export async function* oktaPages<T>(ctx: RunContext<OktaConfig>, path: string, query: Query = {}): AsyncGenerator<T[]> {
  const limiter = rateLimiterFor(ctx);
  const bucket = bucketOf(path);
  await limiter.wait(bucket);
  for await (const page of paginateLinkHeader(ctx.http, path, { query, items: asList(path) })) {
    limiter.update(bucket, page.response.headers);
    yield page.items as T[];
    if (linkWithRel(page.response.headers.get('link'), 'next') !== undefined) await limiter.wait(bucket);
  }
}

/** One GET of a JSON body, paced like the listings. */
export async function oktaGet<T>(ctx: RunContext<OktaConfig>, path: string, query?: Query): Promise<T> {
  const limiter = rateLimiterFor(ctx);
  const bucket = bucketOf(path);
  await limiter.wait(bucket);
  const response = await ctx.http.request<T>(path, query ? { query } : {});
  limiter.update(bucket, response.headers);
  return response.body;
}

/** A GET whose body Okta documents as an array without pagination (a user's factors or roles). */
export async function oktaList<T>(ctx: RunContext<OktaConfig>, path: string): Promise<T[]> {
  return asList(path)(await oktaGet<unknown>(ctx, path)) as T[];
}

/**
 * `fn` over `items` with at most `limit` running at once, results in input order. The first error
 * stops new work and is thrown once the running ones settle.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw failed.error;
  return results;
}
