/**
 * The recorded happy path: every request one full Okta collection makes, in the shapes the Okta
 * Management API documents (see SOURCES.md), including a second page of each listing. The users
 * list is walked three times (users, then each user's factors, then each user's roles), so its
 * routes repeat.
 */
import type { FixtureReply, FixtureRoute } from '../../sdk/testing/index.ts';

export const fixturesDir = new URL('./', import.meta.url);

const ALICE = '00u118oQYT4TBTemp0g4';
const BEN = '00u1xke1apZnmHgpB1d7';
const JANICE = '00u269cmneNMFHCH51d7';

/** What Okta sends on every answer; plenty left, so nothing waits. */
const rateHeaders = { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '597', 'x-rate-limit-reset': '1767225660' };
const page = (fixture: string, next?: string): FixtureReply => ({
  fixture,
  headers: {
    ...rateHeaders,
    ...(next ? { link: `<{{baseUrl}}${next}>; rel="next"` } : {}),
  },
});

/** The first System Log request of the contract run: 90 days before the test clock's 2026-01-01. */
export const firstLogQuery = { since: '2025-10-03T00:00:00.000Z', limit: '1000', sortOrder: 'ASCENDING' };
export const afterPage1 = '/api/v1/logs?limit=1000&sortOrder=ASCENDING&after=1723564961120_e3b1c2d0';
export const afterPage2 = '/api/v1/logs?limit=1000&sortOrder=ASCENDING&after=1723570930000_5d2e9b70';

export const routes: FixtureRoute[] = [
  { name: 'connection test', path: '/api/v1/users', query: { limit: '1' }, reply: page('users.first.json') },
  {
    name: 'users page 1',
    path: '/api/v1/users',
    query: { limit: '200' },
    reply: page('users.page1.json', `/api/v1/users?after=${BEN}&limit=200`),
    repeat: true,
  },
  { name: 'users page 2', path: '/api/v1/users', query: { after: BEN, limit: '200' }, reply: page('users.page2.json'), repeat: true },
  { name: 'deprovisioned users', path: '/api/v1/users', query: { search: 'status eq "DEPROVISIONED"', limit: '200' }, reply: page('users.deprovisioned.json') },
  { name: 'factors of Alice', path: `/api/v1/users/${ALICE}/factors`, reply: page('factors.alice.json') },
  { name: 'factors of Ben', path: `/api/v1/users/${BEN}/factors`, reply: { body: [] } },
  { name: 'factors of Janice', path: `/api/v1/users/${JANICE}/factors`, reply: page('factors.janice.json') },
  { name: 'roles of Alice', path: `/api/v1/users/${ALICE}/roles`, reply: page('roles.alice.json') },
  { name: 'roles of Ben', path: `/api/v1/users/${BEN}/roles`, reply: { body: [] } },
  { name: 'roles of Janice', path: `/api/v1/users/${JANICE}/roles`, reply: page('roles.janice.json') },
  {
    name: 'groups page 1',
    path: '/api/v1/groups',
    query: { limit: '200' },
    reply: page('groups.page1.json', '/api/v1/groups?after=00garwpuyxHaWOkdV0g4&limit=200'),
  },
  { name: 'groups page 2', path: '/api/v1/groups', query: { after: '00garwpuyxHaWOkdV0g4', limit: '200' }, reply: page('groups.page2.json') },
  { name: 'members of West Coast users', path: '/api/v1/groups/00g1emaKYZTWRYYRRTSK/users', query: { limit: '200' }, reply: page('group-members.west-coast.json') },
  { name: 'members of Engineering users', path: '/api/v1/groups/00garwpuyxHaWOkdV0g4/users', query: { limit: '200' }, reply: page('group-members.engineering.json') },
  { name: 'members of Squabble of users', path: '/api/v1/groups/00gak46y5hydV6NdM0g4/users', query: { limit: '200' }, reply: { body: [] } },
  { name: 'system log page 1', path: '/api/v1/logs', query: firstLogQuery, reply: page('logs.page1.json', afterPage1) },
  {
    name: 'system log page 2',
    path: '/api/v1/logs',
    query: { limit: '1000', sortOrder: 'ASCENDING', after: '1723564961120_e3b1c2d0' },
    reply: page('logs.page2.json', afterPage2),
  },
  // Caught up: Okta answers an empty page and, when polling, the same next link again.
  {
    name: 'system log caught up',
    path: '/api/v1/logs',
    query: { limit: '1000', sortOrder: 'ASCENDING', after: '1723570930000_5d2e9b70' },
    reply: { body: [], headers: { ...rateHeaders, link: `<{{baseUrl}}${afterPage2}>; rel="next"` } },
  },
];

/** A test config pointing at the fixture server, with a distinctive token to hunt for in output. */
export const testConfig = (baseUrl: string) => ({ baseUrl, token: '00okta-test-token-7Qx2LmZ9pW' });

/** Okta's error body (errorCode/errorSummary), as its API reference documents it. */
export const oktaError = (errorCode: string, errorSummary: string) => ({
  errorCode,
  errorSummary,
  errorLink: errorCode,
  errorId: 'oaeVigilFixture0000000',
  errorCauses: [],
});
