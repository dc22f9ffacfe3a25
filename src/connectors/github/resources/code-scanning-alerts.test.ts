import { describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/harness.ts';
import { routes } from '../__fixtures__/routes.ts';

const alertRoutes = routes.filter((r) => r.path.endsWith('/code-scanning/alerts'));

describe('github code scanning alerts', () => {
  it('follows the page link, takes the security severity over the rule severity, and keeps who dismissed an alert', async () => {
    const { rows, outcome, requests } = await run('code-scanning-alerts', { routes: alertRoutes });
    expect(outcome.status).toBe('complete');
    expect(requests).toHaveLength(2);
    expect(rows.map((r) => [r.ref, r.state, r.severity])).toEqual([
      ['octokit-fixture-org/api#5', 'open', 'high'],
      // No security severity on this one: the rule's own severity stands in.
      ['octokit-fixture-org/web#4', 'fixed', 'error'],
      ['octokit-fixture-org/web#6', 'dismissed', 'medium'],
    ]);
    expect(rows[2]).toEqual({
      ref: 'octokit-fixture-org/web#6',
      repository: 'octokit-fixture-org/web',
      number: 6,
      state: 'dismissed',
      ruleId: 'ANCHOREVULN_CVE-2020-27218_java-archive_http2-hpack_9.4.27.v20200227',
      ruleDescription: 'CVE-2020-27218 Severity=Medium Package=http2-hpack Version=9.4.27.v20200227',
      severity: 'medium',
      tool: 'Anchore Container Vulnerability Report (T0)',
      path: null,
      createdAt: '2025-05-01T10:00:00Z',
      fixedAt: null,
      dismissedAt: '2025-05-03T09:00:00Z',
      dismissedReason: 'false positive',
      dismissedBy: 'alice-owner',
      dismissedComment: 'Matches the shaded copy in the build image only; the service does not ship http2-hpack',
      htmlUrl: 'https://github.com/octokit-fixture-org/web/security/code-scanning/6',
    });
    expect(rows[1]).toMatchObject({ path: 'src/main/java/com/github/demo/service/BookService.java', fixedAt: '2025-07-02T10:00:00Z', dismissedBy: null });
  });
});
