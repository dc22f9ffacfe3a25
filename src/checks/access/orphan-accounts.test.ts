import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../sdk/define.ts';
import { bambooEmployee, csvEmployee, oktaUser, seed, type Seeded } from './hr-test-data.ts';
import { globToRegExp, orphanAccounts } from './orphan-accounts.ts';

const NOW = '2026-06-10T12:00:00.000Z';
let s: Seeded;
let results: CheckResult[];
const byLogin = (login: string) => results.find((r) => (r.details as { login?: string } | undefined)?.login === login);

beforeAll(async () => {
  s = await seed();
  await s.put('hris-csv.employees', 'hr-export', 'email', [
    csvEmployee({ email: 'ada@acme.test', name: 'Ada Lopez', startDate: '2024-01-08' }),
    csvEmployee({ email: 'old@acme.test', name: 'Old Timer', startDate: '2020-01-08', terminationDate: '2021-03-31' }),
    csvEmployee({ email: 'new@acme.test', name: 'New Hire', startDate: '2026-07-01' }),
  ]);
  await s.put('bamboohr.employees', 'bamboohr', 'id', [bambooEmployee({ id: '7', email: 'bo@acme.test', name: 'Bo Chen', startDate: '2025-02-03' })]);
  await s.put('okta.users', 'okta', 'id', [
    oktaUser({ id: '00u-ada', login: 'Ada@Acme.test', created: '2024-01-05T09:00:00.000Z', lastLogin: '2026-06-09T08:00:00.000Z' }),
    oktaUser({ id: '00u-bo', login: 'bchen', email: 'bo@acme.test', created: '2025-02-01T09:00:00.000Z' }),
    oktaUser({ id: '00u-old', login: 'old@acme.test', created: '2020-01-06T09:00:00.000Z' }),
    oktaUser({ id: '00u-new', login: 'new@acme.test', created: '2026-06-09T09:00:00.000Z', status: 'STAGED' }),
    oktaUser({ id: '00u-ghost', login: 'contractor.temp@acme.test', created: '2025-11-22T00:00:00.000Z', lastLogin: '2026-06-08T10:00:00.000Z' }),
    oktaUser({ id: '00u-never', login: 'ghost2@acme.test', created: '2026-05-01T00:00:00.000Z', status: 'PROVISIONED' }),
    oktaUser({ id: '00u-gone', login: 'gone@acme.test', created: '2023-01-01T00:00:00.000Z', status: 'DEPROVISIONED', statusChanged: '2024-01-01T00:00:00.000Z' }),
    oktaUser({ id: '00u-susp', login: 'paused@acme.test', created: '2023-01-01T00:00:00.000Z', status: 'SUSPENDED', statusChanged: '2024-01-01T00:00:00.000Z' }),
    oktaUser({ id: '00u-svc', login: 'svc-ci@acme.test', created: '2023-01-01T00:00:00.000Z' }),
    oktaUser({ id: '00u-bot', login: 'deploy-bot@acme.test', created: '2023-01-01T00:00:00.000Z' }),
  ]);
  results = await s.run(orphanAccounts, NOW);
});
afterAll(() => s.close());

describe('access.orphan-accounts', () => {
  it('judges every account that can sign in, and no deactivated or suspended one', () => {
    expect(results.map((r) => r.resource).sort()).toEqual(
      ['00u-ada', '00u-bo', '00u-old', '00u-new', '00u-ghost', '00u-never', '00u-svc', '00u-bot'].map((id) => `okta.users/${id}`).sort(),
    );
  });

  it('fails an active account that no HR record matches, describing it', () => {
    const ghost = byLogin('contractor.temp@acme.test')!;
    expect(ghost.status).toBe('fail');
    expect(ghost.reason).toBe('Active Okta account contractor.temp@acme.test (ACTIVE, created 2025-11-22 00:00 UTC, last sign-in 2026-06-08 10:00 UTC) matches no HR record by login or email.');
    expect(ghost.status === 'fail' && ghost.remediation).toContain('Nobody: deactivate it.');
    expect(ghost.evidence).toEqual(['ev-okta.users-00u-ghost']);
    expect(byLogin('ghost2@acme.test')).toMatchObject({ status: 'fail', reason: expect.stringContaining('(PROVISIONED, created 2026-05-01 00:00 UTC, never signed in)') });
  });

  it('passes accounts that match HR by login or by email, ignoring case, from either HR source', () => {
    expect(byLogin('Ada@Acme.test')).toMatchObject({
      status: 'pass',
      reason: 'Ada@Acme.test belongs to Ada Lopez in HR (start date 2024-01-08).',
      evidence: ['ev-okta.users-00u-ada', 'ev-hris-csv.employees-ada@acme.test'],
    });
    expect(byLogin('bchen')).toMatchObject({ status: 'pass', reason: 'bchen belongs to Bo Chen in HR (start date 2025-02-03).' });
    expect(byLogin('new@acme.test')?.status).toBe('pass');
  });

  it("leaves a former employee's live account to the leaver check: it has an HR record", () => {
    expect(byLogin('old@acme.test')).toMatchObject({ status: 'pass', reason: 'old@acme.test belongs to Old Timer in HR (former employee, left 2021-03-31).' });
  });

  it('lists service accounts matching a documented pattern as not applicable', () => {
    expect(byLogin('svc-ci@acme.test')).toMatchObject({ status: 'not_applicable', reason: 'svc-ci@acme.test is a service account (matches "svc-*"): not expected in HR; its owner is reviewed under ACC-19.' });
    expect(byLogin('deploy-bot@acme.test')?.status).toBe('not_applicable');
  });

  it('uses the patterns given instead of the defaults', async () => {
    const custom = await s.run(orphanAccounts, NOW, { serviceAccountPatterns: ['contractor.*'] });
    const statusOf = (login: string) => custom.find((r) => (r.details as { login: string }).login === login)?.status;
    expect(statusOf('contractor.temp@acme.test')).toBe('not_applicable');
    expect(statusOf('svc-ci@acme.test')).toBe('fail');
  });

  it('matches globs on the whole login, case-insensitively, with only * special', () => {
    expect(globToRegExp('svc-*').test('SVC-deploy@acme.test')).toBe(true);
    expect(globToRegExp('svc-*').test('ops.svc-deploy@acme.test')).toBe(false);
    expect(globToRegExp('*.bot@*').test('ci.bot@acme.test')).toBe(true);
    expect(globToRegExp('*.bot@*').test('cixbot@acme.test')).toBe(false);
  });

  it('is an error, never a pass or a flood of failures, when no HR record is stored', async () => {
    const empty = await seed({ db: s.db, slug: 'empty' });
    await empty.put('okta.users', 'okta', 'id', [oktaUser({ id: '00u-x', login: 'x@acme.test', created: '2025-01-01T00:00:00.000Z' })]);
    await expect(empty.run(orphanAccounts, NOW)).rejects.toThrow('no HR record is stored');
  });
});
