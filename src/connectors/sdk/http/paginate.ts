/**
 * Pagination, page by page, as async generators: a connector's `list` does
 * `for await (const page of paginateLinkHeader(ctx.http, '/users', {...})) yield page.items.map(toRow)`.
 *
 * Every style stops at a page cap and when a provider hands back a cursor or link it already
 * gave (a loop), and both are errors, not a quiet end: an inventory cut short must not look
 * complete. Next links are followed as given (providers document them as opaque) but only on the
 * configured origin, because the credentials go with them.
 */
import { VigilError } from '../../../lib/errors.ts';
import type { HttpClient, HttpResponse, Query } from './client.ts';
import { linkWithRel } from './link-header.ts';

export interface Page<T> {
  items: T[];
  response: HttpResponse<unknown>;
  /** 1 for the first page. */
  number: number;
}

export interface PaginateOptions<T> {
  /** Query of the first request (later requests follow links or add the cursor). */
  query?: Query;
  headers?: Record<string, string>;
  /** The items of one page's body, e.g. `(body) => body.data`. */
  items: (body: unknown) => T[];
  /** Stop with an error after this many pages (default 10 000). */
  maxPages?: number;
}

export const defaultMaxPages = 10_000;

function pageCapError(http: HttpClient, path: string, max: number): VigilError {
  return new VigilError('ProviderError', `GET ${http.url(path).pathname}: still more pages after ${max}; stopped so a runaway listing cannot run forever`, {
    hint: 'raise maxPages for this listing if the provider really has that many pages, or narrow the query',
    details: { path: http.url(path).pathname, maxPages: max },
  });
}

function loopError(http: HttpClient, path: string, what: string): VigilError {
  return new VigilError('ProviderError', `GET ${http.url(path).pathname}: the provider returned the same ${what} twice; stopped to avoid looping`, {
    hint: 'this looks like a provider bug; the collection is incomplete, please report it with the provider version',
    details: { path: http.url(path).pathname },
  });
}

/** Items as an array, or a clear error when the body does not have them where expected. */
function itemsOf<T>(page: HttpResponse<unknown>, items: (body: unknown) => T[]): T[] {
  const out = items(page.body);
  if (!Array.isArray(out)) {
    throw new VigilError('ProviderError', `GET ${page.url.pathname}: the response has no list of items where this connector expects one`, {
      hint: 'the provider may have changed its API; please report it',
      details: { path: page.url.pathname, status: page.status },
    });
  }
  return out;
}

/**
 * RFC 8288 `Link: <…>; rel="next"` (GitHub, Okta, GitLab). The link is resolved against the URL
 * that answered and must stay on the configured origin.
 */
export async function* paginateLinkHeader<T>(http: HttpClient, path: string, options: PaginateOptions<T>): AsyncGenerator<Page<T>> {
  const max = options.maxPages ?? defaultMaxPages;
  const seen = new Set<string>();
  let next: URL | undefined = http.url(path, options.query);
  for (let number = 1; next; number++) {
    if (number > max) throw pageCapError(http, path, max);
    seen.add(next.href);
    const response: HttpResponse<unknown> = await http.request(next, { headers: options.headers });
    yield { items: itemsOf(response, options.items), response, number };
    const link = linkWithRel(response.headers.get('link'), 'next');
    next = link === undefined ? undefined : http.url(new URL(link, response.url));
    if (next && seen.has(next.href)) throw loopError(http, path, 'next link');
  }
}

export interface CursorOptions<T> extends PaginateOptions<T> {
  /** The query parameter the cursor is sent back in, e.g. `cursor`, `pageToken`, `after`. */
  cursorParam: string;
  /** The next cursor from a page's body (or headers); empty or absent means the last page. */
  nextCursor: (body: unknown, response: HttpResponse<unknown>) => string | null | undefined;
}

/**
 * A cursor or page token in the body, sent back as a query parameter on the same path: Slack's
 * `response_metadata.next_cursor`, Google's `nextPageToken`, Jira's `nextPageToken`.
 */
export async function* paginateCursor<T>(http: HttpClient, path: string, options: CursorOptions<T>): AsyncGenerator<Page<T>> {
  const max = options.maxPages ?? defaultMaxPages;
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let number = 1; ; number++) {
    if (number > max) throw pageCapError(http, path, max);
    const query = cursor === undefined ? options.query : { ...options.query, [options.cursorParam]: cursor };
    const response = await http.request(path, { query, headers: options.headers });
    yield { items: itemsOf(response, options.items), response, number };
    const next = options.nextCursor(response.body, response);
    if (next === undefined || next === null || next === '') return;
    if (seen.has(next)) throw loopError(http, path, 'cursor');
    seen.add(next);
    cursor = next;
  }
}

/** Google-style page tokens: `nextPageToken` in the body, sent back as `pageToken`. */
export function paginatePageToken<T>(
  http: HttpClient,
  path: string,
  options: PaginateOptions<T> & { tokenParam?: string; tokenField?: string },
): AsyncGenerator<Page<T>> {
  const field = options.tokenField ?? 'nextPageToken';
  return paginateCursor(http, path, {
    ...options,
    cursorParam: options.tokenParam ?? 'pageToken',
    nextCursor: (body) => {
      const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
      return typeof v === 'string' ? v : undefined;
    },
  });
}

export interface NextUrlOptions<T> extends PaginateOptions<T> {
  /** The next page's URL from a page's body (JSON:API `links.next`, Zendesk `next_page`). */
  nextUrl: (body: unknown) => string | null | undefined;
}

/** A next-page URL inside the body; followed as given, on the configured origin only. */
export async function* paginateNextUrl<T>(http: HttpClient, path: string, options: NextUrlOptions<T>): AsyncGenerator<Page<T>> {
  const max = options.maxPages ?? defaultMaxPages;
  const seen = new Set<string>();
  let next: URL | undefined = http.url(path, options.query);
  for (let number = 1; next; number++) {
    if (number > max) throw pageCapError(http, path, max);
    seen.add(next.href);
    const response: HttpResponse<unknown> = await http.request(next, { headers: options.headers });
    yield { items: itemsOf(response, options.items), response, number };
    const link = options.nextUrl(response.body);
    next = link ? http.url(new URL(link, response.url)) : undefined;
    if (next && seen.has(next.href)) throw loopError(http, path, 'next link');
  }
}

export interface OffsetOptions<T> extends PaginateOptions<T> {
  offsetParam?: string;
  limitParam?: string;
  limit: number;
  /** Whether more pages follow (PagerDuty `more`); default: a full page means maybe more. */
  hasMore?: (body: unknown, items: T[]) => boolean;
}

/** offset/limit (PagerDuty, Jira's `startAt`/`maxResults`). */
export async function* paginateOffset<T>(http: HttpClient, path: string, options: OffsetOptions<T>): AsyncGenerator<Page<T>> {
  const max = options.maxPages ?? defaultMaxPages;
  const offsetParam = options.offsetParam ?? 'offset';
  const limitParam = options.limitParam ?? 'limit';
  for (let number = 1, offset = 0; ; number++) {
    if (number > max) throw pageCapError(http, path, max);
    const response = await http.request(path, { query: { ...options.query, [offsetParam]: offset, [limitParam]: options.limit }, headers: options.headers });
    const items = itemsOf(response, options.items);
    yield { items, response, number };
    const more = options.hasMore ? options.hasMore(response.body, items) : items.length >= options.limit;
    if (!more || items.length === 0) return;
    offset += items.length;
  }
}
