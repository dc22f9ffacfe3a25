import { describe, expect, it } from 'vitest';
import { run } from '../__fixtures__/harness.ts';
import { routes } from '../__fixtures__/routes.ts';

const alertRoutes = routes.filter((r) => r.path.endsWith('/dependabot/alerts'));

describe('github dependabot alerts', () => {
  it('follows the cursor to the second page and keeps each alert’s dates, dismissal and who dismissed it', async () => {
    const { rows, outcome, requests } = await run('dependabot-alerts', { routes: alertRoutes });
    expect(outcome.status).toBe('complete');
    expect(requests).toHaveLength(2);
    expect(rows.map((r) => r.ref)).toEqual(['octokit-fixture-org/api#1', 'octokit-fixture-org/web#3', 'octokit-fixture-org/api#2', 'octokit-fixture-org/web#4']);
    expect(rows[1]).toEqual({
      ref: 'octokit-fixture-org/web#3',
      repository: 'octokit-fixture-org/web',
      number: 3,
      state: 'dismissed',
      severity: 'medium',
      packageName: 'semver',
      ecosystem: 'npm',
      manifestPath: 'package-lock.json',
      ghsaId: 'GHSA-c2qf-rxjj-qqgw',
      cveId: 'CVE-2022-25883',
      summary: 'semver vulnerable to Regular Expression Denial of Service',
      createdAt: '2025-08-01T10:00:00Z',
      fixedAt: null,
      dismissedAt: '2025-08-03T10:00:00Z',
      dismissedReason: 'tolerable_risk',
      dismissedBy: 'alice-owner',
      dismissedComment: 'Only used in tests',
      autoDismissedAt: null,
      htmlUrl: 'https://github.com/octokit-fixture-org/web/security/dependabot/3',
    });
    expect(rows[2]).toMatchObject({ state: 'fixed', fixedAt: '2025-09-15T13:55:40Z', dismissedBy: null, dismissedComment: null, packageName: 'ansible' });
  });

  it('keeps the time an auto-triage rule dismissed an alert, which GitHub gives no dismissal time or reason', async () => {
    const { rows } = await run('dependabot-alerts', { routes: alertRoutes });
    expect(rows[3]).toMatchObject({ ref: 'octokit-fixture-org/web#4', state: 'auto_dismissed', autoDismissedAt: '2025-10-02T09:00:05Z', dismissedAt: null, dismissedReason: null, dismissedBy: null });
  });
});
