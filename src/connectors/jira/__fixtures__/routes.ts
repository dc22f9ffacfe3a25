/**
 * The recorded happy path: every request one collection of a small Jira Service Management site
 * makes, in the shapes the Jira Cloud REST API v3 reference documents: the field list (two custom
 * fields are configured by name), two pages of the enhanced JQL search with changelogs expanded,
 * and the full changelog of the one issue whose embedded changelog was cut short.
 */
import type { FixtureRoute } from '../../sdk/testing/index.ts';

export const fixturesDir = new URL('./', import.meta.url);

export const EMAIL = 'vigil-reader@acme-ops.example';
export const API_TOKEN = 'ATATT3xFfGF0-jira-test-token-9c4e1b7a';

export const JQL =
  'project in ("OPS") AND (issuetype in ("Incident", "Security Incident", "Change", "Post-incident review", "Corrective Action") OR labels in ("security-incident", "postmortem", "corrective-action", "ir-exercise")) AND (updated >= -400d OR statusCategory != Done) ORDER BY created ASC';
export const FIELDS =
  'summary,issuetype,project,status,priority,labels,assignee,reporter,created,updated,resolutiondate,resolution,duedate,issuelinks,customfield_10101,customfield_10102,customfield_10103,customfield_10104,customfield_10010';
export const searchQuery = { jql: JQL, fields: FIELDS, expand: 'changelog', maxResults: '2' };

export const routes: FixtureRoute[] = [
  { name: 'myself', path: '/rest/api/3/myself', reply: { fixture: 'myself.json' } },
  { name: 'fields', path: '/rest/api/3/field', reply: { fixture: 'fields.json' } },
  { name: 'search page 1', path: '/rest/api/3/search/jql', query: searchQuery, reply: { fixture: 'search.page1.json' } },
  { name: 'OPS-101 changelog', path: '/rest/api/3/issue/OPS-101/changelog', query: { startAt: '0', maxResults: '100' }, reply: { fixture: 'changelog.OPS-101.json' } },
  { name: 'search page 2', path: '/rest/api/3/search/jql', query: { ...searchQuery, nextPageToken: 'CAEaAggD' }, reply: { fixture: 'search.page2.json' } },
];

/** A test config pointing at the fixture server, with a distinctive token to hunt for in output. */
export const testConfig = (baseUrl: string) => ({
  baseUrl,
  email: EMAIL,
  apiToken: API_TOKEN,
  projects: ['OPS'],
  fields: { severity: 'customfield_10101', rootCause: 'Root cause', postmortem: 'customfield_10103', pagerdutyIncident: 'PagerDuty incident', approvals: 'customfield_10010' },
  pageSize: 2,
});

/** Jira wraps errors as { errorMessages: [...], errors: {} }. */
export const errorBody = (message: string) => ({ errorMessages: [message], errors: {} });
