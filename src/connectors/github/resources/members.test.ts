import { describe, expect, it } from 'vitest';
import { bend, run } from '../__fixtures__/harness.ts';
import { routes } from '../__fixtures__/routes.ts';

const memberRoutes = routes.filter((r) => r.path.includes('/members') || r.path === '/graphql');

describe('github members', () => {
  it('collects owners and members across pages with two-factor status and SAML identity', async () => {
    const { rows, outcome, gaps } = await run('members', { routes: memberRoutes });
    expect(outcome).toMatchObject({ status: 'complete', rows: 4 });
    expect(gaps).toEqual([]);
    expect(rows).toEqual([
      { login: 'alice-owner', id: 1001, role: 'admin', twoFactorEnabled: true, email: 'alice@example.com', siteAdmin: true },
      { login: 'bob-dev', id: 1002, role: 'member', twoFactorEnabled: true, email: 'bob@example.com', siteAdmin: false },
      { login: 'carol-dev', id: 1003, role: 'member', twoFactorEnabled: true, email: 'carol@example.com', siteAdmin: false },
      { login: 'dave-dev', id: 1004, role: 'member', twoFactorEnabled: false, email: null, siteAdmin: false },
    ]);
  });

  it('pages through SAML identities with the GraphQL cursor', async () => {
    const { requests } = await run('members', { routes: memberRoutes });
    const graphql = requests.filter((r) => r.path === '/graphql').map((r) => JSON.parse(r.body) as { variables: Record<string, unknown> });
    expect(graphql.map((g) => g.variables)).toEqual([
      { org: 'octokit-fixture-org', after: null },
      { org: 'octokit-fixture-org', after: 'Y3Vyc29yOnYyOpHOAAAD6Q==' },
    ]);
  });

  for (const status of [403, 422]) {
    it(`records a missing permission and says null, never "enabled", when the 2FA filter is refused (${status})`, async () => {
      const refused = bend('members without 2FA', { status, body: { message: 'Only owners can use this filter.', documentation_url: 'https://docs.github.com/rest' } }, memberRoutes);
      const { rows, outcome, gaps } = await run('members', { routes: refused });
      expect(outcome.status).toBe('complete');
      expect(rows.map((r) => r.twoFactorEnabled)).toEqual([null, null, null, null]);
      expect(gaps).toEqual([
        expect.objectContaining({ kind: 'permission_missing', what: 'github.members.two-factor', message: expect.stringContaining('Only owners can use this filter.') }),
      ]);
    });
  }

  it('records SAML identities as not applicable when the organization has no SAML single sign-on', async () => {
    const noSso = bend('SAML identities (GraphQL)', { body: { data: { organization: { samlIdentityProvider: null } } } }, memberRoutes);
    const { rows, gaps } = await run('members', { routes: noSso });
    expect(rows.map((r) => r.email)).toEqual([null, null, null, null]);
    expect(gaps).toEqual([expect.objectContaining({ kind: 'not_applicable', what: 'github.members.email' })]);
  });

  it('keeps the members and records a gap when GraphQL refuses the identities', async () => {
    const forbidden = bend(
      'SAML identities (GraphQL)',
      { body: { data: { organization: { samlIdentityProvider: null } }, errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] } },
      memberRoutes,
    );
    const { rows, gaps } = await run('members', { routes: forbidden });
    expect(rows).toHaveLength(4);
    expect(gaps).toEqual([expect.objectContaining({ kind: 'permission_missing', what: 'github.members.email', message: expect.stringContaining('Resource not accessible by integration') })]);
  });

  it('asks GitHub Enterprise Server for GraphQL at /api/graphql beside the /api/v3 REST root', async () => {
    const ghes = memberRoutes.map((r) => ({ ...r, path: r.path === '/graphql' ? '/api/graphql' : `/api/v3${r.path}` }));
    // The recorded next link is absolute from the root, as GitHub Enterprise Server writes them.
    const fixed = ghes.map((r) => (r.name === 'members page 1' ? { ...r, reply: { fixture: 'members.member.page1.json', headers: { link: '<{{baseUrl}}/api/v3/organizations/1000/members?role=member&per_page=100&page=2>; rel="next"' } } } : r));
    const { rows, requests } = await run('members', { routes: fixed, baseUrlPath: '/api/v3' });
    expect(rows).toHaveLength(4);
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/api/graphql', '/api/graphql']);
  });

  it('collects outside collaborators with their two-factor status', async () => {
    const { rows } = await run('outside-collaborators', { routes: routes.filter((r) => r.path.includes('outside_collaborators')) });
    expect(rows).toEqual([
      { login: 'erin-contractor', id: 2001, twoFactorEnabled: true },
      { login: 'frank-vendor', id: 2002, twoFactorEnabled: false },
    ]);
  });
});
