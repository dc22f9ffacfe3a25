/**
 * Sign-in with OpenID Connect against a real provider on a loopback port: the browser's round trip
 * (start → provider → callback) made request by request, and every kind of bad answer a client must
 * refuse — a foreign signature, `alg: none`, another audience, an expired token, a replayed nonce, a
 * state from another browser, an unverified email.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../../db/testing.ts';
import { createTestServer, PASSWORD, type TestServer } from '../testing.ts';
import { startTestIdp, type Misbehaviour, type TestIdp } from './oidc.testing.ts';

let idp: TestIdp;
let t: TestServer;

const cookiesOf = (res: Response) =>
  Object.fromEntries(
    res.headers.getSetCookie().map((line) => {
      const pair = line.split(';')[0]!;
      const i = pair.indexOf('=');
      return [pair.slice(0, i), pair.slice(i + 1)];
    }),
  );

/** The browser's round trip; returns the callback's answer. */
async function signIn(options: { returnTo?: string; stateFrom?: 'other-browser'; dropCookie?: boolean } = {}) {
  const start = await t.request('GET', `/api/v1/auth/oidc/start${options.returnTo ? `?returnTo=${encodeURIComponent(options.returnTo)}` : ''}`);
  expect(start.status).toBe(302);
  const pending = cookiesOf(start).vigil_oidc!;
  const toProvider = new URL(start.headers.get('location')!);
  const atProvider = await fetch(toProvider, { redirect: 'manual' });
  expect(atProvider.status).toBe(302);
  const back = new URL(atProvider.headers.get('location')!);
  let cookie = `vigil_oidc=${pending}`;
  if (options.stateFrom === 'other-browser') {
    const other = await t.request('GET', '/api/v1/auth/oidc/start');
    cookie = `vigil_oidc=${cookiesOf(other).vigil_oidc}`;
  }
  return t.request('GET', `${back.pathname}${back.search}`, { headers: options.dropCookie ? {} : { cookie } });
}

const errorOf = (res: Response) => {
  expect(res.status).toBe(302);
  const loc = new URL(res.headers.get('location')!, 'http://vigil.test');
  expect(loc.pathname).toBe('/');
  return loc.searchParams.get('signInError') ?? '';
};

async function sessionOf(res: Response) {
  const c = cookiesOf(res);
  const r = await t.request('GET', '/api/v1/auth/session', { headers: { cookie: `vigil_session=${c.vigil_session}` } });
  return (await r.json()) as { user: { email: string; role: string } | null; oidc: { label: string } | null };
}

beforeAll(async () => {
  const clock = { now: () => new Date('2026-03-02T09:00:00.000Z') };
  idp = await startTestIdp({ now: clock.now });
  t = await createTestServer({
    config: {
      server: {
        oidc: {
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          label: 'Acme SSO',
          createUsers: 'viewer',
          allowedDomains: ['acme.example'],
        },
      },
    },
  });
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
});
afterEach(() => {
  idp.misbehave = 'none';
  idp.person = { sub: '00u1', email: 'member@example.com', email_verified: true, name: 'Member' };
});

describe(`sign-in with OpenID Connect (${testDbKind()})`, () => {
  it('offers the provider on the sign-in page, and sends the browser there with PKCE, state and nonce', async () => {
    const s = (await (await t.request('GET', '/api/v1/auth/session')).json()) as { oidc: { label: string; startUrl: string } };
    expect(s.oidc).toEqual({ label: 'Acme SSO', startUrl: '/api/v1/auth/oidc/start' });
    const start = await t.request('GET', '/api/v1/auth/oidc/start');
    const to = new URL(start.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${idp.issuer}/authorize`);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: idp.clientId,
      redirect_uri: 'http://localhost/api/v1/auth/oidc/callback',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(to.searchParams.get('state')!.length).toBeGreaterThan(20);
    expect(to.searchParams.get('nonce')!.length).toBeGreaterThan(20);
    const set = start.headers.getSetCookie().find((c) => c.startsWith('vigil_oidc='))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/Path=\/api\/v1\/auth\/oidc/);
    expect(set).toMatch(/Max-Age=600/);
  });

  it('signs in the person with a Vigil account under the verified email, back to the page they came from, and records it', async () => {
    idp.person = { sub: '00u9', email: 'Member@Example.com', email_verified: true, name: 'Member' };
    const res = await signIn({ returnTo: '/findings?severity=high' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/findings?severity=high');
    const s = await sessionOf(res);
    expect(s.user).toMatchObject({ email: 'member@example.com', role: 'member' });
    const actions = await t.app.evidence.log.list(t.app.workspace.id, { kind: 'user.action', includeContent: true, limit: 5000 });
    const contents = actions.map((a) => JSON.parse(a.content ?? 'null') as { action: string });
    const signIns = contents.filter((c) => c.action === 'auth.sign_in');
    expect(signIns.at(-1)).toMatchObject({ actor: { email: 'member@example.com' }, details: { method: 'oidc', issuer: idp.issuer, accountCreated: false } });
    // The client secret went to the provider only, never into evidence.
    expect(JSON.stringify(contents)).not.toContain(idp.clientSecret);
  });

  it('creates an account with the configured role only for the allowed email domains', async () => {
    idp.person = { sub: '00u2', email: 'new.hire@acme.example', email_verified: true, name: 'New Hire' };
    const res = await signIn();
    expect((await sessionOf(res)).user).toMatchObject({ email: 'new.hire@acme.example', role: 'viewer' });

    idp.person = { sub: '00u3', email: 'stranger@elsewhere.example', email_verified: true };
    expect(errorOf(await signIn())).toContain('there is no Vigil account for stranger@elsewhere.example');
  });

  it('refuses a disabled account and an email the provider did not verify', async () => {
    const viewer = t.users.viewer;
    await t.app.db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [viewer.id]);
    idp.person = { sub: '00u4', email: viewer.email, email_verified: true };
    expect(errorOf(await signIn())).toContain('this account is disabled');
    await t.app.db.query('UPDATE users SET disabled_at = NULL WHERE id = $1', [viewer.id]);

    idp.person = { sub: '00u5', email: viewer.email, email_verified: false };
    expect(errorOf(await signIn())).toContain(`does not say it verified ${viewer.email}`);
  });

  const bad: [Misbehaviour, string][] = [
    ['foreign-key', 'signature does not verify'],
    ['alg-none', 'signed with none, which Vigil does not accept'],
    ['wrong-audience', 'meant for another client'],
    ['expired', 'has expired'],
    ['wrong-nonce', "does not carry this sign-in's nonce"],
    ['wrong-issuer', 'issued by https://impostor.example.com'],
  ];
  for (const [misbehaviour, reason] of bad) {
    it(`refuses an ID token from a provider that misbehaves: ${misbehaviour}`, async () => {
      idp.misbehave = misbehaviour;
      const res = await signIn();
      expect(errorOf(res)).toContain(reason);
      expect(cookiesOf(res).vigil_session).toBeUndefined();
    });
  }

  it('refuses a callback whose state belongs to another browser, or that has no sign-in in progress', async () => {
    expect(errorOf(await signIn({ stateFrom: 'other-browser' }))).toContain('the state does not match');
    expect(errorOf(await signIn({ dropCookie: true }))).toContain('was not started here');
  });

  it('follows the provider when it rotates its signing key', async () => {
    await signIn(); // the first key is cached
    idp.rotateKey();
    const res = await signIn();
    expect((await sessionOf(res)).user?.email).toBe('member@example.com');
  });

  it('never sends the browser to another site after signing in', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const res = await signIn({ returnTo });
      expect(res.headers.get('location')).toBe('/');
    }
  });

  it('answers 404 with the setting to add when OpenID Connect is not configured', async () => {
    const plain = await createTestServer({ withUsers: false });
    try {
      const res = await plain.request('GET', '/api/v1/auth/oidc/start');
      expect(res.status).toBe(404);
      expect(((await res.json()) as { hint: string }).hint).toContain('server.oidc');
      expect(((await (await plain.request('GET', '/api/v1/auth/session')).json()) as { oidc: unknown }).oidc).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it('leaves password sign-in working beside it', async () => {
    const res = await t.request('POST', '/api/v1/auth/sign-in', { body: { email: 'auditor@example.com', password: PASSWORD } });
    expect(res.status).toBe(200);
  });
});
