/**
 * The recorded happy path: every request one full Google Workspace collection makes, in the shapes
 * the Admin SDK documents (see SOURCES.md), with a second page of each listing. The contract runs
 * with a plain access token; the service-account token exchange has its own tests (auth.test.ts).
 */
import type { FixtureRoute } from '../../sdk/testing/index.ts';

export const fixturesDir = new URL('./', import.meta.url);

export const USERS = '/admin/directory/v1/users';
export const ACTIVITY = '/admin/reports/v1/activity/users/all/applications/admin';
export const USERS_TOKEN = 'Q0FFU0V3b1JDZ2hqZFhOMGIyMWxjaElGQ2dNeE1EUQ';
export const ACTIVITY_TOKEN = 'A:1766245202118000:7210436654408817732:C03az79cb';

export const usersQuery = { customer: 'my_customer', maxResults: '500', projection: 'full' };
/** The first audit request of the contract run: 180 days before the test clock's 2026-01-01. */
export const firstActivityQuery = { startTime: '2025-07-05T00:00:00.000Z', maxResults: '1000' };

export const routes: FixtureRoute[] = [
  { name: 'connection test', path: USERS, query: { customer: 'my_customer', maxResults: '1' }, reply: { fixture: 'users.first.json' } },
  { name: 'users page 1', path: USERS, query: usersQuery, reply: { fixture: 'users.page1.json' } },
  { name: 'users page 2', path: USERS, query: { ...usersQuery, pageToken: USERS_TOKEN }, reply: { fixture: 'users.page2.json' } },
  { name: 'admin activity page 1', path: ACTIVITY, query: firstActivityQuery, reply: { fixture: 'activities.page1.json' } },
  { name: 'admin activity page 2', path: ACTIVITY, query: { ...firstActivityQuery, pageToken: ACTIVITY_TOKEN }, reply: { fixture: 'activities.page2.json' } },
];

export const TEST_ACCESS_TOKEN = 'ya29.vigil-test-access-token-Zk3qP0';

/** A test config pointing at the fixture server, with a distinctive token to hunt for in output. */
export const testConfig = (baseUrl: string) => ({ baseUrl, accessToken: TEST_ACCESS_TOKEN });

/** Google's error body, as the Admin SDK documents it. */
export const googleError = (code: number, status: string, reason: string, message: string) => ({
  error: { code, message, errors: [{ message, domain: 'global', reason }], status },
});
