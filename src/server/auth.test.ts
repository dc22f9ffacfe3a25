/**
 * The dashboard's sign-in flow over HTTP, from a fresh install: the one-time setup link, the first
 * admin, cookies (HttpOnly, SameSite=Lax, Secure behind an https publicUrl), CSRF, inviting people,
 * API tokens, rate limiting, and the user.action record every change leaves — never with a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, PASSWORD, type Credential, type TestServer } from './testing.ts';

let t: TestServer;

beforeAll(async () => {
  t = await createTestServer({ withUsers: false, publicUrl: 'https://vigil.example.com' });
});
afterAll(async () => {
  await t?.close();
});

function cookies(res: Response): Map<string, string> {
  return new Map(res.headers.getSetCookie().map((c) => [c.slice(0, c.indexOf('=')), c]));
}
const valueOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';'));
const sessionOf = (res: Response): Credential => {
  const c = cookies(res);
  return { kind: 'session', cookie: valueOf(c.get('vigil_session')!), csrf: valueOf(c.get('vigil_csrf')!) };
};
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

async function userActions(): Promise<{ action: string; actor: { email: string } | null; via: string; details: unknown }[]> {
  const rows = await t.app.db.query<{ content: string }>(`SELECT content FROM evidence_records WHERE workspace_id = $1 AND kind = 'user.action' ORDER BY leaf_index`, [t.app.workspace.id]);
  return rows.map((r) => JSON.parse(r.content) as never);
}

describe('first start to a working team', () => {
  let admin: Credential;

  it('waits for setup, and creates the first admin at the one-time link with secure cookies', async () => {
    expect(await json(await t.request('GET', '/api/v1/auth/session'))).toMatchObject({ setupRequired: true, user: null });
    const link = await t.server.context.accounts.createSetupLink();
    const inspected = await t.request('POST', '/api/v1/auth/links/inspect', { body: { token: link.token } });
    expect(await json(inspected)).toMatchObject({ purpose: 'setup', email: null });

    const res = await t.request('POST', '/api/v1/auth/setup', { body: { token: link.token, email: 'Lead@Example.com', name: 'Lead', password: PASSWORD } });
    expect(res.status).toBe(200);
    const body = await json<{ user: { email: string; role: string }; csrfToken: string }>(res);
    expect(body.user).toMatchObject({ email: 'lead@example.com', role: 'admin' });
    const set = cookies(res);
    expect(set.get('vigil_session')).toMatch(/HttpOnly/);
    expect(set.get('vigil_session')).toMatch(/SameSite=Lax/);
    expect(set.get('vigil_session')).toMatch(/Secure/); // publicUrl is https
    expect(set.get('vigil_csrf')).not.toMatch(/HttpOnly/); // the dashboard reads it
    expect(valueOf(set.get('vigil_csrf')!)).toBe(body.csrfToken);
    admin = sessionOf(res);

    const again = await t.request('POST', '/api/v1/auth/setup', { body: { token: link.token, email: 'eve@example.com', password: PASSWORD } });
    expect(again.status).toBe(401);
    expect(await json(await t.request('GET', '/api/v1/auth/session', { as: admin }))).toMatchObject({
      setupRequired: false,
      user: { email: 'lead@example.com', role: 'admin' },
      via: 'session',
      permissions: ['read', 'read:operations', 'account', 'findings:work', 'evidence:add', 'audit:read', 'admin'],
    });
  });

  it('invites a member who sets a password at their link and is signed in', async () => {
    const created = await t.request('POST', '/api/v1/users', { as: admin, body: { email: 'dev@example.com', name: 'Dev', role: 'member' } });
    expect(created.status).toBe(201);
    const { user, invite } = await json<{ user: { id: string; hasPassword: boolean }; invite: { url: string; token: string } }>(created);
    expect(user.hasPassword).toBe(false);
    expect(invite.url).toBe(`https://vigil.example.com/invite#token=${invite.token}`);
    const accepted = await t.request('POST', '/api/v1/auth/invitations/accept', { body: { token: invite.token, password: PASSWORD } });
    expect(accepted.status).toBe(200);
    const member = sessionOf(accepted);
    expect(await json(await t.request('GET', '/api/v1/auth/session', { as: member }))).toMatchObject({ user: { email: 'dev@example.com', role: 'member', hasPassword: true } });
    // A member may not manage users.
    expect((await t.request('POST', '/api/v1/users', { as: member, body: { email: 'x@example.com', role: 'admin' } })).status).toBe(403);
  });

  it('signs out: the cookie stops working and is cleared', async () => {
    const res = await t.request('POST', '/api/v1/auth/sign-in', { body: { email: 'dev@example.com', password: PASSWORD } });
    const s = sessionOf(res);
    const out = await t.request('POST', '/api/v1/auth/sign-out', { as: s });
    expect(out.status).toBe(200);
    expect(cookies(out).get('vigil_session')).toMatch(/Max-Age=0/);
    expect(await json(await t.request('GET', '/api/v1/auth/session', { as: s }))).toMatchObject({ user: null });
    expect((await t.request('GET', '/api/v1/findings', { as: s })).status).toBe(401);
  });

  it('issues an API token once, which then works as a bearer token until revoked', async () => {
    const created = await t.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'CI gate', scope: 'read', expiresAt: '2026-06-01' } });
    expect(created.status).toBe(201);
    const { token, record } = await json<{ token: string; record: { id: string; prefix: string; expiresAt: string } }>(created);
    expect(record).toMatchObject({ prefix: token.slice(0, 12), expiresAt: '2026-06-01T00:00:00.000Z' });
    const list = await json<Record<string, unknown>[]>(await t.request('GET', '/api/v1/tokens', { as: admin }));
    expect(JSON.stringify(list)).not.toContain(token);
    const bearer: Credential = { kind: 'token', token };
    expect((await t.request('GET', '/api/v1/findings', { as: bearer })).status).toBe(200);
    expect(await json(await t.request('GET', '/api/v1/auth/session', { as: bearer }))).toMatchObject({ via: 'token' });
    expect((await t.request('DELETE', `/api/v1/tokens/${record.id}`, { as: admin })).status).toBe(200);
    const after = await t.request('GET', '/api/v1/findings', { as: bearer });
    expect(after.status).toBe(401);
    expect(await json(after)).toMatchObject({ error: 'AuthFailed' });
  });

  it('rate limits sign-in with 429 and Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await t.request('POST', '/api/v1/auth/sign-in', { body: { email: 'lead@example.com', password: `wrong password ${i}` } });
      expect(res.status).toBe(401);
    }
    const limited = await t.request('POST', '/api/v1/auth/sign-in', { body: { email: 'lead@example.com', password: PASSWORD } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(900);
    expect(await json(limited)).toMatchObject({ error: 'RateLimited' });
  });

  it('rejects a malformed request with the field that is wrong', async () => {
    const res = await t.request('GET', '/api/v1/findings?status=open,closed', { as: admin });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ error: 'InvalidInput', where: 'query.status.1' });
    const bad = await t.request('POST', '/api/v1/users', { as: admin, body: { email: 'x@example.com', role: 'owner' } });
    expect(await json(bad)).toMatchObject({ error: 'InvalidInput', where: 'body.role' });
  });

  it('records every change as a user.action with who, what and how, and never a password or token', async () => {
    const actions = await userActions();
    expect(actions.map((a) => a.action)).toEqual(['auth.setup', 'user.create', 'auth.accept_invitation', 'auth.sign_in', 'auth.sign_out', 'token.create', 'token.revoke']);
    expect(actions[0]).toMatchObject({ actor: { email: 'lead@example.com' }, via: 'link' });
    expect(actions[1]).toMatchObject({ actor: { email: 'lead@example.com' }, via: 'session', details: { email: 'dev@example.com', role: 'member' } });
    const all = JSON.stringify(await t.app.db.query(`SELECT content FROM evidence_records WHERE workspace_id = $1`, [t.app.workspace.id]));
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('vgl_');
  });
});
