import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../db/testing.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { fixedClock, HOUR_MS, DAY_MS } from '../lib/clock.ts';
import { isVigilError } from '../lib/errors.ts';
import { createAccountService, hashPassword, verifyPassword, limits, type AccountService } from './accounts.ts';
import { createAuditPeriodService } from './audit-periods.ts';

// Cheap scrypt for the many sign-ins below; the default cost is tested once on its own.
const fast = { scrypt: { log2N: 10, r: 8, p: 1 } };
const PASSWORD = 'correct horse battery staple';

let db: TestDb;
const clock = fixedClock('2026-03-02T09:00:00.000Z');
let wsA: string;
let wsB: string;

beforeAll(async () => {
  db = await createTestDb();
  wsA = (await createWorkspaceRepo(db.orm).ensure('a', 'A')).id;
  wsB = (await createWorkspaceRepo(db.orm).ensure('b', 'B')).id;
});
afterAll(async () => {
  await db.close();
});

async function rejects(p: Promise<unknown>, tag: string, message?: RegExp) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isVigilError(e) ? e._tag : e).toBe(tag);
  if (message) expect((e as Error).message).toMatch(message);
  return e as Error & { details?: Record<string, unknown> };
}

/** A fresh workspace per test group, so rate limits and admins do not leak between tests. */
async function freshAccounts(): Promise<AccountService> {
  const ws = await createWorkspaceRepo(db.orm).ensure(`w${Math.random().toString(36).slice(2, 8)}`, 'W');
  return createAccountService({ db, clock }, ws.id, fast);
}

async function withAdmin(): Promise<AccountService> {
  const acc = await freshAccounts();
  const link = await acc.createSetupLink();
  await acc.completeSetup(link.token, { email: 'Admin@Example.com', name: 'Ada', password: PASSWORD });
  return acc;
}

describe('passwords', () => {
  it('stores scrypt hashes with their parameters, never the password, and verifies only the right one', async () => {
    const h = await hashPassword(PASSWORD);
    expect(h).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(h).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, h)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, h)).toBe(false);
    expect(await hashPassword(PASSWORD)).not.toBe(h); // salted
  });
});

describe('first admin through the one-time setup link', () => {
  it('needs setup until an admin sets a password, then refuses another setup', async () => {
    const acc = await freshAccounts();
    expect(await acc.needsSetup()).toBe(true);
    const link = await acc.createSetupLink();
    expect(link.expiresAt.getTime() - clock.now().getTime()).toBe(24 * HOUR_MS);
    const admin = await acc.completeSetup(link.token, { email: ' Admin@Example.com ', name: 'Ada', password: PASSWORD });
    expect(admin).toMatchObject({ email: 'admin@example.com', role: 'admin', hasPassword: true });
    expect(admin).not.toHaveProperty('passwordHash');
    expect(await acc.needsSetup()).toBe(false);
    await rejects(acc.completeSetup(link.token, { email: 'eve@example.com', name: 'Eve', password: PASSWORD }), 'AuthFailed', /used, replaced or has expired/);
    await rejects(acc.createSetupLink(), 'Conflict');
    const rows = await db.query<{ token_hash: string }>('SELECT token_hash FROM account_links WHERE workspace_id = $1', [acc.workspaceId]);
    expect(rows.every((r) => r.token_hash !== link.token && /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it('honours only the newest link, and only for 24 hours', async () => {
    const acc = await freshAccounts();
    const first = await acc.createSetupLink();
    const second = await acc.createSetupLink();
    await rejects(acc.completeSetup(first.token, { email: 'a@example.com', name: 'A', password: PASSWORD }), 'AuthFailed');
    clock.advance(24 * HOUR_MS + 1);
    try {
      await rejects(acc.completeSetup(second.token, { email: 'a@example.com', name: 'A', password: PASSWORD }), 'AuthFailed', /expired/);
    } finally {
      clock.set('2026-03-02T09:00:00.000Z');
    }
  });

  it('refuses a short password before using the link', async () => {
    const acc = await freshAccounts();
    const link = await acc.createSetupLink();
    await rejects(acc.completeSetup(link.token, { email: 'a@example.com', name: 'A', password: 'short' }), 'InvalidInput', /12 to 256/);
    await acc.completeSetup(link.token, { email: 'a@example.com', name: 'A', password: PASSWORD });
  });
});

describe('sign-in and sessions', () => {
  it('opens a session whose cookie and CSRF tokens are stored only as hashes', async () => {
    const acc = await withAdmin();
    const s = await acc.signIn({ email: 'ADMIN@example.com', password: PASSWORD, ip: '10.0.0.1' });
    expect(s.user.email).toBe('admin@example.com');
    const found = await acc.authenticateSession(s.token);
    expect(found?.user.id).toBe(s.user.id);
    expect(acc.csrfMatches(found!.session, s.csrfToken)).toBe(true);
    expect(acc.csrfMatches(found!.session, `${s.csrfToken}x`)).toBe(false);
    const [row] = await db.query<Record<string, string>>('SELECT * FROM sessions WHERE id = $1', [s.session.id]);
    expect(JSON.stringify(row)).not.toContain(s.token);
    expect(JSON.stringify(row)).not.toContain(s.csrfToken);
    await acc.signOut(s.session.id);
    expect(await acc.authenticateSession(s.token)).toBeUndefined();
  });

  it('gives one answer for a wrong password and an unknown email', async () => {
    const acc = await withAdmin();
    const a = await rejects(acc.signIn({ email: 'admin@example.com', password: 'wrong password!!', ip: '10.0.0.2' }), 'AuthFailed');
    const b = await rejects(acc.signIn({ email: 'nobody@example.com', password: PASSWORD, ip: '10.0.0.2' }), 'AuthFailed');
    expect(a.message).toBe(b.message);
  });

  it('ends a session after a day without use and after seven days in all', async () => {
    const acc = await withAdmin();
    const s = await acc.signIn({ email: 'admin@example.com', password: PASSWORD, ip: '10.0.0.3' });
    try {
      clock.advance(DAY_MS - 60_000);
      expect(await acc.authenticateSession(s.token)).toBeDefined(); // touches last_seen
      clock.advance(DAY_MS - 60_000);
      expect(await acc.authenticateSession(s.token)).toBeDefined();
      clock.advance(DAY_MS + 1);
      expect(await acc.authenticateSession(s.token)).toBeUndefined();
      const t = await acc.signIn({ email: 'admin@example.com', password: PASSWORD, ip: '10.0.0.3' });
      for (let i = 1; i < 14; i++) {
        clock.advance(12 * HOUR_MS);
        expect(await acc.authenticateSession(t.token), `after ${i * 12} h`).toBeDefined();
      }
      clock.advance(12 * HOUR_MS);
      expect(await acc.authenticateSession(t.token)).toBeUndefined();
    } finally {
      clock.set('2026-03-02T09:00:00.000Z');
    }
  });

  it('locks an account after five failures for fifteen minutes, even for the right password', async () => {
    const acc = await withAdmin();
    for (let i = 0; i < limits.perAccount; i++) {
      await rejects(acc.signIn({ email: 'admin@example.com', password: `wrong-${i}-password`, ip: `10.1.0.${i}` }), 'AuthFailed');
    }
    const e = await rejects(acc.signIn({ email: 'admin@example.com', password: PASSWORD, ip: '10.1.1.1' }), 'RateLimited', /for this account/);
    expect(e.details?.retryAfterSeconds).toBe(15 * 60);
    try {
      clock.advance(15 * 60_000);
      await acc.signIn({ email: 'admin@example.com', password: PASSWORD, ip: '10.1.1.1' });
    } finally {
      clock.set('2026-03-02T09:00:00.000Z');
    }
  });

  it('limits failures per address across accounts, leaving other addresses alone', async () => {
    const acc = await withAdmin();
    for (let i = 0; i < limits.perAddress; i++) {
      await rejects(acc.signIn({ email: `guess${i}@example.com`, password: 'not the password', ip: '10.2.0.1' }), 'AuthFailed');
    }
    await rejects(acc.signIn({ email: 'admin@example.com', password: PASSWORD, ip: '10.2.0.1' }), 'RateLimited', /from this address/);
    await acc.signIn({ email: 'admin@example.com', password: PASSWORD, ip: '10.2.0.2' });
  });

  it('turns a disabled user away and ends their sessions', async () => {
    const acc = await withAdmin();
    const { user, invite } = await acc.create({ email: 'mel@example.com', role: 'member' }, 'test');
    await acc.acceptInvite(invite.token, { password: PASSWORD, name: 'Mel' });
    const s = await acc.signIn({ email: 'mel@example.com', password: PASSWORD, ip: '10.3.0.1' });
    await acc.update(user.id, { disabled: true });
    expect(await acc.authenticateSession(s.token)).toBeUndefined();
    await rejects(acc.signIn({ email: 'mel@example.com', password: PASSWORD, ip: '10.3.0.1' }), 'AuthFailed', /disabled/);
  });
});

describe('users and invitations', () => {
  it('lets an invited user choose a password once, through the newest link only', async () => {
    const acc = await withAdmin();
    const { user, invite } = await acc.create({ email: 'Vic@Example.com', role: 'viewer' }, 'test');
    expect(user).toMatchObject({ email: 'vic@example.com', role: 'viewer', hasPassword: false });
    await rejects(acc.signIn({ email: 'vic@example.com', password: PASSWORD, ip: '10.4.0.1' }), 'AuthFailed');
    expect(await acc.inspectLink(invite.token)).toMatchObject({ purpose: 'invite', email: 'vic@example.com' });
    const again = await acc.invite(user.id, 'test');
    await rejects(acc.acceptInvite(invite.token, { password: PASSWORD }), 'AuthFailed');
    const accepted = await acc.acceptInvite(again.invite.token, { password: PASSWORD, name: 'Vic' });
    expect(accepted).toMatchObject({ name: 'Vic', hasPassword: true });
    await acc.signIn({ email: 'vic@example.com', password: PASSWORD, ip: '10.4.0.1' });
    await rejects(acc.acceptInvite(again.invite.token, { password: PASSWORD }), 'AuthFailed');
    await rejects(acc.create({ email: 'vic@example.com', role: 'admin' }, 'test'), 'Conflict');
  });

  it('never demotes or disables the last admin', async () => {
    const acc = await withAdmin();
    const admin = (await acc.byEmail('admin@example.com'))!;
    await rejects(acc.update(admin.id, { role: 'viewer' }), 'Conflict', /last admin/);
    await rejects(acc.update(admin.id, { disabled: true }), 'Conflict', /last admin/);
    const { user } = await acc.create({ email: 'second@example.com', role: 'admin' }, 'test');
    expect((await acc.update(admin.id, { role: 'viewer' })).role).toBe('viewer');
    await rejects(acc.update(user.id, { disabled: true }), 'Conflict');
  });

  it('changes a password only with the current one and signs out other sessions', async () => {
    const acc = await withAdmin();
    const a = await acc.signIn({ email: 'admin@example.com', password: PASSWORD, ip: '10.5.0.1' });
    const b = await acc.signIn({ email: 'admin@example.com', password: PASSWORD, ip: '10.5.0.2' });
    await rejects(acc.changePassword(a.user.id, 'not it at all', 'another long passphrase'), 'AuthFailed');
    await acc.changePassword(a.user.id, PASSWORD, 'another long passphrase', a.session.id);
    expect(await acc.authenticateSession(a.token)).toBeDefined();
    expect(await acc.authenticateSession(b.token)).toBeUndefined();
    await acc.signIn({ email: 'admin@example.com', password: 'another long passphrase', ip: '10.5.0.1' });
  });
});

describe('API tokens', () => {
  it('shows a token once, stores its SHA-256, and stops it when revoked or expired', async () => {
    const acc = await withAdmin();
    const admin = (await acc.byEmail('admin@example.com'))!;
    const { token, record } = await acc.createToken(admin.id, { name: 'ci', scope: 'write' });
    expect(token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
    expect(record.prefix).toBe(token.slice(0, 12));
    const [row] = await db.query<Record<string, string>>('SELECT * FROM api_tokens WHERE id = $1', [record.id]);
    expect(JSON.stringify(row)).not.toContain(token.slice(12));
    expect((await acc.authenticateToken(token))?.user.id).toBe(admin.id);
    expect(await acc.authenticateToken(`${token}x`)).toBeUndefined();
    await acc.revokeToken(record.id, admin.id);
    expect(await acc.authenticateToken(token)).toBeUndefined();

    const short = await acc.createToken(admin.id, { name: 'short', scope: 'read', expiresAt: new Date(clock.now().getTime() + HOUR_MS) });
    expect(await acc.authenticateToken(short.token)).toBeDefined();
    try {
      clock.advance(HOUR_MS);
      expect(await acc.authenticateToken(short.token)).toBeUndefined();
    } finally {
      clock.set('2026-03-02T09:00:00.000Z');
    }
  });

  it('gives read-only roles read tokens only, and lets users revoke only their own', async () => {
    const acc = await withAdmin();
    const admin = (await acc.byEmail('admin@example.com'))!;
    const { user: viewer } = await acc.create({ email: 'v@example.com', role: 'viewer' }, 'test');
    await rejects(acc.createToken(viewer.id, { name: 'x', scope: 'write' }), 'PermissionDenied');
    const t = await acc.createToken(admin.id, { name: 'mine', scope: 'read' });
    await rejects(acc.revokeToken(t.record.id, viewer.id), 'NotFound');
  });

  it('does not accept one workspace’s token or session in another', async () => {
    const a = createAccountService({ db, clock }, wsA, fast);
    const b = createAccountService({ db, clock }, wsB, fast);
    const link = await a.createSetupLink();
    const admin = await a.completeSetup(link.token, { email: 'x@example.com', name: 'X', password: PASSWORD });
    const { token } = await a.createToken(admin.id, { name: 't', scope: 'read' });
    const s = await a.signIn({ email: 'x@example.com', password: PASSWORD, ip: '10.6.0.1' });
    expect(await b.authenticateToken(token)).toBeUndefined();
    expect(await b.authenticateSession(s.token)).toBeUndefined();
    await rejects(b.signIn({ email: 'x@example.com', password: PASSWORD, ip: '10.6.0.1' }), 'AuthFailed');
  });
});

describe('audit periods', () => {
  it('invites only auditors and tells each auditor their windows', async () => {
    const acc = await withAdmin();
    const periods = createAuditPeriodService({ db, clock }, acc.workspaceId);
    const { user: aud } = await acc.create({ email: 'cpa@example.com', role: 'auditor' }, 'test');
    const { user: mem } = await acc.create({ email: 'mem@example.com', role: 'member' }, 'test');
    const window = { startsAt: new Date('2026-01-01T00:00:00Z'), endsAt: new Date('2026-07-01T00:00:00Z') };
    await rejects(periods.create({ name: 'H1', ...window, auditorIds: [mem.id] }, 'test'), 'InvalidInput', /not an auditor/);
    await rejects(periods.create({ name: 'bad', startsAt: window.endsAt, endsAt: window.startsAt, auditorIds: [] }, 'test'), 'InvalidInput');
    const p = await periods.create({ name: 'H1', ...window, auditorIds: [aud.id] }, 'test');
    expect(p.auditors.map((x) => x.email)).toEqual(['cpa@example.com']);
    await periods.create({ name: 'H2', startsAt: window.endsAt, endsAt: new Date('2027-01-01T00:00:00Z'), auditorIds: [] }, 'test');
    expect((await periods.windowsOf(aud.id)).map((w) => w.id)).toEqual([p.id]);
    expect((await periods.list({ auditorId: aud.id })).map((x) => x.name)).toEqual(['H1']);
    expect((await periods.list()).map((x) => x.name)).toEqual(['H2', 'H1']);
    await periods.setAuditors(p.id, [], 'test');
    expect(await periods.windowsOf(aud.id)).toEqual([]);
  });
});
