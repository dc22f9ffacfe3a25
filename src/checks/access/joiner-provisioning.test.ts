import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../sdk/define.ts';
import { csvEmployee, oktaUser, seed, type Seeded } from './hr-test-data.ts';
import { joinerProvisioning } from './joiner-provisioning.ts';

const NOW = '2026-06-10T12:00:00.000Z';
let s: Seeded;
let results: CheckResult[];
const result = (id: string) => results.find((r) => r.resource === `okta.users/${id}`);

beforeAll(async () => {
  s = await seed();
  await s.put('hris-csv.employees', 'hr-export', 'email', [
    csvEmployee({ email: 'ada@acme.test', name: 'Ada', startDate: '2026-03-02' }),
    csvEmployee({ email: 'ben@acme.test', name: 'Ben', startDate: '2026-03-02' }),
    csvEmployee({ email: 'cat@acme.test', name: 'Cat', startDate: '2026-03-02' }),
    csvEmployee({ email: 'dan@acme.test', name: 'Dan', startDate: '2026-07-01' }),
    csvEmployee({ email: 'eve@acme.test', name: 'Eve', startDate: '2026-04-01T16:00:00.000Z' }),
    csvEmployee({ email: 'old@acme.test', name: 'Old', startDate: '2024-01-08' }),
    csvEmployee({ email: 'noacct@acme.test', name: 'No Account', startDate: '2026-05-04' }),
  ]);
  await s.put('okta.users', 'okta', 'id', [
    oktaUser({ id: '00u-ada', login: 'ada@acme.test', created: '2026-02-28T14:00:00.000Z' }),
    // Exactly 7 days before the start of the first day: the edge of the tolerance.
    oktaUser({ id: '00u-ben', login: 'ben@acme.test', created: '2026-02-23T00:00:00.000Z' }),
    oktaUser({ id: '00u-cat', login: 'cat@acme.test', created: '2026-02-22T23:59:00.000Z' }),
    oktaUser({ id: '00u-dan', login: 'dan@acme.test', created: '2026-05-01T10:00:00.000Z', status: 'STAGED' }),
    oktaUser({ id: '00u-eve', login: 'eve@acme.test', created: '2026-03-25T15:00:00.000Z' }),
    oktaUser({ id: '00u-old', login: 'old@acme.test', created: '2023-01-01T00:00:00.000Z' }),
    oktaUser({ id: '00u-orphan', login: 'orphan@acme.test', created: '2023-01-01T00:00:00.000Z' }),
  ]);
  results = await s.run(joinerProvisioning, NOW);
});
afterAll(() => s.close());

describe('access.joiner-provisioning', () => {
  it("judges the accounts of joiners in the lookback window and of future joiners, and nobody else's", () => {
    expect(results.map((r) => r.resource).sort()).toEqual(['00u-ada', '00u-ben', '00u-cat', '00u-dan', '00u-eve'].map((id) => `okta.users/${id}`));
  });

  it('passes an account created a few days before the start date', () => {
    expect(result('00u-ada')).toMatchObject({
      status: 'pass',
      reason: "Okta account ada@acme.test was created 2026-02-28 14:00 UTC, 1 d 10 h before Ada's start date 2026-03-02.",
      evidence: ['ev-okta.users-00u-ada', 'ev-hris-csv.employees-ada@acme.test'],
    });
  });

  it('passes an account created exactly at the tolerance and fails one a minute earlier', () => {
    expect(result('00u-ben')?.status).toBe('pass');
    const cat = result('00u-cat')!;
    expect(cat.status).toBe('fail');
    expect(cat.reason).toBe("Okta account cat@acme.test was created 2026-02-22 23:59 UTC, 7 d 1 min before Cat's start date 2026-03-02 (at most 7 days before is allowed).");
    expect(cat.status === 'fail' && cat.remediation).toContain("Check with HR whether Cat's start date moved");
  });

  it('catches an account made too early for someone who has not started yet', () => {
    expect(result('00u-dan')).toMatchObject({ status: 'fail', reason: expect.stringContaining("60 d 14 h before Dan's start date 2026-07-01") });
  });

  it('measures from the start time HR gives', () => {
    expect(result('00u-eve')).toMatchObject({ status: 'fail', reason: expect.stringContaining("7 d 1 h before Eve's start date 2026-04-01 16:00 UTC") });
  });

  it('follows the tolerance and lookback parameters', async () => {
    const lenient = await s.run(joinerProvisioning, NOW, { toleranceDays: 61, lookbackDays: 1000 });
    expect(lenient.filter((r) => r.status === 'fail').map((r) => r.resource)).toEqual(['okta.users/00u-old']);
  });
});
