import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../lib/errors.ts';
import { createRunContext, readEvents, readResource, type EngineRunContext, type Row } from '../sdk/index.ts';
import { createTestTime, describeConnectorContract, startFixtureServer, type FixtureRoute, type RecordedRequest } from '../sdk/testing/index.ts';
import {
  ACTIVITY,
  ACTIVITY_TOKEN,
  TEST_ACCESS_TOKEN,
  USERS,
  firstActivityQuery,
  fixturesDir,
  googleError,
  routes,
  testConfig,
  usersQuery,
} from './__fixtures__/routes.ts';
import type { GoogleWorkspaceConfig } from './config.ts';
import { googleWorkspace } from './index.ts';

describeConnectorContract(googleWorkspace, {
  config: testConfig,
  routes,
  fixturesDir,
  errorBody: (m) => googleError(403, 'PERMISSION_DENIED', 'forbidden', m),
});

const users = googleWorkspace.resources[0]!;
const adminActivity = googleWorkspace.events[0]!;
const only = (names: string[]) => routes.filter((r) => names.includes(r.name ?? ''));

async function withServer<T>(
  serverRoutes: FixtureRoute[],
  run: (ctx: EngineRunContext<GoogleWorkspaceConfig>, requests: () => readonly RecordedRequest[], time: ReturnType<typeof createTestTime>) => Promise<T>,
  config: Record<string, unknown> = {},
) {
  const server = await startFixtureServer(serverRoutes, { fixturesDir });
  const time = createTestTime('2026-01-01T00:00:00.000Z');
  try {
    const ctx = createRunContext({ connector: googleWorkspace, config: { ...testConfig(server.url), ...config }, clock: time.clock, sleep: time.sleep });
    const result = await run(ctx, () => server.requests, time);
    server.assertNoUnexpected();
    return result;
  } finally {
    await server.close();
  }
}

async function collectUsers(ctx: EngineRunContext<GoogleWorkspaceConfig>) {
  const rows: Row[] = [];
  const outcome = await readResource(ctx, users, (page) => void rows.push(...page));
  return { rows, outcome };
}

describe('google-workspace', () => {
  it('lists users page by page with the page token, and maps 2SV, admin, suspension and a never-used sign-in', async () => {
    await withServer(only(['users page 1', 'users page 2']), async (ctx, requests) => {
      const { rows, outcome } = await collectUsers(ctx);
      expect(outcome.status).toBe('complete');
      expect(requests().map((r) => r.query)).toEqual([usersQuery, { ...usersQuery, pageToken: 'Q0FFU0V3b1JDZ2hqZFhOMGIyMWxjaElGQ2dNeE1EUQ' }]);
      expect(requests()[0]!.headers.authorization).toBe(`Bearer ${TEST_ACCESS_TOKEN}`);
      expect(rows.map((r) => [r.primaryEmail, r.isEnrolledIn2Sv, r.suspended])).toEqual([
        ['liz.admin@example.com', true, false],
        ['sam.patel@example.com', false, false],
        ['dana.lee@example.com', true, true],
        ['new.starter@example.com', false, false],
      ]);
      expect(rows[3]).toEqual({
        id: '109455120871234500017',
        primaryEmail: 'new.starter@example.com',
        fullName: 'New Starter',
        orgUnitPath: '/',
        suspended: false,
        suspensionReason: null,
        archived: true,
        isAdmin: false,
        isDelegatedAdmin: false,
        isEnrolledIn2Sv: false,
        isEnforcedIn2Sv: true,
        creationTime: '2025-12-31T16:05:33.000Z',
        lastLoginTime: null,
        agreedToTerms: false,
      });
      expect(rows[2]).toMatchObject({ suspensionReason: 'ADMIN', lastLoginTime: '2025-08-01T12:30:00.000Z' });
      expect(rows[1]).toMatchObject({ isDelegatedAdmin: true, isAdmin: false, orgUnitPath: '/Engineering' });
    });
  });

  it('reads the admin audit log newest first across pages, one row per event, and moves the cursor only on the last page', async () => {
    await withServer(only(['admin activity page 1', 'admin activity page 2']), async (ctx, requests) => {
      const pages: { rows: Row[]; cursor: string | null }[] = [];
      const outcome = await readEvents(ctx, adminActivity, null, (page) => void pages.push(page));
      expect(requests().map((r) => r.query)).toEqual([firstActivityQuery, { ...firstActivityQuery, pageToken: ACTIVITY_TOKEN }]);
      expect(pages.map((p) => p.cursor)).toEqual(['2025-07-05T00:00:00.000Z', '2025-12-30T09:12:44.315Z']);
      expect(outcome).toMatchObject({ status: 'complete', rows: 4, cursor: '2025-12-30T09:12:44.315Z' });
      const rows = pages.flatMap((p) => p.rows);
      expect(rows.map((r) => [r.eventName, r.parameters])).toEqual([
        ['ASSIGN_ROLE', { ROLE_ID: '38150921562931201', ROLE_NAME: '_USER_MANAGEMENT_ADMIN_ROLE', USER_EMAIL: 'sam.patel@example.com' }],
        ['SUSPEND_USER', { USER_EMAIL: 'dana.lee@example.com' }],
        ['CHANGE_USER_ORGANIZATION', { USER_EMAIL: 'dana.lee@example.com', ORG_UNIT_NAME: '/Sales', NEW_VALUE: ['/Sales', '/Leavers'] }],
        ['ENFORCE_STRONG_AUTHENTICATION', { ORG_UNIT_NAME: '/', NEW_VALUE: 'true', OLD_VALUE: 'false', GRACE_PERIOD_DAYS: 7, APPLIES_TO_NEW_USERS: true }],
      ]);
      expect(rows[1]).toEqual({
        id: '2025-12-20T15:40:02.118Z/7210436654408817732/0',
        time: '2025-12-20T15:40:02.118Z',
        uniqueQualifier: '7210436654408817732',
        actorEmail: 'liz.admin@example.com',
        actorProfileId: '104223340123406598521',
        actorCallerType: 'USER',
        ipAddress: '203.0.113.17',
        eventType: 'USER_SETTINGS',
        eventName: 'SUSPEND_USER',
        parameters: { USER_EMAIL: 'dana.lee@example.com' },
      });
      expect(rows[2]!.id).toBe('2025-12-20T15:40:02.118Z/7210436654408817732/1');
    });
  });

  it('resumes the audit log from the stored cursor, and keeps it when nothing new happened', async () => {
    const empty: FixtureRoute[] = [
      { path: ACTIVITY, query: { startTime: '2025-12-30T09:12:44.315Z', maxResults: '1000' }, reply: { body: { kind: 'admin#reports#activities', etag: '"e"' } } },
    ];
    await withServer(empty, async (ctx) => {
      const outcome = await readEvents(ctx, adminActivity, '2025-12-30T09:12:44.315Z', () => {});
      expect(outcome).toMatchObject({ status: 'complete', rows: 0, cursor: '2025-12-30T09:12:44.315Z' });
    });
  });

  it('names another customer by id in both APIs', async () => {
    const other: FixtureRoute[] = [
      { path: USERS, query: { ...usersQuery, customer: 'C01234567' }, reply: { body: { kind: 'admin#directory#users', users: [] } } },
      { path: ACTIVITY, query: { ...firstActivityQuery, customerId: 'C01234567' }, reply: { body: { kind: 'admin#reports#activities' } } },
    ];
    await withServer(other, async (ctx) => {
      expect((await collectUsers(ctx)).rows).toEqual([]);
      expect((await readEvents(ctx, adminActivity, null, () => {})).rows).toBe(0);
    }, { customer: 'C01234567' });
  });

  it('waits out a 429 with Retry-After, as Google sends it on a spent quota', async () => {
    const limited: FixtureRoute[] = [
      {
        path: USERS,
        query: usersQuery,
        reply: [{ status: 429, headers: { 'retry-after': '30' }, body: googleError(429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'Rate Limit Exceeded') }, { fixture: 'users.page2.json' }],
      },
    ];
    await withServer(limited, async (ctx, requests, time) => {
      const { rows } = await collectUsers(ctx);
      expect(time.sleeps).toEqual([30_000]);
      expect(requests()).toHaveLength(2);
      expect(rows).toHaveLength(2);
    });
  });

  it('reports a 403 rateLimitExceeded as RateLimited, not as a missing permission', async () => {
    const quota: FixtureRoute[] = [{ path: USERS, query: usersQuery, reply: { status: 403, body: googleError(403, 'PERMISSION_DENIED', 'rateLimitExceeded', 'Rate Limit Exceeded') } }];
    await withServer(quota, async (ctx) => {
      const error = await collectUsers(ctx).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('RateLimited');
      expect((error as Error).message).toBe('GET /admin/directory/v1/users: rate limited by Google (403 [rateLimitExceeded]): Rate Limit Exceeded');
      expect(ctx.gaps()).toEqual([]);
    });
  });

  it('waits out a 403 rateLimitExceeded that carries Retry-After, then continues', async () => {
    const quota: FixtureRoute[] = [
      {
        path: USERS,
        query: usersQuery,
        reply: [{ status: 403, headers: { 'retry-after': '5' }, body: googleError(403, 'PERMISSION_DENIED', 'userRateLimitExceeded', 'User Rate Limit Exceeded') }, { fixture: 'users.page2.json' }],
      },
    ];
    await withServer(quota, async (ctx, _requests, time) => {
      expect((await collectUsers(ctx)).rows).toHaveLength(2);
      expect(time.sleeps).toEqual([5_000]);
      expect(ctx.gaps()).toEqual([]);
    });
  });

  it('records a 403 insufficientPermissions on the audit log as a missing permission with Google’s words, and still reads users', async () => {
    const said = 'Request had insufficient authentication scopes.';
    const denied: FixtureRoute[] = [
      ...only(['users page 1', 'users page 2']),
      { path: ACTIVITY, query: firstActivityQuery, reply: { status: 403, body: googleError(403, 'PERMISSION_DENIED', 'insufficientPermissions', said) } },
    ];
    await withServer(denied, async (ctx) => {
      expect((await collectUsers(ctx)).outcome.status).toBe('complete');
      const outcome = await readEvents(ctx, adminActivity, null, () => {});
      expect(outcome.status).toBe('permission_missing');
      expect(ctx.gaps()).toEqual([expect.objectContaining({ kind: 'permission_missing', what: 'admin-activity', message: said })]);
    });
  });

  it('fails with AuthFailed and Google’s message on a 401 to a fixed access token', async () => {
    const denied: FixtureRoute[] = [{ path: USERS, reply: { status: 401, body: googleError(401, 'UNAUTHENTICATED', 'authError', 'Invalid Credentials') } }];
    await withServer(denied, async (ctx) => {
      const error = await googleWorkspace.testConnection(ctx).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('AuthFailed');
      expect((error as Error).message).toBe('GET /admin/directory/v1/users: the provider rejected the credentials (401 [authError]): Invalid Credentials');
    });
  });

  it('reports a users answer without a users list as a ProviderError naming the path', async () => {
    const wrong: FixtureRoute[] = [{ path: USERS, query: usersQuery, reply: { body: { users: { id: '1' } } } }];
    await withServer(wrong, async (ctx) => {
      const error = await collectUsers(ctx).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('ProviderError');
      expect((error as Error).message).toBe(`GET ${USERS}: "users" is not a list`);
    });
  });

  it('refuses a config with both an access token and a service account, or half a service account', () => {
    const parse = (c: Record<string, unknown>) => googleWorkspace.configSchema.safeParse(c);
    expect(parse({ accessToken: 't', clientEmail: 'a@b.iam.gserviceaccount.com' }).success).toBe(false);
    const half = parse({ clientEmail: 'a@b.iam.gserviceaccount.com', privateKey: 'k' });
    expect(half.success).toBe(false);
    expect(half.error?.issues.map((i) => i.path.join('.'))).toEqual(['subject']);
    expect(parse({ accessToken: 't' }).success).toBe(true);
  });
});
