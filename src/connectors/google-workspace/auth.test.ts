import { generateKeyPairSync, verify } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../lib/errors.ts';
import { createRunContext, readResource } from '../sdk/index.ts';
import { createTestTime, startFixtureServer, type FixtureReply, type FixtureRoute, type RecordedRequest } from '../sdk/testing/index.ts';
import { fixturesDir, googleError, usersQuery, USERS } from './__fixtures__/routes.ts';
import { SCOPES, serviceAccountAuth } from './auth.ts';
import { googleWorkspace } from './index.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const CLIENT = 'vigil-reader@acme-prod.iam.gserviceaccount.com';
const ADMIN = 'it-admin@acme.example';

const tokenReply = (token: string): FixtureReply => ({ body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } });
const usersOk: FixtureRoute = { path: USERS, query: usersQuery, reply: { fixture: 'users.page2.json' }, repeat: true };

async function withServer(serverRoutes: FixtureRoute[], run: (ctx: ReturnType<typeof contextFor>, requests: () => readonly RecordedRequest[], url: string) => Promise<void>, key = PEM) {
  const server = await startFixtureServer(serverRoutes, { fixturesDir });
  try {
    await run(contextFor(server.url, key), () => server.requests, server.url);
    server.assertNoUnexpected();
  } finally {
    await server.close();
  }
}

function contextFor(baseUrl: string, key: string) {
  const time = createTestTime('2026-01-01T00:00:00.000Z');
  const config = { baseUrl, clientEmail: CLIENT, privateKey: key, subject: ADMIN, tokenUrl: `${baseUrl}/token` };
  return createRunContext({ connector: googleWorkspace, config, clock: time.clock, sleep: time.sleep });
}

const tokenRequests = (requests: readonly RecordedRequest[]) => requests.filter((r) => r.path === '/token');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('google-workspace service-account auth', () => {
  it('exchanges an RS256 JWT, verifiable with the service account’s public key, for the access token it then sends', async () => {
    const routes: FixtureRoute[] = [{ method: 'POST', path: '/token', reply: tokenReply('ya29.first') }, usersOk];
    await withServer(routes, async (ctx, requests, url) => {
      const before = Math.floor(Date.now() / 1000);
      await readResource(ctx, googleWorkspace.resources[0]!, () => {});
      const [exchange] = tokenRequests(requests());
      expect(exchange!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      const form = new URLSearchParams(exchange!.body);
      expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      const [header, claims, signature] = form.get('assertion')!.split('.');
      expect(verify('sha256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature!, 'base64url'))).toBe(true);
      expect(decode(header!)).toEqual({ alg: 'RS256', typ: 'JWT' });
      const c = decode(claims!);
      expect(c).toMatchObject({ iss: CLIENT, sub: ADMIN, aud: `${url}/token`, scope: SCOPES.join(' ') });
      expect(c.iat).toBeGreaterThanOrEqual(before);
      expect(c.iat).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
      expect((c.exp as number) - (c.iat as number)).toBe(3600);
      expect(requests().find((r) => r.path === USERS)!.headers.authorization).toBe('Bearer ya29.first');
    });
  });

  it('keeps the access token for later requests instead of asking again', async () => {
    const routes: FixtureRoute[] = [{ method: 'POST', path: '/token', reply: tokenReply('ya29.kept') }, usersOk];
    await withServer(routes, async (ctx, requests) => {
      await readResource(ctx, googleWorkspace.resources[0]!, () => {});
      await readResource(ctx, googleWorkspace.resources[0]!, () => {});
      expect(tokenRequests(requests())).toHaveLength(1);
      expect(requests().filter((r) => r.path === USERS).map((r) => r.headers.authorization)).toEqual(['Bearer ya29.kept', 'Bearer ya29.kept']);
    });
  });

  it('asks for a new token once the old one is within a minute of expiring', async () => {
    const routes: FixtureRoute[] = [{ method: 'POST', path: '/token', reply: [tokenReply('ya29.one'), tokenReply('ya29.two')] }];
    const server = await startFixtureServer(routes);
    try {
      let now = Date.parse('2026-01-01T00:00:00Z');
      const auth = serviceAccountAuth({ clientEmail: CLIENT, privateKey: PEM, subject: ADMIN, tokenUrl: `${server.url}/token` }, { now: () => now });
      expect(await auth.headers()).toEqual({ authorization: 'Bearer ya29.one' });
      now += 3538_000;
      expect(await auth.headers()).toEqual({ authorization: 'Bearer ya29.one' });
      now += 2_000;
      expect(await auth.headers()).toEqual({ authorization: 'Bearer ya29.two' });
      expect(auth.secrets()).toContain('ya29.two');
      expect(auth.secrets()).toContain(PEM);
      const claims = decode(new URLSearchParams(server.requests[1]!.body).get('assertion')!.split('.')[1]!);
      expect(claims.iat).toBe(Math.floor(now / 1000));
      server.assertNoUnexpected();
    } finally {
      await server.close();
    }
  });

  it('fetches a new token when the API answers 401, and retries the request with it', async () => {
    const routes: FixtureRoute[] = [
      { method: 'POST', path: '/token', reply: [tokenReply('ya29.revoked'), tokenReply('ya29.fresh')] },
      { path: USERS, query: usersQuery, reply: [{ status: 401, body: googleError(401, 'UNAUTHENTICATED', 'authError', 'Invalid Credentials') }, { fixture: 'users.page2.json' }] },
    ];
    await withServer(routes, async (ctx, requests) => {
      const rows: unknown[] = [];
      const outcome = await readResource(ctx, googleWorkspace.resources[0]!, (page) => void rows.push(...page));
      expect(outcome.status).toBe('complete');
      expect(rows).toHaveLength(2);
      expect(tokenRequests(requests())).toHaveLength(2);
      expect(requests().filter((r) => r.path === USERS).map((r) => r.headers.authorization)).toEqual(['Bearer ya29.revoked', 'Bearer ya29.fresh']);
    });
  });

  it('fails with AuthFailed when the API still answers 401 with a fresh token', async () => {
    const routes: FixtureRoute[] = [
      { method: 'POST', path: '/token', reply: [tokenReply('ya29.a'), tokenReply('ya29.b')] },
      { path: USERS, reply: { status: 401, body: googleError(401, 'UNAUTHENTICATED', 'authError', 'Invalid Credentials') }, repeat: true },
    ];
    await withServer(routes, async (ctx, requests) => {
      const error = await googleWorkspace.testConnection(ctx).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('AuthFailed');
      expect((error as Error).message).toContain('(401 [authError]): Invalid Credentials');
      expect(tokenRequests(requests())).toHaveLength(2);
    });
  });

  it('fails with AuthFailed naming the service account and delegation when the token endpoint refuses, and never shows the key', async () => {
    const routes: FixtureRoute[] = [
      {
        method: 'POST',
        path: '/token',
        // A hostile or broken endpoint echoing what it was sent must not put the key or assertion in the error.
        reply: (req) => ({ status: 401, body: { error: 'unauthorized_client', error_description: `Client is unauthorized to retrieve access tokens using this method ${req.body} ${PEM}` } }),
      },
    ];
    await withServer(routes, async (ctx, requests) => {
      const error = await googleWorkspace.testConnection(ctx).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('AuthFailed');
      const printed = isVigilError(error) ? `${error.oneLine()} ${JSON.stringify(error.toJSON())} ${inspect(error, { depth: 12 })}` : String(error);
      expect(printed).toContain(`Google refused the service account ${CLIENT} acting as ${ADMIN}`);
      expect(printed).toContain('[unauthorized_client]');
      expect(printed).toContain('domain-wide delegation');
      const assertion = new URLSearchParams(tokenRequests(requests())[0]!.body).get('assertion')!;
      for (const secret of [assertion, PEM, PEM.split('\n')[1]!]) expect(printed).not.toContain(secret);
    });
  });

  it('reports a token answer without access_token and expires_in as a ProviderError pointing at tokenUrl', async () => {
    const routes: FixtureRoute[] = [{ method: 'POST', path: '/token', reply: { body: { token_type: 'Bearer' } } }];
    await withServer(routes, async (ctx) => {
      const error = await googleWorkspace.testConnection(ctx).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('ProviderError');
      expect((error as Error).message).toBe('POST to the token endpoint: the answer has no access_token and expires_in');
      expect(isVigilError(error) && error.hint).toContain('tokenUrl');
    });
  });

  it('accepts a key pasted with escaped line breaks, and refuses one that is not a key without echoing it', async () => {
    const routes: FixtureRoute[] = [{ method: 'POST', path: '/token', reply: tokenReply('ya29.escaped') }, { path: USERS, query: { customer: 'my_customer', maxResults: '1' }, reply: { fixture: 'users.first.json' } }];
    await withServer(routes, async (ctx) => {
      expect((await googleWorkspace.testConnection(ctx)).summary).toBe(`connected to Google Workspace (example.com) as ${ADMIN}; can read users`);
    }, PEM.replace(/\n/g, '\\n'));
    await withServer([], async (ctx) => {
      const error = await googleWorkspace.testConnection(ctx).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('InvalidConfig');
      expect((error as Error).message).toBe('privateKey is not a PEM private key');
      expect(JSON.stringify(isVigilError(error) && error.toJSON())).not.toContain('not-a-key-Qm7');
    }, 'not-a-key-Qm7');
  });
});
