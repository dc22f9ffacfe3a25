import { describe, expect, it } from 'vitest';
import { bend, failure, run } from '../__fixtures__/harness.ts';
import { routes } from '../__fixtures__/routes.ts';

const auditRoutes = routes.filter((r) => r.path.endsWith('/audit-log'));

describe('github audit log', () => {
  it('reads the lookback window oldest first on the first run, with a cursor after every page', async () => {
    const { rows, pages, outcome, requests } = await run('audit-log', { routes: auditRoutes, config: { auditLogLookbackDays: 30 } });
    expect(requests[0]!.query).toEqual({ phrase: 'created:>=2025-12-02T00:00:00Z', order: 'asc', include: 'web', per_page: '100' });
    expect(rows.map((r) => [r.id, r.action, r.createdAt])).toEqual([
      ['aHR0cHM6Ly9naXQ0MTAwMA', 'org.add_member', '2025-10-09T08:53:20.000Z'],
      ['aHR0cHM6Ly9naXQ0MTAwMQ', 'protected_branch.update', '2025-11-01T12:26:40.000Z'],
      ['aHR0cHM6Ly9naXQ0MTAwMg', 'org.remove_member', '2025-11-24T16:00:00.000Z'],
    ]);
    expect(pages.map((p) => p.cursor)).toEqual(['2025-11-01T12:26:40.000Z', '2025-11-24T16:00:00.000Z']);
    expect(outcome).toMatchObject({ status: 'complete', cursor: '2025-11-24T16:00:00.000Z' });
    expect(rows[1]).toEqual({
      id: 'aHR0cHM6Ly9naXQ0MTAwMQ',
      action: 'protected_branch.update',
      actor: 'alice-owner',
      user: null,
      repo: 'octokit-fixture-org/api',
      createdAt: '2025-11-01T12:26:40.000Z',
      countryCode: 'DE',
      details: { actor_id: 1001, business: 'octo-enterprise', name: 'main', operation_type: 'modify', org: 'octokit-fixture-org', org_id: 1000, repo_id: 5001 },
    });
  });

  it('resumes from the stored cursor, asking again from that second so nothing at the boundary is lost', async () => {
    const resume = [{ path: '/orgs/octokit-fixture-org/audit-log', query: { phrase: 'created:>=2025-11-24T16:00:00Z', order: 'asc', include: 'web', per_page: '100' }, reply: { fixture: 'audit-log.page2.json' } }];
    const { rows, outcome } = await run('audit-log', { routes: resume, cursor: '2025-11-24T16:00:00.000Z' });
    expect(rows.map((r) => r.id)).toEqual(['aHR0cHM6Ly9naXQ0MTAwMg']);
    expect(outcome.cursor).toBe('2025-11-24T16:00:00.000Z');
  });

  it('keeps the stored cursor when nothing new happened', async () => {
    const quiet = [{ path: '/orgs/octokit-fixture-org/audit-log', reply: { body: [] } }];
    const { outcome } = await run('audit-log', { routes: quiet, cursor: '2025-11-24T16:00:00.000Z' });
    expect(outcome).toMatchObject({ status: 'complete', rows: 0, cursor: '2025-11-24T16:00:00.000Z' });
  });

  it('records the audit log as not applicable for an organization without GitHub Enterprise Cloud', async () => {
    const notEnterprise = bend('audit log page 1', { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/orgs/orgs#get-the-audit-log-for-an-organization' } }, auditRoutes).filter(
      (r) => r.name !== 'audit log page 2',
    );
    const { outcome, gaps } = await run('audit-log', { routes: notEnterprise });
    expect(outcome.status).toBe('not_applicable');
    expect(gaps).toEqual([
      expect.objectContaining({
        kind: 'not_applicable',
        what: 'audit-log',
        message: 'the organization audit log API is only available on GitHub Enterprise Cloud (the provider said: Not Found)',
      }),
    ]);
  });

  it('reports an entry without a time as a ProviderError naming the path', async () => {
    const broken = bend('audit log page 1', { body: [{ action: 'org.add_member', _document_id: 'x1' }] }, auditRoutes);
    const error = await failure('audit-log', { routes: broken });
    expect(error._tag).toBe('ProviderError');
    expect(error.message).toContain('/orgs/octokit-fixture-org/audit-log');
  });
});
