import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../lib/errors.ts';
import { createRunContext, readResource, runTestConnection, type Row } from '../sdk/index.ts';
import { createTestTime, describeConnectorContract, startFixtureServer, type FixtureRoute, type RecordedRequest } from '../sdk/testing/index.ts';
import { API_TOKEN, EMAIL, errorBody, fixturesDir, routes, searchQuery, testConfig } from './__fixtures__/routes.ts';
import { buildJql, textOf } from './api.ts';
import { configSchema } from './config.ts';
import { jira } from './index.ts';

describeConnectorContract(jira, { config: testConfig, routes, fixturesDir, errorBody });

const issues = jira.resources[0]!;
const listing = routes.slice(1);

async function collect(serverRoutes: FixtureRoute[], config: Record<string, unknown> = {}) {
  const server = await startFixtureServer(serverRoutes, { fixturesDir });
  const time = createTestTime();
  try {
    const ctx = createRunContext({ connector: jira, config: { ...testConfig(server.url), ...config }, clock: time.clock, sleep: time.sleep });
    const rows: Row[] = [];
    let error: unknown;
    let outcome;
    try {
      outcome = await readResource(ctx, issues, (page) => void rows.push(...page));
    } catch (e) {
      error = e;
    }
    return { rows, outcome, error, requests: server.requests as RecordedRequest[], sleeps: time.sleeps, gaps: ctx.gaps(), unexpected: server.unexpected, pending: server.pending() };
  } finally {
    await server.close();
  }
}

const byKey = (rows: Row[], key: string) => rows.find((r) => r.key === key)!;

describe('jira', () => {
  it('authenticates with basic auth (email and API token) on every request, or a bearer token', async () => {
    const c = await collect(listing);
    expect(c.requests).toHaveLength(4);
    const basic = `Basic ${Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64')}`;
    for (const r of c.requests) expect(r.headers.authorization).toBe(basic);
    const bearer = await collect(listing, { authScheme: 'bearer', email: undefined });
    expect(bearer.requests[0]!.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
  });

  it('needs the email address for basic auth', () => {
    const parsed = configSchema.safeParse({ baseUrl: 'https://acme-ops.atlassian.net', apiToken: 'x' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['email'], message: 'basic auth needs the email address the API token belongs to' });
  });

  it('names the site and the account in the connection test', async () => {
    const server = await startFixtureServer(routes.slice(0, 1), { fixturesDir });
    try {
      const info = await runTestConnection(createRunContext({ connector: jira, config: testConfig(server.url) }));
      expect(info.summary).toBe(`connected to the Jira site at ${new URL(server.url).host} as Vigil Compliance Reader`);
    } finally {
      await server.close();
    }
  });

  it('searches with JQL for the configured kinds, recent or still open, and follows nextPageToken to the last page', async () => {
    const c = await collect(listing);
    expect(c.error).toBeUndefined();
    expect(c.unexpected).toEqual([]);
    expect(c.pending).toEqual([]);
    expect(c.outcome).toEqual({ status: 'complete', rows: 4, pages: 2 });
    const searches = c.requests.filter((r) => r.path === '/rest/api/3/search/jql');
    expect(searches.map((r) => r.query.nextPageToken ?? null)).toEqual([null, 'CAEaAggD']);
    expect(searches[0]!.query).toEqual(searchQuery);
    expect(c.rows.map((r) => [r.key, r.kind])).toEqual([
      ['OPS-101', 'incident'],
      ['OPS-102', 'corrective-action'],
      ['OPS-103', 'change'],
      ['OPS-97', 'exercise'],
    ]);
  });

  it('maps an incident with its custom fields, links and full status history (the changelog fetched when the search cut it short)', async () => {
    const c = await collect(listing);
    expect(byKey(c.rows, 'OPS-101')).toEqual({
      key: 'OPS-101',
      id: '10101',
      project: 'OPS',
      issueType: 'Incident',
      kind: 'incident',
      summary: 'Checkout API returns 502 for all card payments',
      status: 'Closed',
      statusCategory: 'done',
      priority: 'Highest',
      severity: 'SEV1',
      labels: ['payments'],
      assignee: 'Alice Moreau',
      assigneeAccountId: '5b10a2844c20165700ede21g',
      reporter: 'PagerDuty for Jira',
      createdAt: '2025-12-10T02:20:00.000Z',
      updatedAt: '2025-12-12T10:12:00.000Z',
      resolvedAt: '2025-12-10T03:45:00.000Z',
      resolution: 'Done',
      dueDate: null,
      statusHistory: [
        { at: '2025-12-10T02:25:10.000Z', from: 'Open', to: 'In Progress', by: 'Alice Moreau' },
        { at: '2025-12-10T03:45:00.000Z', from: 'In Progress', to: 'Resolved', by: 'Alice Moreau' },
        { at: '2025-12-12T10:05:00.000Z', from: 'Resolved', to: 'Closed', by: 'Alice Moreau' },
      ],
      links: [{ key: 'OPS-102', relation: 'relates to', issueType: 'Corrective Action', status: 'In Progress' }],
      rootCause: 'Payment gateway client 5.0 changed its retry default to zero; the release had no contract test against the gateway.\nDetected by the Datadog 5xx monitor.',
      postmortem: 'https://wiki.acme-ops.example/postmortems/2025-12-10-checkout',
      postmortemAt: '2025-12-12T10:00:00.000Z',
      pagerdutyIncident: 'PT4KHLK',
      approvals: [],
      url: 'https://acme-ops.atlassian.net/browse/OPS-101',
    });
  });

  it('keeps a corrective action’s due date and open status, and a change’s approvals', async () => {
    const c = await collect(listing);
    expect(byKey(c.rows, 'OPS-102')).toMatchObject({ status: 'In Progress', statusCategory: 'indeterminate', dueDate: '2025-12-24', resolvedAt: null, assignee: 'Ben Okafor', postmortem: null, postmortemAt: null });
    expect(byKey(c.rows, 'OPS-103').approvals).toEqual([{ name: 'Change manager approval', decision: 'approved', approvers: ['Chloe Castillo'], completedAt: '2025-12-19T09:30:00.000Z' }]);
    expect(c.requests.filter((r) => r.path.endsWith('/changelog')).map((r) => r.path)).toEqual(['/rest/api/3/issue/OPS-101/changelog']);
  });

  it('asks for no field list when every custom field is given by id', async () => {
    const byId = { fields: { severity: 'customfield_10101', postmortem: 'customfield_10103' } };
    const fields = 'summary,issuetype,project,status,priority,labels,assignee,reporter,created,updated,resolutiondate,resolution,duedate,issuelinks,customfield_10101,customfield_10103';
    const c = await collect(
      [
        { path: '/rest/api/3/search/jql', query: { ...searchQuery, fields }, reply: { body: { issues: [], isLast: true } } },
      ],
      byId,
    );
    expect(c.error).toBeUndefined();
    expect(c.requests.map((r) => r.path)).toEqual(['/rest/api/3/search/jql']);
  });

  it('refuses a custom field name the site does not have, naming the config field', async () => {
    const c = await collect(routes.slice(1, 2), { fields: { rootCause: 'Cause of it all' } });
    expect(isVigilError(c.error) && c.error._tag).toBe('InvalidConfig');
    expect((c.error as Error).message).toContain('no Jira fields are named "Cause of it all" (config.fields.rootCause)');
  });

  it('builds JQL with quoted names and the extra condition, and refuses a config that selects nothing', () => {
    const config = configSchema.parse({
      baseUrl: 'https://x.atlassian.net',
      email: 'a@b.example',
      apiToken: 't',
      kinds: { incident: { issueTypes: ['Incident "major"'], labels: [] }, security: { issueTypes: [], labels: [] }, change: { issueTypes: [], labels: [] }, postmortem: { issueTypes: [], labels: [] }, correctiveAction: { issueTypes: [], labels: [] }, exercise: { issueTypes: [], labels: ['ir-exercise'] } },
      jql: 'component = Production',
      lookbackDays: 30,
    });
    expect(buildJql(config)).toBe('(issuetype in ("Incident \\"major\\"") OR labels in ("ir-exercise")) AND (updated >= -30d OR statusCategory != Done) AND (component = Production) ORDER BY created ASC');
    const none = { ...config, kinds: { ...config.kinds, incident: { issueTypes: [], labels: [] }, exercise: { issueTypes: [], labels: [] } } };
    expect(() => buildJql(none)).toThrow(/names no issue type and no label/);
  });

  it('reads rich text, options, users and lists as plain text', () => {
    expect(textOf({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a ' }, { type: 'text', text: 'b' }] }, { type: 'paragraph', content: [{ type: 'text', text: 'c' }] }] })).toBe('a b\nc');
    expect(textOf({ value: 'SEV2', id: '1' })).toBe('SEV2');
    expect(textOf({ displayName: 'Ada' })).toBe('Ada');
    expect(textOf([{ value: 'x' }, { value: 'y' }])).toBe('x, y');
    expect(textOf('  ')).toBeNull();
    expect(textOf(null)).toBeNull();
  });

  it('waits as Retry-After asks when the search is rate limited, then goes on', async () => {
    const limited = listing.map((r) => (r.name === 'search page 2' ? { ...r, reply: [{ status: 429, headers: { 'retry-after': '5' }, body: errorBody('Rate limit exceeded') }, { fixture: 'search.page2.json' }] } : r));
    const c = await collect(limited);
    expect(c.error).toBeUndefined();
    expect(c.sleeps).toContain(5000);
    expect(c.rows).toHaveLength(4);
  });

  it("fails with AuthFailed on a 401, and records a 403 with Jira's message as a missing permission", async () => {
    const unauthorized = await collect([{ ...routes[1]!, reply: { status: 401, body: errorBody('Client must be authenticated to access this resource.') } }]);
    expect(isVigilError(unauthorized.error) && unauthorized.error._tag).toBe('AuthFailed');
    expect((unauthorized.error as Error).message).toContain('Client must be authenticated to access this resource.');

    const denied = listing.map((r) => (r.name === 'OPS-101 changelog' ? { ...r, reply: { status: 403, body: errorBody('You do not have the permission to see the specified issue.') } } : r));
    const c = await collect(denied);
    expect(c.outcome?.status).toBe('permission_missing');
    expect(c.gaps).toEqual([expect.objectContaining({ kind: 'permission_missing', what: 'issues', message: 'You do not have the permission to see the specified issue.' })]);
  });

  it('rejects a search answer without issues, and an issue whose creation time is not a time, as provider errors', async () => {
    const noIssues = await collect([routes[1]!, { ...routes[2]!, reply: { body: { isLast: true } } }]);
    expect(isVigilError(noIssues.error) && noIssues.error._tag).toBe('ProviderError');
    expect((noIssues.error as Error).message).toContain('/rest/api/3/search/jql');

    const bad = { id: '1', key: 'OPS-1', self: 'https://acme-ops.atlassian.net/rest/api/3/issue/1', fields: { summary: 's', issuetype: { name: 'Incident' }, status: { name: 'Open' }, created: 'last Tuesday', updated: 'last Tuesday' } };
    const c = await collect([routes[1]!, { ...routes[2]!, reply: { body: { issues: [bad], isLast: true } } }]);
    expect(isVigilError(c.error) && c.error._tag).toBe('ProviderError');
    expect((c.error as Error).message).toMatch(/issues: row 1 does not match the schema: createdAt/);
  });
});
