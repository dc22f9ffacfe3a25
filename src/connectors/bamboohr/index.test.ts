import { describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../../lib/errors.ts';
import { createRunContext, readResource, type Row } from '../sdk/index.ts';
import { createTestTime, describeConnectorContract, startFixtureServer, type FixtureRoute, type RecordedRequest } from '../sdk/testing/index.ts';
import { TEST_API_KEY, fixturesDir, routes, testConfig } from './__fixtures__/routes.ts';
import { bamboohr } from './index.ts';

// List Employees documents its errors as { error: { code, message } }.
const errorBody = (message: string) => ({ error: { code: 'Forbidden', message } });

describeConnectorContract(bamboohr, { config: testConfig, routes, fixturesDir, errorBody });

const employees = bamboohr.resources[0]!;

async function withServer<T>(serverRoutes: FixtureRoute[], run: (url: string, requests: () => readonly RecordedRequest[]) => Promise<T>): Promise<T> {
  const server = await startFixtureServer(serverRoutes, { fixturesDir });
  try {
    const result = await run(server.url, () => server.requests);
    server.assertNoUnexpected();
    return result;
  } finally {
    await server.close();
  }
}

const page1 = routes[1]!;
const page2 = routes[2]!;

describe('bamboohr', () => {
  it('sends the API key as the Basic-auth user name on every request', async () => {
    await withServer(routes, async (url, requests) => {
      await readResource(createRunContext({ connector: bamboohr, config: testConfig(url) }), employees, () => {});
      expect(requests()).toHaveLength(2);
      const expected = `Basic ${Buffer.from(`${TEST_API_KEY}:x`).toString('base64')}`;
      for (const r of requests()) expect(r.headers.authorization).toBe(expected);
    });
  });

  it('collects every employee across both pages, with managers resolved to emails and unset dates as null', async () => {
    await withServer(routes, async (url) => {
      const rows: Row[] = [];
      const outcome = await readResource(createRunContext({ connector: bamboohr, config: testConfig(url) }), employees, (page) => void rows.push(...page));
      expect(outcome).toEqual({ status: 'complete', rows: 4, pages: 2 });
      expect(rows).toEqual([
        {
          id: '4',
          email: 'cabbott@efficientoffice.com',
          name: 'Charlotte Abbott',
          jobTitle: 'Sr. HR Administrator',
          department: 'Human Resources',
          managerId: '9',
          managerEmail: 'jcaldwell@efficientoffice.com',
          status: 'Active',
          startDate: '2023-12-28',
          terminationDate: null,
        },
        {
          id: '9',
          email: 'jcaldwell@efficientoffice.com',
          name: 'Jennifer Caldwell',
          jobTitle: 'VP of People',
          department: 'Human Resources',
          managerId: null,
          managerEmail: null,
          status: 'Active',
          startDate: '2021-11-27',
          terminationDate: null,
        },
        {
          id: '12',
          email: 'easture@efficientoffice.com',
          name: 'Eric Asture',
          jobTitle: 'IT Administrator',
          department: 'IT',
          managerId: '9',
          managerEmail: 'jcaldwell@efficientoffice.com',
          status: 'Inactive',
          startDate: '2022-03-14',
          terminationDate: '2025-10-31',
        },
        {
          id: '15',
          email: null,
          name: 'Dylan Ng',
          jobTitle: 'Account Executive',
          department: 'Sales',
          managerId: '4',
          managerEmail: 'cabbott@efficientoffice.com',
          status: 'Inactive',
          startDate: '2026-02-02',
          terminationDate: null,
        },
      ]);
    });
  });

  it('waits out a 429 with Retry-After on the second page, then collects it', async () => {
    const time = createTestTime();
    const slow: FixtureRoute[] = [
      page1,
      { ...page2, reply: [{ status: 429, headers: { 'retry-after': '12' }, body: { error: { code: 'TooManyRequests', message: 'slow down' } } }, page2.reply as never] },
    ];
    await withServer(slow, async (url, requests) => {
      const ctx = createRunContext({ connector: bamboohr, config: testConfig(url), clock: time.clock, sleep: time.sleep });
      const outcome = await readResource(ctx, employees, () => {});
      expect(outcome.rows).toBe(4);
      expect(time.sleeps).toContain(12_000);
      expect(requests().filter((r) => r.query['page[after]'] === 'eyJpZCI6OX0')).toHaveLength(2);
    });
  });

  it('fails with AuthFailed on a 401 (a revoked key), keeping nothing of the listing', async () => {
    await withServer([{ ...page1, reply: { status: 401, body: { error: { code: 'Unauthorized', message: 'invalid API key' } } } }], async (url) => {
      const rows: Row[] = [];
      const error = await readResource(createRunContext({ connector: bamboohr, config: testConfig(url) }), employees, (p) => void rows.push(...p)).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('AuthFailed');
      expect(JSON.stringify((error as VigilError).toJSON())).not.toContain(TEST_API_KEY);
      expect(rows).toEqual([]);
    });
  });

  it('records a 403 on the listing as a missing permission with BambooHR\'s message', async () => {
    await withServer([{ ...page1, reply: { status: 403, body: errorBody('Insufficient permissions to list employees') } }], async (url) => {
      const ctx = createRunContext({ connector: bamboohr, config: testConfig(url) });
      const outcome = await readResource(ctx, employees, () => {});
      expect(outcome.status).toBe('permission_missing');
      expect(ctx.gaps()).toEqual([expect.objectContaining({ kind: 'permission_missing', what: 'employees', message: 'Insufficient permissions to list employees' })]);
    });
  });

  it('records fields BambooHR withholds from the key as a missing permission, naming them and how many', async () => {
    const restricted = {
      data: [
        { employeeId: '4', firstName: 'A', lastName: 'B', preferredName: null, photoUrl: '', jobTitleName: null, status: 'Active', workEmail: 'a@example.com', departmentName: null, reportsToId: null, hireDate: '2024-01-01', terminationDate: null, _restrictedFields: ['terminationDate', 'departmentName'] },
        { employeeId: '5', firstName: 'C', lastName: 'D', preferredName: null, photoUrl: '', jobTitleName: null, status: 'Inactive', workEmail: 'c@example.com', departmentName: null, reportsToId: null, hireDate: '2024-01-01', terminationDate: null, _restrictedFields: ['terminationDate'] },
      ],
      meta: { total: 2, page: { limit: 500, nextCursor: null, prevCursor: null } },
      _links: { self: { href: '{{baseUrl}}/api/v1/employees' } },
    };
    await withServer([{ ...page1, reply: { body: restricted } }], async (url) => {
      const ctx = createRunContext({ connector: bamboohr, config: testConfig(url) });
      const outcome = await readResource(ctx, employees, () => {});
      expect(outcome.rows).toBe(2);
      expect(ctx.gaps()).toEqual([
        expect.objectContaining({
          kind: 'permission_missing',
          what: 'employees',
          message:
            'BambooHR withheld terminationDate (2 of 2 employees), departmentName (1 of 2 employees) from this API key; create the key as a user whose access level can view these fields for every employee',
        }),
      ]);
    });
  });

  it('reports an answer without a data list, or with an unknown status, as a ProviderError', async () => {
    await withServer([{ ...page1, reply: { body: { employees: [] } } }], async (url) => {
      const error = await readResource(createRunContext({ connector: bamboohr, config: testConfig(url) }), employees, () => {}).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('ProviderError');
      expect((error as Error).message).toContain('/api/v1/employees: the response has no list of items');
    });
    const odd = { data: [{ employeeId: '4', firstName: 'A', lastName: 'B', jobTitleName: null, status: 'On leave', workEmail: 'a@example.com', hireDate: '2024-01-01' }], _links: {} };
    await withServer([{ ...page1, reply: { body: odd } }], async (url) => {
      const error = await readResource(createRunContext({ connector: bamboohr, config: testConfig(url) }), employees, () => {}).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('ProviderError');
      expect((error as Error).message).toContain('employees: row 1 does not match the schema: status');
    });
  });

  it('refuses a next link to another host rather than sending the key there', async () => {
    const elsewhere = JSON.parse(JSON.stringify({ data: [], _links: { next: { href: 'https://evil.example/api/v1/employees?page%5Bafter%5D=x' } } }));
    await withServer([{ ...page1, reply: { body: elsewhere } }], async (url, requests) => {
      const error = await readResource(createRunContext({ connector: bamboohr, config: testConfig(url) }), employees, () => {}).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('ProviderError');
      expect((error as Error).message).toContain('refusing to send a request to evil.example');
      expect(requests()).toHaveLength(1);
    });
  });
});
