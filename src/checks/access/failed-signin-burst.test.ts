import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failedSigninBurst } from './failed-signin-burst.ts';
import { createTestDb, failedSignIns, logEvent, seedOkta, type OktaSeed, type TestDb } from './okta-test-data.ts';

const NOW = '2026-06-01T12:00:00.000Z';
let db: TestDb;
let s: OktaSeed;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.close());
beforeEach(async () => {
  s = await seedOkta(db);
});

/** `n` times, `everySeconds` apart, from `start`. */
const times = (start: string, n: number, everySeconds: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(start) + i * everySeconds * 1000).toISOString());

describe('access.failed-signin-burst', () => {
  it('fails 10 failures within 15 minutes (first to last), passes 10 spread just wider, and names the burst', async () => {
    await s.log([
      // 10 failures, 100 s apart: 900 s = exactly 15 minutes from first to last.
      ...failedSignIns('ana', times('2026-05-31T09:00:00.000Z', 10, 100)),
      // 10 failures, 101 s apart: the widest 15 minutes hold 9.
      ...failedSignIns('bo', times('2026-05-31T09:00:00.000Z', 10, 101)),
      logEvent({ eventType: 'user.session.start', published: '2026-05-31T09:30:00.000Z', actor: 'bo' }),
    ]);
    const results = await s.run(failedSigninBurst, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['okta.users/ana', 'fail', 'ana@example.com: 10 failed sign-ins within 15 minutes, 2026-05-31 09:00 UTC to 2026-05-31 09:15 UTC, from 198.51.100.7'],
      ['okta.users/bo', 'pass', 'bo@example.com: at most 9 failed sign-in(s) within 15 minutes in the last 7 days (a burst is 10)'],
    ]);
    expect(results[1]!.details).toMatchObject({ failures: 10, worstWindow: { count: 9 } });
    expect(results[0]!.evidence).toHaveLength(10);
    expect(results[0]).toMatchObject({ remediation: expect.stringContaining('reset the password') });
  });

  it('counts MFA failures, groups unknown usernames by what was typed, and ignores failures older than the lookback', async () => {
    const burst = times('2026-05-31T22:00:00.000Z', 12, 30);
    await s.log([
      ...burst.map((published) => logEvent({ eventType: 'user.authentication.auth_via_mfa', published, actor: 'cy', outcome: 'FAILURE' })),
      ...failedSignIns('unknown:Admin@Example.com', times('2026-05-31T03:00:00.000Z', 3, 60)),
      ...failedSignIns('unknown:admin@example.com', times('2026-05-31T03:05:00.000Z', 2, 60)),
      ...failedSignIns('old', times('2026-05-20T09:00:00.000Z', 20, 10)),
    ]);
    const results = await s.run(failedSigninBurst, NOW);
    expect(results.map((r) => [r.resource, r.status])).toEqual([
      ['okta.sign-in/admin@example.com', 'pass'],
      ['okta.users/cy', 'fail'],
    ]);
    expect(results[0]!.reason).toBe('Admin@Example.com: at most 5 failed sign-in(s) within 15 minutes in the last 7 days (a burst is 10)');
    expect((await s.run(failedSigninBurst, NOW, { lookbackDays: 14 })).find((r) => r.resource === 'okta.users/old')?.status).toBe('fail');
  });

  it('passes the org in one result when its log has no failed sign-in at all', async () => {
    await s.log([logEvent({ eventType: 'user.session.start', published: '2026-05-31T09:30:00.000Z', actor: 'bo' })]);
    expect(await s.run(failedSigninBurst, NOW)).toEqual([
      { resource: 'okta.system-log/okta', source: 'okta', status: 'pass', evidence: [], reason: 'no failed sign-ins in the last 7 days of the Okta System Log', details: { eventsRead: 1 } },
    ]);
  });
});
