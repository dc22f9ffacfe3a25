import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureRoute, type FixtureServer } from '../testing/fixture-server.ts';
import { createHttpClient } from './client.ts';
import { paginateCursor, paginateLinkHeader, paginateNextUrl, paginateOffset, paginatePageToken, type Page } from './paginate.ts';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(routes: FixtureRoute[]) {
  server = await startFixtureServer(routes);
  return createHttpClient({ baseUrl: server.url, retries: 0 });
}

async function all<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(...p.items);
  return out;
}

const items = (b: unknown) => b as number[];

describe('pagination', () => {
  it('follows Link rel="next" until there is none, so rows past the first page are collected', async () => {
    const http = await clientFor([
      { path: '/users', query: { limit: '2' }, reply: { body: [1, 2], headers: { link: '<{{baseUrl}}/users?limit=2&after=2>; rel="next"' } } },
      // A relative next link is resolved against the URL that answered.
      { path: '/users', query: { limit: '2', after: '2' }, reply: { body: [3, 4], headers: { link: '</users?limit=2&after=4>; rel="next"' } } },
      { path: '/users', query: { limit: '2', after: '4' }, reply: { body: [5] } },
    ]);
    expect(await all(paginateLinkHeader(http, '/users', { query: { limit: 2 }, items }))).toEqual([1, 2, 3, 4, 5]);
    server!.verify();
  });

  it('refuses a next link to another host, naming both hosts', async () => {
    const http = await clientFor([{ path: '/users', reply: { body: [1], headers: { link: '<https://attacker.example.org/users?page=2>; rel="next"' } } }]);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const p of paginateLinkHeader(http, '/users', { items })) seen.push(...p.items);
      })(),
    ).rejects.toThrow(`refusing to send a request to attacker.example.org: the configured provider is ${new URL(server!.url).host}`);
    expect(seen).toEqual([1]);
    expect(server!.requests).toHaveLength(1);
  });

  it('stops with an error at the page cap instead of returning a cut-short list as complete', async () => {
    const http = await clientFor([
      { path: '/p', query: { page: '1' }, reply: { body: [1], headers: { link: '</p?page=2>; rel="next"' } } },
      { path: '/p', query: { page: '2' }, reply: { body: [2], headers: { link: '</p?page=3>; rel="next"' } } },
    ]);
    await expect(all(paginateLinkHeader(http, '/p', { query: { page: 1 }, items, maxPages: 2 }))).rejects.toMatchObject({
      _tag: 'ProviderError',
      message: 'GET /p: still more pages after 2; stopped so a runaway listing cannot run forever',
    });
  });

  it('stops with an error when a provider hands back a link it already gave', async () => {
    const http = await clientFor([{ path: '/loop', reply: { body: [1], headers: { link: '</loop>; rel="next"' } } }]);
    await expect(all(paginateLinkHeader(http, '/loop', { items }))).rejects.toThrow(/returned the same next link twice/);
  });

  it('sends a cursor from the body back as a query parameter until the cursor is empty', async () => {
    const http = await clientFor([
      { path: '/groups', query: { size: '2' }, reply: { body: { data: [1, 2], next: 'c2' } } },
      { path: '/groups', query: { size: '2', cursor: 'c2' }, reply: { body: { data: [3], next: '' } } },
    ]);
    const pages = paginateCursor(http, '/groups', {
      query: { size: 2 },
      cursorParam: 'cursor',
      items: (b) => (b as { data: number[] }).data,
      nextCursor: (b) => (b as { next: string }).next,
    });
    expect(await all(pages)).toEqual([1, 2, 3]);
    server!.verify();
  });

  it('detects a repeated cursor', async () => {
    const http = await clientFor([{ path: '/g', reply: { body: { data: [1], next: 'same' } }, repeat: true }]);
    const pages = paginateCursor(http, '/g', { cursorParam: 'c', items: (b) => (b as { data: number[] }).data, nextCursor: (b) => (b as { next: string }).next });
    await expect(all(pages)).rejects.toThrow(/same cursor twice/);
  });

  it('follows Google-style page tokens', async () => {
    const http = await clientFor([
      { path: '/v1/items', query: {}, reply: { body: { items: [1], nextPageToken: 't2' } } },
      { path: '/v1/items', query: { pageToken: 't2' }, reply: { body: { items: [2] } } },
    ]);
    expect(await all(paginatePageToken(http, '/v1/items', { items: (b) => (b as { items: number[] }).items }))).toEqual([1, 2]);
  });

  it('follows a next URL in the body, on the configured origin only', async () => {
    const http = await clientFor([
      { path: '/tickets', reply: { body: { tickets: [1], links: { next: '{{baseUrl}}/tickets?page[after]=x' } } } },
      { path: '/tickets', query: { 'page[after]': 'x' }, reply: { body: { tickets: [2], links: { next: null } } } },
    ]);
    const pages = paginateNextUrl(http, '/tickets', { items: (b) => (b as { tickets: number[] }).tickets, nextUrl: (b) => (b as { links: { next: string | null } }).links.next });
    expect(await all(pages)).toEqual([1, 2]);
  });

  it('walks offset/limit pages until the provider says there are no more', async () => {
    const http = await clientFor([
      { path: '/incidents', query: { offset: '0', limit: '2' }, reply: { body: { incidents: [1, 2], more: true } } },
      { path: '/incidents', query: { offset: '2', limit: '2' }, reply: { body: { incidents: [3, 4], more: false } } },
    ]);
    const pages = paginateOffset(http, '/incidents', {
      limit: 2,
      items: (b) => (b as { incidents: number[] }).incidents,
      hasMore: (b) => (b as { more: boolean }).more,
    });
    expect(await all(pages)).toEqual([1, 2, 3, 4]);
    server!.verify();
  });

  it('says clearly when a page has no list where the connector expects one', async () => {
    const http = await clientFor([{ path: '/odd', reply: { body: { error: 'nope' } } }]);
    await expect(all(paginateLinkHeader(http, '/odd', { items: (b) => (b as { data: number[] }).data }))).rejects.toThrow(
      'GET /odd: the response has no list of items where this connector expects one',
    );
  });
});
