/**
 * A small OpenID Connect provider on a loopback port, for tests: the discovery document, a JWKS,
 * an authorization endpoint that signs in a chosen person at once, and a token endpoint that checks
 * the client secret, the redirect URI and the PKCE verifier before it issues a signed ID token —
 * shaped as OpenID Connect Core 1.0 and RFC 7636 specify. `misbehave` makes it issue the kinds of
 * bad tokens a client must refuse.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestPerson {
  sub: string;
  email: string;
  email_verified?: boolean;
  name?: string;
}

export type Misbehaviour = 'none' | 'wrong-nonce' | 'wrong-audience' | 'expired' | 'foreign-key' | 'alg-none' | 'wrong-issuer';

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next authorization signs in. */
  person: TestPerson;
  misbehave: Misbehaviour;
  /** Replace the signing key (a new kid), as providers rotate keys. */
  rotateKey(): void;
  /** Requests the token endpoint refused, with the reason. */
  refusals: string[];
  close(): Promise<void>;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export async function startTestIdp(options: { clientId?: string; clientSecret?: string; now?: () => Date } = {}): Promise<TestIdp> {
  const clientId = options.clientId ?? 'vigil-test-client';
  const clientSecret = options.clientSecret ?? 'idp-client-secret-5a8b0c2d';
  let key = newKey();
  const foreign = newKey();
  const codes = new Map<string, { nonce: string; challenge: string; redirectUri: string; person: TestPerson }>();

  function newKey(): { kid: string; privateKey: KeyObject; publicKey: KeyObject } {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return { kid: randomBytes(6).toString('hex'), privateKey, publicKey };
  }

  const idp: TestIdp = {
    issuer: '',
    clientId,
    clientSecret,
    person: { sub: '00u1', email: 'admin@example.com', email_verified: true, name: 'Admin' },
    misbehave: 'none',
    rotateKey: () => {
      key = newKey();
    },
    refusals: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  function idToken(claims: Record<string, unknown>): string {
    const signer = idp.misbehave === 'foreign-key' ? foreign : key;
    const header = idp.misbehave === 'alg-none' ? { alg: 'none', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid: key.kid };
    const input = `${b64(header)}.${b64(claims)}`;
    if (idp.misbehave === 'alg-none') return `${input}.`;
    return `${input}.${sign('sha256', Buffer.from(input), signer.privateKey).toString('base64url')}`;
  }

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  async function readBody(req: IncomingMessage): Promise<string> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    return body;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', idp.issuer);
      if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
        return json(res, 200, {
          issuer: idp.issuer,
          authorization_endpoint: `${idp.issuer}/authorize`,
          token_endpoint: `${idp.issuer}/token`,
          jwks_uri: `${idp.issuer}/keys`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic'],
        });
      }
      if (req.method === 'GET' && url.pathname === '/keys') {
        return json(res, 200, { keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, use: 'sig', alg: 'RS256' }] });
      }
      if (req.method === 'GET' && url.pathname === '/authorize') {
        const q = url.searchParams;
        if (q.get('client_id') !== clientId || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('redirect_uri')) {
          return json(res, 400, { error: 'invalid_request' });
        }
        const code = randomBytes(16).toString('hex');
        codes.set(code, { nonce: q.get('nonce') ?? '', challenge: q.get('code_challenge') ?? '', redirectUri: q.get('redirect_uri')!, person: { ...idp.person } });
        const back = new URL(q.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state') ?? '');
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (req.method === 'POST' && url.pathname === '/token') {
        const refuse = (status: number, error: string, why: string) => {
          idp.refusals.push(why);
          return json(res, status, { error, error_description: why });
        };
        const auth = req.headers.authorization ?? '';
        const [id, secret] = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString('utf8').split(':').map(decodeURIComponent);
        if (id !== clientId || secret !== clientSecret) return refuse(401, 'invalid_client', 'client authentication failed');
        const form = new URLSearchParams(await readBody(req));
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (form.get('grant_type') !== 'authorization_code' || !grant) return refuse(400, 'invalid_grant', 'unknown or used code');
        if (form.get('redirect_uri') !== grant.redirectUri) return refuse(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
        const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (challenge !== grant.challenge) return refuse(400, 'invalid_grant', 'PKCE verification failed');
        const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
        const claims = {
          iss: idp.misbehave === 'wrong-issuer' ? 'https://impostor.example.com' : idp.issuer,
          sub: grant.person.sub,
          aud: idp.misbehave === 'wrong-audience' ? 'someone-else' : clientId,
          exp: idp.misbehave === 'expired' ? now - 3600 : now + 300,
          iat: idp.misbehave === 'expired' ? now - 3900 : now,
          nonce: idp.misbehave === 'wrong-nonce' ? 'not-your-nonce' : grant.nonce,
          email: grant.person.email,
          email_verified: grant.person.email_verified ?? true,
          name: grant.person.name,
        };
        return json(res, 200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, scope: 'openid email profile', id_token: idToken(claims) });
      }
      return json(res, 404, { error: 'not_found' });
    })().catch((e: unknown) => json(res, 500, { error: 'server_error', error_description: (e as Error).message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  idp.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return idp;
}
