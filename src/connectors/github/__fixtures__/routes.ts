/**
 * The recorded happy path: every request one full collection of the octokit-fixture-org
 * organization makes, in the shapes GitHub's REST and GraphQL references document, with a second
 * page of every listing. Next links point where GitHub's do (`/organizations/{id}/…`,
 * `/repositories/{id}/…`), so the connector must follow them as given rather than build them.
 * Test time starts at 2026-01-01 and moves on as the rate limiter waits, so the first page of the
 * commit and audit-log listings (whose query holds a time) accepts any query; the connector's own
 * tests check those times on a fixed clock.
 */
import type { FixtureReply, FixtureRoute } from '../../sdk/testing/index.ts';

export const fixturesDir = new URL('./', import.meta.url);

export const ORG = 'octokit-fixture-org';
const o = `/orgs/${ORG}`;
const r = (repo: string) => `/repos/${ORG}/${repo}`;
const link = (target: string) => ({ link: `<{{baseUrl}}${target}>; rel="next", <{{baseUrl}}${target}>; rel="last"` });
const per = { per_page: '100' };
const page = (fixture: string, next?: string): FixtureReply => ({ fixture, ...(next ? { headers: link(next) } : {}) });
const empty: FixtureReply = { body: [] };

export const SHA = {
  pr42head: 'a3c2b1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4',
  pr40head: 'd6f5e4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7',
  pr7head: '1ad9c8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1',
  direct: '3cfbdac9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3',
};

const pullsQuery = { state: 'closed', base: 'main', sort: 'updated', direction: 'desc', ...per };

export const routes: FixtureRoute[] = [
  { name: 'organization', path: o, reply: { fixture: 'organization.json' }, repeat: true },

  { name: 'members: owners', path: `${o}/members`, query: { role: 'admin', ...per }, reply: page('members.admin.json') },
  { name: 'members page 1', path: `${o}/members`, query: { role: 'member', ...per }, reply: page('members.member.page1.json', '/organizations/1000/members?role=member&per_page=100&page=2') },
  { name: 'members page 2', path: '/organizations/1000/members', query: { role: 'member', ...per, page: '2' }, reply: page('members.member.page2.json') },
  { name: 'members without 2FA', path: `${o}/members`, query: { filter: '2fa_disabled', ...per }, reply: page('members.2fa-disabled.json') },
  { name: 'SAML identities (GraphQL)', method: 'POST', path: '/graphql', reply: [page('saml-identities.page1.json'), page('saml-identities.page2.json')] },

  { name: 'outside collaborators page 1', path: `${o}/outside_collaborators`, query: per, reply: page('outside-collaborators.page1.json', '/organizations/1000/outside_collaborators?per_page=100&page=2') },
  { name: 'outside collaborators page 2', path: '/organizations/1000/outside_collaborators', query: { ...per, page: '2' }, reply: page('outside-collaborators.page2.json') },
  { name: 'outside collaborators without 2FA', path: `${o}/outside_collaborators`, query: { filter: '2fa_disabled', ...per }, reply: page('outside-collaborators.2fa-disabled.json') },

  // Four resources walk the repositories.
  { name: 'repos page 1', path: `${o}/repos`, query: { type: 'all', ...per }, reply: page('repos.page1.json', `${o}/repos?type=all&per_page=100&page=2`), repeat: true },
  { name: 'repos page 2', path: `${o}/repos`, query: { type: 'all', ...per, page: '2' }, reply: page('repos.page2.json'), repeat: true },

  { name: 'api protection', path: `${r('api')}/branches/main/protection`, reply: page('protection.api.json') },
  { name: 'api rules', path: `${r('api')}/rules/branches/main`, query: per, reply: empty },
  { name: 'web protection', path: `${r('web')}/branches/main/protection`, reply: { status: 404, fixture: 'protection.not-protected.json' } },
  { name: 'web rules page 1', path: `${r('web')}/rules/branches/main`, query: per, reply: page('rules.web.page1.json', '/repositories/5002/rules/branches/main?per_page=100&page=2') },
  { name: 'web rules page 2', path: '/repositories/5002/rules/branches/main', query: { ...per, page: '2' }, reply: page('rules.web.page2.json') },
  { name: 'web ruleset 42', path: `${r('web')}/rulesets/42`, query: { includes_parents: 'true' }, reply: page('ruleset.42.json') },
  { name: 'legacy-tools protection', path: `${r('legacy-tools')}/branches/main/protection`, reply: { status: 404, fixture: 'protection.not-protected.json' } },
  { name: 'legacy-tools rules', path: `${r('legacy-tools')}/rules/branches/main`, query: per, reply: empty },

  // Pull requests and default-branch commits both list merged pull requests.
  { name: 'api pulls page 1', path: `${r('api')}/pulls`, query: pullsQuery, reply: page('pulls.api.page1.json', `${r('api')}/pulls?state=closed&base=main&sort=updated&direction=desc&per_page=100&page=2`), repeat: true },
  { name: 'api pulls page 2', path: `${r('api')}/pulls`, query: { ...pullsQuery, page: '2' }, reply: page('pulls.api.page2.json'), repeat: true },
  { name: 'web pulls', path: `${r('web')}/pulls`, query: pullsQuery, reply: page('pulls.web.json'), repeat: true },
  { name: 'legacy-tools pulls', path: `${r('legacy-tools')}/pulls`, query: pullsQuery, reply: empty, repeat: true },
  { name: 'old-site pulls', path: `${r('old-site')}/pulls`, query: pullsQuery, reply: empty, repeat: true },

  { name: 'api#42', path: `${r('api')}/pulls/42`, reply: page('pull.api.42.json') },
  { name: 'api#42 reviews page 1', path: `${r('api')}/pulls/42/reviews`, query: per, reply: page('reviews.api.42.page1.json', '/repositories/5001/pulls/42/reviews?per_page=100&page=2') },
  { name: 'api#42 reviews page 2', path: '/repositories/5001/pulls/42/reviews', query: { ...per, page: '2' }, reply: page('reviews.api.42.page2.json') },
  { name: 'api#42 check runs page 1', path: `${r('api')}/commits/${SHA.pr42head}/check-runs`, query: per, reply: page('check-runs.api.42.page1.json', `/repositories/5001/commits/${SHA.pr42head}/check-runs?per_page=100&page=2`) },
  { name: 'api#42 check runs page 2', path: `/repositories/5001/commits/${SHA.pr42head}/check-runs`, query: { ...per, page: '2' }, reply: page('check-runs.api.42.page2.json') },
  { name: 'api#42 status', path: `${r('api')}/commits/${SHA.pr42head}/status`, query: per, reply: page('status.api.42.json') },
  { name: 'api#40', path: `${r('api')}/pulls/40`, reply: page('pull.api.40.json') },
  { name: 'api#40 reviews', path: `${r('api')}/pulls/40/reviews`, query: per, reply: page('reviews.api.40.json') },
  { name: 'api#40 check runs', path: `${r('api')}/commits/${SHA.pr40head}/check-runs`, query: per, reply: page('check-runs.api.40.json') },
  { name: 'api#40 status', path: `${r('api')}/commits/${SHA.pr40head}/status`, query: per, reply: page('status.api.40.json') },
  { name: 'web#7', path: `${r('web')}/pulls/7`, reply: page('pull.web.7.json') },
  { name: 'web#7 reviews', path: `${r('web')}/pulls/7/reviews`, query: per, reply: empty },
  { name: 'web#7 check runs', path: `${r('web')}/commits/${SHA.pr7head}/check-runs`, query: per, reply: page('check-runs.web.7.json') },
  { name: 'web#7 status', path: `${r('web')}/commits/${SHA.pr7head}/status`, query: per, reply: page('status.web.7.json') },

  { name: 'api commits page 1', path: `${r('api')}/commits`, reply: page('commits.api.page1.json', `${r('api')}/commits?sha=main&since=2025-01-01T00%3A00%3A00.000Z&per_page=100&page=2`) },
  { name: 'api commits page 2', path: `${r('api')}/commits`, query: { sha: 'main', since: '2025-01-01T00:00:00.000Z', ...per, page: '2' }, reply: page('commits.api.page2.json') },
  { name: 'api direct push: associated pulls', path: `${r('api')}/commits/${SHA.direct}/pulls`, query: per, reply: empty },
  { name: 'web commits', path: `${r('web')}/commits`, reply: page('commits.web.json') },
  { name: 'legacy-tools commits (empty repository)', path: `${r('legacy-tools')}/commits`, reply: { status: 409, fixture: 'commits.empty-repo.json' } },
  { name: 'old-site commits', path: `${r('old-site')}/commits`, reply: empty },

  { name: 'dependabot alerts page 1', path: `${o}/dependabot/alerts`, query: per, reply: page('dependabot-alerts.page1.json', `${o}/dependabot/alerts?per_page=100&after=Y3Vyc29yOnYyOpLPAAABjNpT7ADOAAAB`) },
  { name: 'dependabot alerts page 2', path: `${o}/dependabot/alerts`, query: { ...per, after: 'Y3Vyc29yOnYyOpLPAAABjNpT7ADOAAAB' }, reply: page('dependabot-alerts.page2.json') },
  { name: 'code scanning alerts page 1', path: `${o}/code-scanning/alerts`, query: per, reply: page('code-scanning-alerts.page1.json', `${o}/code-scanning/alerts?per_page=100&page=2`) },
  { name: 'code scanning alerts page 2', path: `${o}/code-scanning/alerts`, query: { ...per, page: '2' }, reply: page('code-scanning-alerts.page2.json') },

  {
    name: 'audit log page 1',
    path: `${o}/audit-log`,
    reply: page('audit-log.page1.json', `${o}/audit-log?phrase=created%3A%3E%3D2025-10-03T00%3A00%3A00Z&order=asc&include=web&per_page=100&after=MS43NjIwMDAwMDAwMDBlKzEyfGFIUjBjSE02THk5bmFYUTBNVEF3TVE%3D`),
  },
  {
    name: 'audit log page 2',
    path: `${o}/audit-log`,
    query: { phrase: 'created:>=2025-10-03T00:00:00Z', order: 'asc', include: 'web', ...per, after: 'MS43NjIwMDAwMDAwMDBlKzEyfGFIUjBjSE02THk5bmFYUTBNVEF3TVE=' },
    reply: page('audit-log.page2.json'),
  },
];

/** A test config pointing at the fixture server, with a distinctive token to hunt for in output. */
export const testConfig = (baseUrl: string) => ({ baseUrl, org: ORG, token: 'ghp_vigilTest0123456789abcdefGHIJKLmnopqr' });

/** GitHub's error body: `{ message, documentation_url, status }`. */
export const errorBody = (message: string) => ({ message, documentation_url: 'https://docs.github.com/rest' });
