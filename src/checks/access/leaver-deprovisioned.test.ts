import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../sdk/define.ts';
import { bambooEmployee, csvEmployee, githubMember, oktaLifecycleEvent, oktaUser, seed, type Seeded } from './hr-test-data.ts';
import { formatSpan, terminationTime } from './hr-roster.ts';
import { leaverDeprovisioned } from './leaver-deprovisioned.ts';

const NOW = '2026-06-10T12:00:00.000Z';
const CSV = 'hris-csv.employees';
const okta = (id: string, login: string, status = 'ACTIVE', statusChanged: string | null = null) =>
  oktaUser({ id, login, created: '2024-01-02T09:00:00.000Z', status, statusChanged });

let s: Seeded;
let results: CheckResult[];
const resultFor = (resource: string) => {
  const r = results.find((x) => x.resource === resource);
  if (!r) throw new Error(`no result for ${resource}; results: ${results.map((x) => x.resource).join(', ')}`);
  return r;
};

beforeAll(async () => {
  s = await seed();
  await s.put(CSV, 'hr-export', 'email', [
    csvEmployee({ email: 'ada@acme.test', name: 'Ada', startDate: '2024-01-08', terminationDate: '2026-06-01' }),
    csvEmployee({ email: 'ben@acme.test', name: 'Ben', startDate: '2024-01-08', terminationDate: '2026-06-01' }),
    csvEmployee({ email: 'cat@acme.test', name: 'Cat', startDate: '2024-01-08', terminationDate: '2026-06-01' }),
    csvEmployee({ email: 'dan@acme.test', name: 'Dan', startDate: '2024-01-08', terminationDate: '2026-06-05T15:00:00.000Z' }),
    csvEmployee({ email: 'eve@acme.test', name: 'Eve', startDate: '2024-01-08', terminationDate: '2026-06-10' }),
    csvEmployee({ email: 'fay@acme.test', name: 'Fay', startDate: '2024-01-08', terminationDate: '2026-06-09T20:00:00.000Z' }),
    csvEmployee({ email: 'gus@acme.test', name: 'Gus', startDate: '2020-01-08', terminationDate: '2025-06-08' }),
    csvEmployee({ email: 'hal@acme.test', name: 'Hal', startDate: '2024-01-08', terminationDate: '2026-05-20', githubLogin: 'Hal-GH' }),
    csvEmployee({ email: 'ivy@acme.test', name: 'Ivy', startDate: '2024-01-08', terminationDate: '2026-05-20' }),
    csvEmployee({ email: 'jon@acme.test', name: 'Jon', startDate: '2024-01-08', terminationDate: '2026-05-20' }),
    csvEmployee({ email: 'kim@acme.test', name: 'Kim', startDate: '2024-01-08', terminationDate: '2026-05-20' }),
    csvEmployee({ email: 'lee@acme.test', name: 'Lee', startDate: '2024-01-08', terminationDate: '2026-05-20' }),
    csvEmployee({ email: 'max@acme.test', name: 'Max', startDate: '2024-01-08', terminationDate: '2026-05-20' }),
    csvEmployee({ email: 'mia@acme.test', name: 'Mia', startDate: '2024-01-08', terminationDate: '2026-05-20' }),
    csvEmployee({ email: 'ned@acme.test', name: 'Ned', startDate: '2024-01-08', terminationDate: '2026-05-20', githubLogin: 'ned-gh' }),
    csvEmployee({ email: 'pat@acme.test', name: 'Pat', startDate: '2024-01-08', terminationDate: '2026-05-20' }),
    csvEmployee({ email: 'quin@acme.test', name: 'Quin', startDate: '2024-01-08', terminationDate: '2026-05-20' }),
    csvEmployee({ email: 'stay@acme.test', name: 'Stay', startDate: '2024-01-08' }),
  ]);
  await s.put('bamboohr.employees', 'bamboohr', 'id', [
    bambooEmployee({ id: '31', email: 'lee@acme.test', name: 'Lee Park', status: 'Inactive', startDate: '2024-01-08', terminationDate: '2026-05-20' }),
    bambooEmployee({ id: '32', email: null, name: 'Nomail Person', status: 'Inactive', startDate: '2024-01-08', terminationDate: '2026-05-30' }),
  ]);
  await s.put('okta.users', 'okta', 'id', [
    okta('00u-ada', 'ada@acme.test', 'DEPROVISIONED', '2026-06-01T18:00:00.000Z'),
    okta('00u-ben', 'ben@acme.test', 'DEPROVISIONED', '2026-06-03T00:00:00.000Z'),
    okta('00u-cat', 'cat@acme.test', 'DEPROVISIONED', '2026-06-03T00:01:00.000Z'),
    okta('00u-dan', 'dan@acme.test', 'ACTIVE'),
    okta('00u-eve', 'eve@acme.test', 'ACTIVE'),
    okta('00u-fay', 'fay@acme.test', 'ACTIVE'),
    okta('00u-gus', 'gus@acme.test', 'ACTIVE'),
    okta('00u-hal', 'hal@acme.test', 'SUSPENDED', '2026-05-20T17:00:00.000Z'),
    okta('00u-ivy', 'ivy@acme.test', 'DEPROVISIONED', '2026-05-20T19:00:00.000Z'),
    okta('00u-jon', 'jon@acme.test', 'DEPROVISIONED', '2026-05-20T19:00:00.000Z'),
    okta('00u-lee', 'LEE@acme.test', 'DEPROVISIONED', '2026-05-21T10:00:00.000Z'),
    okta('00u-max', 'max@acme.test', 'DEPROVISIONED', null),
    okta('00u-mia1', 'mia@acme.test', 'DEPROVISIONED', '2026-05-20T19:00:00.000Z'),
    oktaUser({ id: '00u-mia2', login: 'mia.admin@acme.test', email: 'mia@acme.test', created: '2025-01-01T00:00:00.000Z', status: 'LOCKED_OUT' }),
    okta('00u-ned', 'ned@acme.test', 'DEPROVISIONED', '2026-05-20T19:00:00.000Z'),
    okta('00u-pat', 'pat@acme.test', 'DEPROVISIONED', '2026-06-19T10:00:00.000Z'),
    okta('00u-quin', 'quin@acme.test', 'DEPROVISIONED', '2026-06-19T10:00:00.000Z'),
    okta('00u-stay', 'stay@acme.test', 'ACTIVE'),
  ]);
  // Pat was suspended on the last day and deprovisioned a month later; Quin was suspended, then
  // unsuspended, so only the late deactivation ended their access.
  await s.putEvents('okta.system-log', 'okta', 'uuid', 'published', [
    oktaLifecycleEvent('log-1', 'user.lifecycle.suspend', '00u-pat', '2026-05-20T18:00:00.000Z'),
    oktaLifecycleEvent('log-2', 'user.lifecycle.deactivate', '00u-pat', '2026-06-19T10:00:00.000Z'),
    oktaLifecycleEvent('log-3', 'user.lifecycle.suspend', '00u-quin', '2026-05-20T18:00:00.000Z'),
    oktaLifecycleEvent('log-4', 'user.lifecycle.unsuspend', '00u-quin', '2026-05-22T09:00:00.000Z'),
    oktaLifecycleEvent('log-5', 'user.lifecycle.deactivate', '00u-quin', '2026-06-19T10:00:00.000Z'),
  ]);
  await s.put('github.members', 'github', 'login', [
    githubMember({ login: 'hal-gh', id: 8 }),
    githubMember({ login: 'jon-sso', id: 10, email: 'Jon@acme.test' }),
    githubMember({ login: 'stay-gh', id: 99, email: 'stay@acme.test' }),
  ]);
  await s.githubRemoval('ivyz', '2026-05-25T09:00:00.000Z');
  await s.githubRemoval('ned-gh', '2026-05-20T20:00:00.000Z');
  results = await s.run(leaverDeprovisioned, NOW, { githubLogins: { IvyZ: 'ivy@acme.test' } });
});
afterAll(() => s.close());

describe('access.leaver-deprovisioned', () => {
  it('judges exactly the leavers whose termination falls in the lookback window and has passed', () => {
    expect(results.map((r) => r.resource).sort()).toEqual(
      [
        ...['ada', 'ben', 'cat', 'dan', 'fay', 'hal', 'ivy', 'jon', 'kim', 'max', 'mia', 'ned', 'pat', 'quin'].map((n) => `${CSV}/${n}@acme.test`),
        'bamboohr.employees/31',
        'bamboohr.employees/32',
      ].sort(),
    );
  });

  it('counts a date-only termination from the end of that day and passes a deactivation before it', () => {
    const r = resultFor(`${CSV}/ada@acme.test`);
    expect(r.status).toBe('pass');
    expect(r.reason).toBe('Ada left 2026-06-01 (counted from the end of that day, UTC): Okta deactivated 6 h before the termination.');
    expect(r.evidence).toEqual([`ev-${CSV}-ada@acme.test`, 'ev-okta.users-00u-ada']);
    expect(r.details).toMatchObject({ terminatedAt: '2026-06-02T00:00:00.000Z', deadline: '2026-06-03T00:00:00.000Z', okta: { deactivatedAt: '2026-06-01T18:00:00.000Z', delayHours: -6 } });
  });

  it('passes a deactivation exactly at the SLA deadline and fails one a minute later, saying by how much', () => {
    expect(resultFor(`${CSV}/ben@acme.test`).status).toBe('pass');
    const cat = resultFor(`${CSV}/cat@acme.test`);
    expect(cat.status).toBe('fail');
    expect(cat.reason).toBe('Cat left 2026-06-01 (counted from the end of that day, UTC): Okta deactivated 1 d 1 min after the termination (2026-06-03 00:01 UTC), beyond the 24 h SLA.');
    expect(cat.status === 'fail' && cat.remediation).toContain('make the HR termination drive deactivation');
    expect(cat.status === 'fail' && cat.severity).toBeUndefined();
  });

  it('fails as critical an account still active past the deadline, counting a date-time termination from itself', () => {
    const dan = resultFor(`${CSV}/dan@acme.test`);
    expect(dan).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(dan.reason).toBe('Dan left 2026-06-05 15:00 UTC: Okta account dan@acme.test (ACTIVE) is still active past its deadline 2026-06-06 15:00 UTC.');
    expect(dan.status === 'fail' && dan.remediation).toBe('Deactivate the Okta account dan@acme.test now, review its sign-ins since 2026-06-05 15:00 UTC, and find out why offboarding missed it.');
  });

  it('treats an account still active before the deadline as in progress, not a failure', () => {
    const fay = resultFor(`${CSV}/fay@acme.test`);
    expect(fay.status).toBe('pass');
    expect(fay.reason).toBe('Fay left 2026-06-09 20:00 UTC: Okta account fay@acme.test (ACTIVE) still active, to be deactivated by 2026-06-10 20:00 UTC.');
  });

  it('fails a leaver still in the GitHub organization, found through the GitHub column in HR, even when Okta was on time', () => {
    const hal = resultFor(`${CSV}/hal@acme.test`);
    expect(hal).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(hal.reason).toBe('Hal left 2026-05-20 (counted from the end of that day, UTC): still a member of the GitHub organization as hal-gh, past its deadline 2026-05-22 00:00 UTC.');
    expect(hal.evidence).toContain('ev-github.members-hal-gh');
  });

  it('links a GitHub member to the leaver by the SAML identity GitHub reports', () => {
    const jon = resultFor(`${CSV}/jon@acme.test`);
    expect(jon.status).toBe('fail');
    expect(jon.reason).toContain('still a member of the GitHub organization as jon-sso');
  });

  it("times a GitHub removal by the audit log, via the githubLogins parameter, and fails it when late", () => {
    const ivy = resultFor(`${CSV}/ivy@acme.test`);
    expect(ivy.status).toBe('fail');
    expect(ivy.reason).toBe(
      'Ivy left 2026-05-20 (counted from the end of that day, UTC): removed from GitHub 4 d 9 h after the termination (2026-05-25 09:00 UTC), beyond the 24 h SLA.',
    );
    expect(ivy.evidence).toContain('ev-audit-1');
    const ned = resultFor(`${CSV}/ned@acme.test`);
    expect(ned.status).toBe('pass');
    expect(ned.reason).toBe('Ned left 2026-05-20 (counted from the end of that day, UTC): Okta deactivated 5 h before the termination; removed from GitHub 4 h before the termination.');
  });

  it('passes a leaver with nothing to deprovision, saying so', () => {
    expect(resultFor(`${CSV}/kim@acme.test`)).toMatchObject({
      status: 'pass',
      reason: 'Kim left 2026-05-20 (counted from the end of that day, UTC): no Okta account, GitHub membership or AWS IAM user is linked to kim@acme.test, so there was nothing to deprovision.',
    });
  });

  it('merges a person known to two HR sources into one result named by BambooHR, with both records as evidence', () => {
    const lee = resultFor('bamboohr.employees/31');
    expect(lee.status).toBe('pass');
    expect(lee.reason.startsWith('Lee Park left 2026-05-20')).toBe(true);
    expect(lee.evidence).toEqual(['ev-bamboohr.employees-31', `ev-${CSV}-lee@acme.test`, 'ev-okta.users-00u-lee']);
    expect(lee.source).toBe('bamboohr');
  });

  it('fails what it cannot show: a deactivation with no time, a leaver with no email', () => {
    const max = resultFor(`${CSV}/max@acme.test`);
    expect(max.status).toBe('fail');
    expect(max.reason).toContain('Okta account max@acme.test is DEPROVISIONED but Okta records no time for the change');
    const nomail = resultFor('bamboohr.employees/32');
    expect(nomail).toMatchObject({ status: 'fail', reason: 'Nomail Person left 2026-05-30, but HR has no work email for them, so no account can be matched to show it was deprovisioned.' });
  });

  it('takes an earlier switch-off from the Okta System Log, unless it was undone', () => {
    const pat = resultFor(`${CSV}/pat@acme.test`);
    expect(pat.status).toBe('pass');
    expect(pat.reason).toBe(
      'Pat left 2026-05-20 (counted from the end of that day, UTC): Okta deactivated 6 h before the termination (user.lifecycle.suspend in the System Log; DEPROVISIONED since 2026-06-19 10:00 UTC).',
    );
    expect(pat.evidence).toContain('ev-okta.system-log-log-1');
    const quin = resultFor(`${CSV}/quin@acme.test`);
    expect(quin.status).toBe('fail');
    expect(quin.reason).toContain('Okta deactivated 29 d 10 h after the termination (2026-06-19 10:00 UTC)');
  });

  it('requires every account of the person to be off', () => {
    const mia = resultFor(`${CSV}/mia@acme.test`);
    expect(mia.status).toBe('fail');
    expect(mia.reason).toContain('Okta account mia.admin@acme.test (LOCKED_OUT) is still active');
  });

  it('follows the SLA and lookback parameters', async () => {
    const lenient = await s.run(leaverDeprovisioned, NOW, { slaHours: 48, lookbackDays: 400, githubLogins: { ivyz: 'ivy@acme.test' } });
    expect(lenient.find((r) => r.resource === `${CSV}/cat@acme.test`)?.status).toBe('pass');
    expect(lenient.find((r) => r.resource === `${CSV}/gus@acme.test`)?.status).toBe('fail');
  });

  it('is an error, never a pass, when no HR record is stored', async () => {
    const empty = await seed({ db: s.db, slug: 'empty' });
    try {
      await empty.put('okta.users', 'okta', 'id', [okta('00u-x', 'x@acme.test')]);
      await expect(empty.run(leaverDeprovisioned, NOW)).rejects.toThrow('access.leaver-deprovisioned needs the HR roster, and no HR record is stored');
    } finally {
      await empty.close();
    }
  });
});

describe('the HR time rules', () => {
  it('reads a date-only termination as the end of that day and a date-time as itself', () => {
    expect(terminationTime('2026-02-28').toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(terminationTime('2026-02-28T09:30:00.000Z').toISOString()).toBe('2026-02-28T09:30:00.000Z');
  });

  it('writes spans to their two largest units', () => {
    expect(formatSpan(0)).toBe('0 min');
    expect(formatSpan(-6 * 3_600_000)).toBe('6 h');
    expect(formatSpan((3 * 24 + 18) * 3_600_000 + 29 * 60_000)).toBe('3 d 18 h');
    expect(formatSpan(24 * 3_600_000 + 60_000)).toBe('1 d 1 min');
  });
});
