/**
 * The recorded happy path: every request one full collection makes, in the shapes BambooHR's API
 * reference documents (Get Company Information, List Employees), including a second page.
 */
import type { FixtureRoute } from '../../sdk/testing/index.ts';

export const fixturesDir = new URL('./', import.meta.url);

const fields = 'workEmail,departmentName,reportsToId,hireDate,terminationDate';

export const routes: FixtureRoute[] = [
  { name: 'company information', path: '/api/v1/company_information', reply: { fixture: 'company_information.json' } },
  { name: 'employees page 1', path: '/api/v1/employees', query: { fields, 'page[limit]': '500' }, reply: { fixture: 'employees.page1.json' } },
  {
    name: 'employees page 2',
    path: '/api/v1/employees',
    query: { fields, 'page[limit]': '500', 'page[after]': 'eyJpZCI6OX0' },
    reply: { fixture: 'employees.page2.json' },
  },
];

/** A distinctive API key to hunt for in output. */
export const TEST_API_KEY = 'bamboo-test-key-7d1e0c55a9';

/** A config pointing at the fixture server (BambooHR's API root is `<host>/api/v1`). */
export const testConfig = (baseUrl: string) => ({ baseUrl: `${baseUrl}/api/v1`, apiKey: TEST_API_KEY });
