import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inactiveAccounts } from './inactive-accounts.ts';
import { OKTA_USERS } from './okta-rows.ts';
import { createTestDb, seedOkta, user, type OktaSeed, type TestDb } from './okta-test-data.ts';

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

describe('access.inactive-accounts', () => {
  it('fails past 90 days without a sign-in, passes at exactly 90 days, and ignores accounts that cannot sign in', async () => {
    await s.put(OKTA_USERS, [
      user({ id: 'a-recent', lastLogin: '2026-05-30T08:00:00.000Z' }),
      // Exactly 90 days before NOW: not yet more than 90.
      user({ id: 'b-boundary', lastLogin: '2026-03-03T12:00:00.000Z' }),
      user({ id: 'c-stale', lastLogin: '2026-03-03T11:59:59.000Z' }),
      user({ id: 'd-expired', status: 'PASSWORD_EXPIRED', lastLogin: '2025-11-01T08:00:00.000Z' }),
      user({ id: 'e-gone', status: 'DEPROVISIONED', lastLogin: '2025-01-01T08:00:00.000Z' }),
      user({ id: 'f-suspended', status: 'SUSPENDED', lastLogin: '2025-01-01T08:00:00.000Z' }),
    ]);
    const results = await s.run(inactiveAccounts, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['okta.users/a-recent', 'pass', 'a-recent@example.com last signed in 2026-05-30 08:00 UTC, within the 90 days allowed until 2026-08-28 08:00 UTC'],
      ['okta.users/b-boundary', 'pass', 'b-boundary@example.com last signed in 2026-03-03 12:00 UTC, within the 90 days allowed until 2026-06-01 12:00 UTC'],
      ['okta.users/c-stale', 'fail', 'c-stale@example.com has not signed in since 2026-03-03 11:59 UTC, more than 90 days, yet can still sign in'],
      ['okta.users/d-expired', 'fail', 'd-expired@example.com has not signed in since 2025-11-01 08:00 UTC, more than 90 days, yet can still sign in'],
    ]);
    expect(results[2]).toMatchObject({ evidence: ['ev:okta.users:c-stale'], source: 'okta', remediation: expect.stringContaining('deactivate it in Okta') });
    // The details name when the account became (or becomes) inactive: an instant that stays true while the state holds.
    expect(results.map((r) => (r.details as { inactiveFrom: string }).inactiveFrom)).toEqual([
      '2026-08-28T08:00:00.000Z',
      '2026-06-01T12:00:00.000Z',
      '2026-06-01T11:59:59.000Z',
      '2026-01-30T08:00:00.000Z',
    ]);
  });

  it('judges a never-signed-in account by its activation, falling back to its creation', async () => {
    await s.put(OKTA_USERS, [
      user({ id: 'new-joiner', created: '2026-05-20T09:00:00.000Z' }),
      user({ id: 'old-invite', created: '2025-12-01T09:00:00.000Z' }),
      user({ id: 'reset', created: '2025-01-01T09:00:00.000Z', activated: null, status: 'RECOVERY' }),
    ]);
    const results = await s.run(inactiveAccounts, NOW, { maxInactiveDays: 30 });
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['okta.users/new-joiner', 'pass', 'new-joiner@example.com has not signed in yet; activated 2026-05-20 09:00 UTC, within the 30 days allowed until 2026-06-19 09:00 UTC'],
      ['okta.users/old-invite', 'fail', 'old-invite@example.com has never signed in since it was activated 2025-12-01 09:00 UTC, more than 30 days, yet can sign in'],
      ['okta.users/reset', 'fail', 'reset@example.com has never signed in since it was created 2025-01-01 09:00 UTC, more than 30 days, yet can sign in'],
    ]);
  });
});
