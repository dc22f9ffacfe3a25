/**
 * The recorded happy path: every request one full collection makes, in the shapes the (fictional)
 * Acme People API reference documents, including a second page of each listing.
 */
import type { FixtureRoute } from '../../sdk/testing/index.ts';

export const fixturesDir = new URL('./', import.meta.url);

export const routes: FixtureRoute[] = [
  { name: 'organization', path: '/v1/organization', reply: { fixture: 'organization.json' } },
  {
    name: 'users page 1',
    path: '/v1/users',
    query: { limit: '200' },
    reply: { fixture: 'users.page1.json', headers: { link: '<{{baseUrl}}/v1/users?limit=200&after=usr_02>; rel="next"' } },
  },
  { name: 'users page 2', path: '/v1/users', query: { limit: '200', after: 'usr_02' }, reply: { fixture: 'users.page2.json' } },
  { name: 'groups page 1', path: '/v1/groups', query: { page_size: '50' }, reply: { fixture: 'groups.page1.json' } },
  { name: 'groups page 2', path: '/v1/groups', query: { page_size: '50', cursor: 'Z3JwX2VuZw' }, reply: { fixture: 'groups.page2.json' } },
  // The first page asks `since` a date that depends on the clock; any query is accepted here and
  // the connector's own test checks the date.
  { name: 'audit events page 1', path: '/v1/audit-events', reply: { fixture: 'audit-events.page1.json' } },
  { name: 'audit events page 2', path: '/v1/audit-events', query: { cursor: 'ZXZ0XzEwMDI', limit: '100' }, reply: { fixture: 'audit-events.page2.json' } },
];

/** A test config pointing at the fixture server, with a distinctive token to hunt for in output. */
export const testConfig = (baseUrl: string) => ({ baseUrl, token: 'acme-test-token-5f2c9a1e7d' });
