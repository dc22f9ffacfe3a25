import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OKTA_ADMIN_ROLES, OKTA_FACTORS } from './okta-rows.ts';
import { createTestDb, factor, role, seedOkta, type OktaSeed, type TestDb } from './okta-test-data.ts';
import { privilegedIdp } from './privileged-idp.ts';

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

describe('access.privileged-idp', () => {
  it('lists each admin role holder once, failing the one without MFA (critical for a super admin)', async () => {
    await s.put(OKTA_ADMIN_ROLES, [
      role('ana'),
      role('ana', { type: 'ORG_ADMIN', label: 'Organization Administrator', assignmentType: 'GROUP' }),
      role('bo', { type: 'HELP_DESK_ADMIN', label: 'Help Desk Administrator' }),
      role('cy'),
      role('old', { type: 'APP_ADMIN', label: 'Application Administrator', status: 'INACTIVE' }),
    ]);
    await s.put(OKTA_FACTORS, [factor('ana'), factor('bo', { factorType: 'sms', status: 'PENDING_ACTIVATION' })]);
    const results = await s.run(privilegedIdp, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason, r.status === 'fail' ? (r.severity ?? null) : null])).toEqual([
      ['okta.users/ana', 'pass', 'ana@example.com holds Organization Administrator (through a group), Super Administrator and uses MFA (active push)', null],
      ['okta.users/bo', 'fail', 'bo@example.com holds Help Desk Administrator without a second factor (sms (PENDING_ACTIVATION)): a stolen password is an Okta admin session', null],
      ['okta.users/cy', 'fail', 'cy@example.com holds Super Administrator without a second factor (no factor enrolled): a stolen password is an Okta admin session', 'critical'],
      ['okta.admin-roles/SUPER_ADMIN@okta', 'pass', '2 Super Administrators (at most 4 allowed): ana@example.com, cy@example.com', null],
    ]);
    expect(results[0]!.evidence).toEqual(['ev:okta.admin-roles:ana/ra-ana-ORG_ADMIN', 'ev:okta.admin-roles:ana/ra-ana-SUPER_ADMIN', 'ev:okta.factors:ana/fac-ana-push']);
    expect(results[3]!.evidence).toEqual(['ev:okta.admin-roles:ana/ra-ana-SUPER_ADMIN', 'ev:okta.admin-roles:cy/ra-cy-SUPER_ADMIN']);
  });

  it('fails the org once it has more super admins than allowed, and not at the limit', async () => {
    const admins = ['u1', 'u2', 'u3'];
    await s.put(OKTA_ADMIN_ROLES, admins.map((u) => role(u)));
    await s.put(OKTA_FACTORS, admins.map((u) => factor(u)));
    const atLimit = await s.run(privilegedIdp, NOW, { maxSuperAdmins: 3 });
    expect(atLimit.find((r) => r.resource === 'okta.admin-roles/SUPER_ADMIN@okta')!.status).toBe('pass');
    const over = await s.run(privilegedIdp, NOW, { maxSuperAdmins: 2 });
    expect(over.find((r) => r.resource === 'okta.admin-roles/SUPER_ADMIN@okta')).toMatchObject({
      status: 'fail',
      reason: '3 users are Super Administrators, more than the 2 allowed: u1@example.com, u2@example.com, u3@example.com',
      remediation: expect.stringContaining('at most 2 named people'),
    });
    expect(over.filter((r) => r.status === 'fail')).toHaveLength(1);
  });
});
