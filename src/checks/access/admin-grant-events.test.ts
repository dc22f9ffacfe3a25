import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminGrantEvents } from './admin-grant-events.ts';
import { OKTA_FACTORS, OKTA_GROUPS, OKTA_USERS } from './okta-rows.ts';
import { createTestDb, factor, group, logEvent, seedOkta, user, type OktaSeed, type TestDb } from './okta-test-data.ts';

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

const grant = (uuid: string, published: string, target: { id: string; type: string; alternateId?: string }, privilege = 'Super administrator') =>
  logEvent({ uuid, eventType: target.type === 'UserGroup' ? 'group.privilege.grant' : 'user.account.privilege.grant', published, actor: 'boss', target, privilege });

describe('access.admin-grant-events', () => {
  it('lists each grant in the lookback: a pass to a user with MFA, a fail to one without, n/a to one deactivated since', async () => {
    await s.put(OKTA_USERS, [user({ id: 'ana' }), user({ id: 'bo' }), user({ id: 'gone', status: 'DEPROVISIONED' })]);
    await s.put(OKTA_FACTORS, [factor('ana', { factorType: 'webauthn' })]);
    await s.log([
      grant('g-old', '2026-02-01T10:00:00.000Z', { id: 'ana', type: 'User' }),
      grant('g-ana', '2026-05-01T10:00:00.000Z', { id: 'ana', type: 'User' }),
      grant('g-bo', '2026-05-02T10:00:00.000Z', { id: 'bo', type: 'User' }, 'Help Desk administrator'),
      grant('g-gone', '2026-05-03T10:00:00.000Z', { id: 'gone', type: 'User' }),
      logEvent({ eventType: 'user.session.start', published: '2026-05-04T10:00:00.000Z', actor: 'ana' }),
    ]);
    const results = await s.run(adminGrantEvents, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['okta.system-log/g-ana', 'pass', 'Super administrator granted by boss@example.com on 2026-05-01 10:00 UTC to ana@example.com, who uses MFA (active webauthn)'],
      ['okta.system-log/g-bo', 'fail', 'Help Desk administrator granted by boss@example.com on 2026-05-02 10:00 UTC to bo@example.com, who has no second factor (no factor enrolled)'],
      ['okta.system-log/g-gone', 'not_applicable', 'Super administrator granted by boss@example.com on 2026-05-03 10:00 UTC to gone@example.com, whose account has been deactivated since'],
    ]);
    expect(results[0]!.evidence).toEqual(['ev:g-ana', 'ev:okta.users:ana', 'ev:okta.factors:ana/fac-ana-webauthn']);
    expect(results[1]).toMatchObject({ remediation: expect.stringContaining('revoke Help Desk administrator'), details: { grantee: 'bo@example.com', grantedBy: 'boss@example.com' } });
  });

  it('judges a grant to a group by its members that can sign in, and fails a grantee it cannot find', async () => {
    await s.put(OKTA_USERS, [user({ id: 'ana' }), user({ id: 'cy' }), user({ id: 'ed', status: 'DEPROVISIONED' })]);
    await s.put(OKTA_FACTORS, [factor('ana')]);
    await s.put(OKTA_GROUPS, [group('admins', ['ana', 'ed']), group('ops', ['ana', 'cy'])]);
    await s.log([
      grant('g1', '2026-05-01T10:00:00.000Z', { id: 'admins', type: 'UserGroup', alternateId: 'Admins' }),
      grant('g2', '2026-05-01T11:00:00.000Z', { id: 'ops', type: 'UserGroup', alternateId: 'Ops' }),
      grant('g3', '2026-05-01T12:00:00.000Z', { id: 'who', type: 'User' }),
    ]);
    const results = await s.run(adminGrantEvents, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['okta.system-log/g1', 'pass', 'Super administrator granted by boss@example.com on 2026-05-01 10:00 UTC to group Admins, whose 1 active member(s) all use MFA'],
      ['okta.system-log/g2', 'fail', 'Super administrator granted by boss@example.com on 2026-05-01 11:00 UTC to group Ops, whose members cy@example.com have no second factor'],
      ['okta.system-log/g3', 'fail', 'Super administrator granted by boss@example.com on 2026-05-01 12:00 UTC to who@example.com, which is not among the collected Okta users and groups, so its MFA cannot be shown'],
    ]);
  });

  it('has no results when no grant happened in the lookback', async () => {
    await s.log([grant('g-old', '2026-01-01T10:00:00.000Z', { id: 'ana', type: 'User' })]);
    expect(await s.run(adminGrantEvents, NOW)).toEqual([]);
    expect(await s.run(adminGrantEvents, NOW, { lookbackDays: 180 })).toHaveLength(1);
  });
});
