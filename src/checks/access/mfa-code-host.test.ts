import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createCheckStore } from '../change/test-store.ts';
import { mfaCodeHost } from './mfa-code-host.ts';

const now = new Date('2026-03-01T00:00:00Z');
const member = (login: string, role: 'admin' | 'member', twoFactorEnabled: boolean | null) => ({ login, id: login.length, role, twoFactorEnabled, email: `${login}@acme.example`, siteAdmin: false });

describe('access.mfa-code-host', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  it('passes members and outside collaborators with two-factor, fails those without, an owner critically', async () => {
    const store = await createCheckStore(db);
    await store.put('members', member('alice', 'admin', true));
    await store.put('members', member('bob', 'member', false));
    await store.put('members', member('root', 'admin', false));
    await store.put('outside-collaborators', { login: 'vendor', id: 9, twoFactorEnabled: false });
    await store.put('outside-collaborators', { login: 'agency', id: 10, twoFactorEnabled: true });
    const results = await store.evaluate(mfaCodeHost, now);
    expect(results.map((r) => [r.resource, r.status, r.reason, r.status === 'fail' ? (r.severity ?? 'default') : null])).toEqual([
      ['github.members/alice', 'pass', 'alice (organization owner) has two-factor authentication on', null],
      ['github.members/bob', 'fail', 'bob (member) has no two-factor authentication: their password alone can push and approve code', 'default'],
      ['github.members/root', 'fail', 'root (organization owner) has no two-factor authentication: their password alone can push and approve code', 'critical'],
      ['github.outside-collaborators/agency', 'pass', 'agency (outside collaborator) has two-factor authentication on', null],
      ['github.outside-collaborators/vendor', 'fail', 'vendor (outside collaborator) has no two-factor authentication: their password alone can push and approve code', 'default'],
    ]);
    const bob = results[1]!;
    expect(bob.status === 'fail' && bob.remediation).toContain('Ask bob to enable two-factor authentication');
    expect(bob.evidence).toEqual(['ev_github.members_bob']);
  });

  it('refuses to judge, never passes, when GitHub did not say who has two-factor', async () => {
    const store = await createCheckStore(db);
    await store.put('members', member('alice', 'admin', null));
    await store.put('members', member('bob', 'member', null));
    await expect(store.evaluate(mfaCodeHost, now)).rejects.toThrow(
      "GitHub did not say whether 2 account(s) use two-factor authentication (e.g. alice, bob): only organization owners may read it. Give the GitHub source an owner's token",
    );
  });

  it('has nothing to judge in an organization without members', async () => {
    const store = await createCheckStore(db);
    expect(await store.evaluate(mfaCodeHost, now)).toEqual([]);
  });
});
