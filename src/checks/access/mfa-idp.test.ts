import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mfaIdp } from './mfa-idp.ts';
import { OKTA_FACTORS, OKTA_USERS } from './okta-rows.ts';
import { createTestDb, factor, seedOkta, user, type OktaSeed, type TestDb } from './okta-test-data.ts';

const NOW = '2026-03-01T12:00:00.000Z';
let db: TestDb;
let s: OktaSeed;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.close());
beforeEach(async () => {
  s = await seedOkta(db);
});

describe('access.mfa-idp', () => {
  it('fails each account that can sign in without an active second factor, and skips accounts that cannot sign in', async () => {
    await s.put(OKTA_USERS, [
      user({ id: 'ana' }),
      user({ id: 'bo' }),
      user({ id: 'cy' }),
      user({ id: 'di', status: 'LOCKED_OUT' }),
      user({ id: 'ed', status: 'DEPROVISIONED' }),
      user({ id: 'fa', status: 'STAGED' }),
      user({ id: 'gu', status: 'SUSPENDED' }),
    ]);
    await s.put(OKTA_FACTORS, [
      factor('ana', { factorType: 'push' }),
      factor('bo', { factorType: 'token:software:totp', status: 'PENDING_ACTIVATION' }),
      factor('bo', { factorType: 'question' }),
    ]);
    const results = await s.run(mfaIdp, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['okta.users/ana', 'pass', 'ana@example.com has MFA: active push'],
      ['okta.users/bo', 'fail', 'bo@example.com (ACTIVE) can sign in to Okta without a second factor: question (does not count as a second factor), token:software:totp (PENDING_ACTIVATION)'],
      ['okta.users/cy', 'fail', 'cy@example.com (ACTIVE) can sign in to Okta without a second factor: no factor enrolled'],
      ['okta.users/di', 'fail', 'di@example.com (LOCKED_OUT) can sign in to Okta without a second factor: no factor enrolled'],
    ]);
    expect(results[1]!.evidence).toEqual(['ev:okta.users:bo', 'ev:okta.factors:bo/fac-bo-question', 'ev:okta.factors:bo/fac-bo-token:software:totp']);
    expect(results[0]!.evidence).toEqual(['ev:okta.users:ana', 'ev:okta.factors:ana/fac-ana-push']);
    expect(results[1]).toMatchObject({ source: 'okta', remediation: expect.stringContaining('bo@example.com') });
  });

  it('counts a security question once weakFactorTypes no longer lists it', async () => {
    await s.put(OKTA_USERS, [user({ id: 'bo' })]);
    await s.put(OKTA_FACTORS, [factor('bo', { factorType: 'question' })]);
    expect((await s.run(mfaIdp, NOW, { weakFactorTypes: [] })).map((r) => r.status)).toEqual(['pass']);
    expect((await s.run(mfaIdp, NOW)).map((r) => r.status)).toEqual(['fail']);
  });

  it("matches factors to users within their own Okta org, not by id across orgs", async () => {
    await s.put(OKTA_USERS, [user({ id: 'same' })], 'okta-eu');
    await s.put(OKTA_FACTORS, [factor('same')], 'okta-us');
    expect((await s.run(mfaIdp, NOW)).map((r) => [r.source, r.status])).toEqual([['okta-eu', 'fail']]);
  });
});
