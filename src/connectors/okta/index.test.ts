import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../lib/errors.ts';
import { createRunContext, readEvents, readResource, type EngineRunContext, type Row } from '../sdk/index.ts';
import { createTestTime, describeConnectorContract, startFixtureServer, type FixtureRoute, type RecordedRequest } from '../sdk/testing/index.ts';
import { afterPage2, firstLogQuery, fixturesDir, oktaError, routes, testConfig } from './__fixtures__/routes.ts';
import { okta } from './index.ts';
import type { OktaConfig } from './config.ts';

describeConnectorContract(okta, { config: testConfig, routes, fixturesDir, errorBody: (m) => oktaError('E0000006', m) });

const TOKEN = '00okta-test-token-7Qx2LmZ9pW';
const resource = (name: string) => okta.resources.find((r) => r.name === name)!;
const systemLog = okta.events[0]!;

async function withServer<T>(
  serverRoutes: FixtureRoute[],
  run: (ctx: EngineRunContext<OktaConfig>, requests: () => readonly RecordedRequest[], time: ReturnType<typeof createTestTime>) => Promise<T>,
  config: Partial<OktaConfig> = {},
) {
  const server = await startFixtureServer(serverRoutes, { fixturesDir });
  const time = createTestTime('2026-01-01T00:00:00.000Z');
  try {
    const ctx = createRunContext({ connector: okta, config: { ...testConfig(server.url), ...config }, clock: time.clock, sleep: time.sleep });
    const result = await run(ctx, () => server.requests, time);
    server.assertNoUnexpected();
    return result;
  } finally {
    await server.close();
  }
}

async function collect(ctx: EngineRunContext<OktaConfig>, name: string) {
  const rows: Row[] = [];
  const outcome = await readResource(ctx, resource(name), (page) => void rows.push(...page));
  return { rows, outcome };
}

const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, fixturesDir), 'utf8')) as unknown[];
const only = (names: string[]) => routes.filter((r) => names.includes(r.name ?? ''));

describe('okta', () => {
  it('sends the API token with the SSWS scheme, or as a bearer token when authScheme is Bearer', async () => {
    await withServer(only(['connection test']), async (ctx, requests) => {
      await okta.testConnection(ctx);
      expect(requests()[0]!.headers.authorization).toBe(`SSWS ${TOKEN}`);
    });
    await withServer(only(['connection test']), async (ctx, requests) => {
      await okta.testConnection(ctx);
      expect(requests()[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }, { authScheme: 'Bearer' });
  });

  it('collects users from both pages and the DEPROVISIONED ones the plain list leaves out', async () => {
    await withServer(only(['users page 1', 'users page 2', 'deprovisioned users']), async (ctx, requests) => {
      const { rows, outcome } = await collect(ctx, 'users');
      expect(outcome.status).toBe('complete');
      expect(requests().map((r) => r.query)).toEqual([
        { limit: '200' },
        { after: '00u1xke1apZnmHgpB1d7', limit: '200' },
        { search: 'status eq "DEPROVISIONED"', limit: '200' },
      ]);
      expect(rows.map((r) => [r.login, r.status])).toEqual([
        ['alice.smith@example.com', 'ACTIVE'],
        ['ben.richler@example.com', 'STAGED'],
        ['janice.benson@gmail.com', 'PROVISIONED'],
        ['dade.murphy@example.com', 'DEPROVISIONED'],
      ]);
      expect(rows[3]).toEqual({
        id: '00u2dadeMurphyX0g4xx',
        login: 'dade.murphy@example.com',
        email: 'dade.murphy@example.com',
        firstName: 'Dade',
        lastName: 'Murphy',
        department: null,
        status: 'DEPROVISIONED',
        created: '2021-03-01T09:00:00.000Z',
        activated: '2021-03-01T09:05:00.000Z',
        statusChanged: '2022-06-30T17:42:10.000Z',
        deactivated: '2022-06-30T17:42:10.000Z',
        lastLogin: '2022-06-30T08:12:44.000Z',
        lastUpdated: '2022-06-30T17:42:10.000Z',
        passwordChanged: '2021-03-01T09:10:00.000Z',
      });
      expect(rows[0]!.deactivated).toBeNull();
    });
  });

  it('keeps only DEPROVISIONED users from a search answer that ignored the search, without duplicates', async () => {
    const ignoresSearch: FixtureRoute[] = [
      { path: '/api/v1/users', query: { limit: '200' }, reply: { fixture: 'users.page2.json' } },
      { path: '/api/v1/users', query: { search: 'status eq "DEPROVISIONED"', limit: '200' }, reply: { body: [...fixture('users.page2.json'), ...fixture('users.deprovisioned.json')] } },
    ];
    await withServer(ignoresSearch, async (ctx) => {
      const { rows } = await collect(ctx, 'users');
      expect(rows.map((r) => r.id)).toEqual(['00u269cmneNMFHCH51d7', '00u2dadeMurphyX0g4xx']);
    });
  });

  it("reads each listed user's factors, and skips a user deleted since the listing", async () => {
    const serverRoutes = only(['users page 1', 'users page 2', 'factors of Alice', 'factors of Janice']).concat({
      path: '/api/v1/users/00u1xke1apZnmHgpB1d7/factors',
      reply: { status: 404, body: oktaError('E0000007', 'Not found: Resource not found: 00u1xke1apZnmHgpB1d7 (User)') },
    });
    await withServer(serverRoutes, async (ctx) => {
      const { rows, outcome } = await collect(ctx, 'factors');
      expect(outcome.status).toBe('complete');
      expect(rows.map((r) => [r.userLogin, r.factorType, r.status])).toEqual([
        ['alice.smith@example.com', 'question', 'ACTIVE'],
        ['alice.smith@example.com', 'token:software:totp', 'PENDING_ACTIVATION'],
        ['alice.smith@example.com', 'sms', 'ACTIVE'],
        ['janice.benson@gmail.com', 'webauthn', 'PENDING_ACTIVATION'],
        ['janice.benson@gmail.com', 'push', 'PENDING_ACTIVATION'],
      ]);
      expect(rows[0]).toEqual({
        id: 'ufs2bysphxKODSZKWVCT',
        userId: '00u118oQYT4TBTemp0g4',
        userLogin: 'alice.smith@example.com',
        factorType: 'question',
        provider: 'OKTA',
        vendorName: 'OKTA',
        status: 'ACTIVE',
        created: '2014-04-15T18:10:06.000Z',
        lastUpdated: '2014-04-15T18:10:06.000Z',
      });
    });
  });

  it('maps standard and custom admin role assignments', async () => {
    await withServer(only(['users page 1', 'users page 2', 'roles of Alice', 'roles of Ben', 'roles of Janice']), async (ctx) => {
      const { rows } = await collect(ctx, 'admin-roles');
      expect(rows.map((r) => [r.userLogin, r.type, r.assignmentType])).toEqual([
        ['alice.smith@example.com', 'APP_ADMIN', 'USER'],
        ['alice.smith@example.com', 'HELP_DESK_ADMIN', 'USER'],
        ['alice.smith@example.com', 'ORG_ADMIN', 'USER'],
        ['janice.benson@gmail.com', 'CUSTOM', 'USER'],
      ]);
      expect(rows[3]).toMatchObject({ label: 'UserCreatorRole', customRoleId: 'cr0Yq6IJxGIr0ouum0g3', resourceSet: 'iamoJDFKaJxGIr0oamd9g' });
      expect(rows[0]).toMatchObject({ customRoleId: null, resourceSet: null, label: 'Application administrator' });
    });
  });

  it('records missing okta.roles.read as a gap on admin roles only, with Okta’s message', async () => {
    const serverRoutes = only(['users page 1', 'users page 2', 'deprovisioned users']).concat({
      path: '/api/v1/users/00u118oQYT4TBTemp0g4/roles',
      reply: { status: 403, body: oktaError('E0000006', 'You do not have permission to perform the requested action') },
    });
    await withServer(serverRoutes, async (ctx) => {
      expect((await collect(ctx, 'users')).outcome.status).toBe('complete');
      const roles = await collect(ctx, 'admin-roles');
      expect(roles.outcome.status).toBe('permission_missing');
      expect(ctx.gaps()).toEqual([
        expect.objectContaining({ kind: 'permission_missing', what: 'admin-roles', message: 'You do not have permission to perform the requested action' }),
      ]);
    }, { concurrency: 1 });
  });

  it('collects groups with the ids of their members', async () => {
    await withServer(only(['groups page 1', 'groups page 2', 'members of West Coast users', 'members of Engineering users', 'members of Squabble of users']), async (ctx) => {
      const { rows } = await collect(ctx, 'groups');
      expect(rows.map((r) => [r.name, r.type, r.memberIds, r.memberCount])).toEqual([
        ['West Coast users', 'OKTA_GROUP', ['00u118oQYT4TBTemp0g4', '00u1xke1apZnmHgpB1d7'], 2],
        ['Engineering users', 'APP_GROUP', ['00u269cmneNMFHCH51d7'], 1],
        ['Squabble of users', 'OKTA_GROUP', [], 0],
      ]);
    });
  });

  it('polls the System Log from the lookback, follows next links until an empty page, and keeps the last next link as the cursor', async () => {
    await withServer(only(['system log page 1', 'system log page 2', 'system log caught up']), async (ctx, requests) => {
      const cursors: (string | null)[] = [];
      const rows: Row[] = [];
      const outcome = await readEvents(ctx, systemLog, null, (page) => {
        cursors.push(page.cursor);
        rows.push(...page.rows);
      });
      expect(requests()[0]!.query).toEqual(firstLogQuery);
      expect(requests()).toHaveLength(3);
      expect(cursors).toEqual([
        'api/v1/logs?limit=1000&sortOrder=ASCENDING&after=1723564961120_e3b1c2d0',
        'api/v1/logs?limit=1000&sortOrder=ASCENDING&after=1723570930000_5d2e9b70',
        'api/v1/logs?limit=1000&sortOrder=ASCENDING&after=1723570930000_5d2e9b70',
      ]);
      expect(outcome).toMatchObject({ status: 'complete', rows: 4 });
      expect(rows.map((r) => [r.eventType, r.outcomeResult])).toEqual([
        ['user.session.start', 'SUCCESS'],
        ['user.session.start', 'FAILURE'],
        ['user.account.privilege.grant', 'SUCCESS'],
        ['user.lifecycle.deactivate', 'SUCCESS'],
      ]);
      expect(rows[1]).toMatchObject({ outcomeReason: 'INVALID_CREDENTIALS', actorAlternateId: 'john.doe@example.com', clientIpAddress: '198.51.100.23', targets: [] });
      expect(rows[2]).toMatchObject({
        targets: [{ id: '00u118oQYT4TBTemp0g4', type: 'User', alternateId: 'alice.smith@example.com', displayName: 'Alice Smith' }],
        debugData: expect.objectContaining({ privilegeGranted: 'Organization administrator, Application administrator (all)' }),
      });
    });
  });

  it('resumes the System Log from the stored cursor, whatever port the server has now', async () => {
    const resume: FixtureRoute[] = [
      { path: '/api/v1/logs', query: { limit: '1000', sortOrder: 'ASCENDING', after: '1723570930000_5d2e9b70' }, reply: { body: [], headers: { link: `<{{baseUrl}}${afterPage2}>; rel="next"` } } },
    ];
    await withServer(resume, async (ctx, requests) => {
      const outcome = await readEvents(ctx, systemLog, afterPage2.slice(1), () => {});
      expect(requests().map((r) => r.target)).toEqual([afterPage2]);
      expect(outcome).toMatchObject({ status: 'complete', rows: 0, cursor: afterPage2.slice(1) });
    });
  });

  it('starts again from the lookback when Okta refuses a cursor older than its retention', async () => {
    const stale: FixtureRoute[] = [
      { path: '/api/v1/logs', query: { limit: '1000', sortOrder: 'ASCENDING', after: 'expired' }, reply: { status: 400, body: oktaError('E0000001', 'Api validation failed: after') } },
      { path: '/api/v1/logs', query: firstLogQuery, reply: { body: [], headers: { link: `<{{baseUrl}}/api/v1/logs?limit=1000&sortOrder=ASCENDING&after=none>; rel="next"` } } },
    ];
    await withServer(stale, async (ctx, requests) => {
      const outcome = await readEvents(ctx, systemLog, 'api/v1/logs?limit=1000&sortOrder=ASCENDING&after=expired', () => {});
      expect(requests()).toHaveLength(2);
      expect(outcome).toMatchObject({ status: 'complete', cursor: 'api/v1/logs?limit=1000&sortOrder=ASCENDING&after=none' });
    });
  });

  it('resumes from the last event time when a server sends no next link', async () => {
    const noLinks: FixtureRoute[] = [{ path: '/api/v1/logs', query: firstLogQuery, reply: { fixture: 'logs.page1.json' } }];
    await withServer(noLinks, async (ctx) => {
      const outcome = await readEvents(ctx, systemLog, null, () => {});
      expect(outcome.cursor).toBe('api/v1/logs?since=2024-08-13T16%3A02%3A41.120Z&limit=1000&sortOrder=ASCENDING');
    });
  });

  it('waits for X-Rate-Limit-Reset on a 429 that carries no Retry-After, as Okta sends it', async () => {
    const reset = Date.parse('2026-01-01T00:00:42Z') / 1000;
    const limited: FixtureRoute[] = [
      {
        path: '/api/v1/users',
        query: { limit: '1' },
        reply: [
          { status: 429, headers: { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) }, body: oktaError('E0000047', 'API call exceeded rate limit due to too many requests.') },
          { fixture: 'users.first.json' },
        ],
      },
    ];
    await withServer(limited, async (ctx, requests, time) => {
      await okta.testConnection(ctx);
      expect(time.sleeps).toEqual([42_000]);
      expect(requests()).toHaveLength(2);
    });
  });

  it('pauses before the next page when X-Rate-Limit-Remaining reaches the reserve, until X-Rate-Limit-Reset', async () => {
    const date = new Date();
    date.setMilliseconds(0);
    const headers = { date: date.toUTCString(), 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '10', 'x-rate-limit-reset': String(date.getTime() / 1000 + 1) };
    const serverRoutes: FixtureRoute[] = [
      { path: '/api/v1/users', query: { limit: '200' }, reply: { fixture: 'users.page1.json', headers: { ...headers, link: '<{{baseUrl}}/api/v1/users?after=x&limit=200>; rel="next"' } } },
      { path: '/api/v1/users', query: { after: 'x', limit: '200' }, reply: { body: [] } },
      { path: '/api/v1/users', query: { search: 'status eq "DEPROVISIONED"', limit: '200' }, reply: { body: [] } },
    ];
    await withServer(serverRoutes, async (ctx) => {
      const started = Date.now();
      const { rows } = await collect(ctx, 'users');
      expect(rows).toHaveLength(2);
      // 10 of 100 left is the default 10 % reserve: the second page waits out the 1 s window.
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });
  });

  it('records the System Log as not applicable on a server that has no such endpoint, rather than failing the source', async () => {
    const none: FixtureRoute[] = [{ path: '/api/v1/logs', query: firstLogQuery, reply: { status: 404, body: oktaError('E0000007', 'Not found: Resource not found: /api/v1/logs (Page)') } }];
    await withServer(none, async (ctx) => {
      const outcome = await readEvents(ctx, systemLog, null, () => {});
      expect(outcome.status).toBe('not_applicable');
      expect(ctx.gaps()).toEqual([expect.objectContaining({ kind: 'not_applicable', what: 'system-log' })]);
    });
  });

  it('reports a listing that is not a JSON array as a ProviderError naming the path', async () => {
    const wrong: FixtureRoute[] = [{ path: '/api/v1/groups', query: { limit: '200' }, reply: { body: { groups: [] } } }];
    await withServer(wrong, async (ctx) => {
      const error = await collect(ctx, 'groups').catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('ProviderError');
      expect((error as Error).message).toContain('GET /api/v1/groups: expected a JSON array');
    });
  });

  it('fails the connection test with AuthFailed and Okta’s own words on an invalid token', async () => {
    const denied: FixtureRoute[] = [{ path: '/api/v1/users', reply: { status: 401, body: oktaError('E0000011', 'Invalid token provided') } }];
    await withServer(denied, async (ctx) => {
      const error = await okta.testConnection(ctx).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('AuthFailed');
      expect((error as Error).message).toBe('GET /api/v1/users: the provider rejected the credentials (401 [E0000011]): Invalid token provided');
    });
  });
});
