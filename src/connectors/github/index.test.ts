import { describe, expect, it } from 'vitest';
import { createRunContext, readResource, runTestConnection } from '../sdk/index.ts';
import { describeConnectorContract, startFixtureServer } from '../sdk/testing/index.ts';
import { errorBody, fixturesDir, routes, testConfig } from './__fixtures__/routes.ts';
import { github } from './index.ts';

describeConnectorContract(github, { config: testConfig, routes, fixturesDir, errorBody, singlePage: { organization: 'an organization is one object' } });

describe('github', () => {
  it("sends the token as a bearer token, GitHub's media type and the pinned API version on every request", async () => {
    const server = await startFixtureServer(routes, { fixturesDir });
    try {
      const ctx = createRunContext({ connector: github, config: testConfig(server.url), http: { rateLimit: { requestsPerSecond: 100_000 } } });
      await runTestConnection(ctx);
      await readResource(ctx, github.resources.find((r) => r.name === 'members')!, () => {});
      expect(server.requests.length).toBeGreaterThan(5);
      for (const r of server.requests) {
        expect(r.headers.authorization).toBe('Bearer ghp_vigilTest0123456789abcdefGHIJKLmnopqr');
        expect(r.headers['x-github-api-version']).toBe('2022-11-28');
        expect(r.headers.accept).toBe('application/vnd.github+json');
      }
    } finally {
      await server.close();
    }
  });

  it('names the organization and plan in the connection test, and whether the token sees owner-only settings', async () => {
    const server = await startFixtureServer(routes, { fixturesDir });
    try {
      const info = await runTestConnection(createRunContext({ connector: github, config: testConfig(server.url) }));
      expect(info).toEqual({
        summary: 'connected to the GitHub organization octokit-fixture-org (plan team)',
        details: { organization: 'octokit-fixture-org', id: 1000, plan: 'team', ownerView: true },
      });
    } finally {
      await server.close();
    }
  });

  it('collects the organization row with its two-factor requirement', async () => {
    const server = await startFixtureServer(routes, { fixturesDir });
    try {
      const rows: unknown[] = [];
      await readResource(createRunContext({ connector: github, config: testConfig(server.url) }), github.resources[0]!, (page) => void rows.push(...page));
      expect(rows).toEqual([
        {
          login: 'octokit-fixture-org',
          id: 1000,
          name: 'Octokit Fixture Org',
          plan: 'team',
          twoFactorRequirementEnabled: false,
          createdAt: '2017-10-10T16:00:00Z',
          htmlUrl: 'https://github.com/octokit-fixture-org',
        },
      ]);
    } finally {
      await server.close();
    }
  });

  it('refuses an organization login GitHub could not have', () => {
    expect(() => createRunContext({ connector: github, config: { org: 'not/an-org', token: 't0k3n-abcdef' } })).toThrow(/org/);
  });

  it('defaults to api.github.com and accepts a GitHub Enterprise Server URL', () => {
    expect(createRunContext({ connector: github, config: { org: 'octo-org', token: 't0k3n-abcdef' } }).http.baseUrl.href).toBe('https://api.github.com/');
    expect(createRunContext({ connector: github, config: { org: 'octo-org', token: 't0k3n-abcdef', baseUrl: 'https://ghe.example.com/api/v3' } }).http.baseUrl.href).toBe(
      'https://ghe.example.com/api/v3/',
    );
  });
});
