/**
 * Sign-in with OpenID Connect (authorization code flow with PKCE), for teams whose people already
 * sign in to an identity provider (Okta, Google, Entra ID, Keycloak, Authentik…).
 *
 * Vigil reads the provider's discovery document, sends the browser to its authorization endpoint
 * with a fresh `state`, `nonce` and S256 code challenge (kept in a short-lived HttpOnly cookie, so
 * any process behind a load balancer can finish the flow), exchanges the code at the token endpoint
 * with the client secret, and verifies the ID token itself: signature against the provider's JWKS
 * (RS256, PS256, ES256 or EdDSA; never `none`, never an HMAC), issuer, audience, expiry and nonce.
 * The person is then matched to a Vigil account by verified email. Accounts are not created unless
 * the config says so (`createUsers` with a role and the email domains allowed).
 */
import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { VigilError } from '../../lib/errors.ts';

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  label: string;
  /** Give a person with a verified email in `allowedDomains` and no account this role. */
  createUsers?: 'viewer' | 'member' | 'auditor' | undefined;
  allowedDomains: string[];
  /** Accept an email the provider does not say it verified (some providers never send the claim). */
  requireVerifiedEmail: boolean;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  /** Where the dashboard goes afterwards (a path on Vigil itself). */
  returnTo: string;
}

export interface OidcIdentity {
  subject: string;
  email: string;
  name: string;
}

const SKEW_SECONDS = 120;
const b64url = (b: Buffer) => b.toString('base64url');

const failed = (message: string, hint?: string) => new VigilError('AuthFailed', `sign-in with the identity provider failed: ${message}`, hint ? { hint } : {});

/** Signature algorithms accepted on ID tokens, and how node:crypto verifies each. */
const algorithms: Record<string, { hash: string | null; options?: { padding?: number; saltLength?: number; dsaEncoding?: 'ieee-p1363' } }> = {
  RS256: { hash: 'sha256' },
  RS384: { hash: 'sha384' },
  RS512: { hash: 'sha512' },
  PS256: { hash: 'sha256', options: { padding: 6, saltLength: 32 } },
  ES256: { hash: 'sha256', options: { dsaEncoding: 'ieee-p1363' } },
  ES384: { hash: 'sha384', options: { dsaEncoding: 'ieee-p1363' } },
  EdDSA: { hash: null },
};

export function createOidcClient(config: OidcConfig, options: { fetch?: typeof fetch; now?: () => Date } = {}) {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const issuer = config.issuer.replace(/\/+$/, '');
  let discovery: Promise<Discovery> | undefined;
  let keys: Map<string, { key: KeyObject; alg?: string | undefined }> | undefined;

  async function getJson(url: string, what: string, init?: RequestInit): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await doFetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (e) {
      throw new VigilError('Unreachable', `cannot reach the identity provider for its ${what} at ${url}: ${(e as Error).message}`);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw failed(`its ${what} (${url}) answered ${res.status} with something other than JSON`);
    }
    if (!res.ok) {
      const b = body as { error?: string; error_description?: string };
      throw failed(`its ${what} answered ${res.status}${b.error ? ` ${b.error}` : ''}${b.error_description ? `: ${b.error_description}` : ''}`);
    }
    if (!body || typeof body !== 'object') throw failed(`its ${what} is not a JSON object`);
    return body as Record<string, unknown>;
  }

  function discover(): Promise<Discovery> {
    discovery ??= (async () => {
      const url = `${issuer}/.well-known/openid-configuration`;
      const d = await getJson(url, 'discovery document');
      for (const k of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
        if (typeof d[k] !== 'string') throw failed(`its discovery document (${url}) has no ${k}`);
      }
      // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be the one configured.
      if ((d.issuer as string).replace(/\/+$/, '') !== issuer) {
        throw failed(`its discovery document names the issuer ${String(d.issuer)}, not ${issuer}`, 'set server.oidc.issuer to the exact issuer URL');
      }
      return d as unknown as Discovery;
    })().catch((e: unknown) => {
      discovery = undefined;
      throw e;
    });
    return discovery;
  }

  async function loadKeys(): Promise<Map<string, { key: KeyObject; alg?: string | undefined }>> {
    const d = await discover();
    const set = await getJson(d.jwks_uri, 'key set (JWKS)');
    if (!Array.isArray(set.keys)) throw failed('its key set (JWKS) has no keys');
    const out = new Map<string, { key: KeyObject; alg?: string | undefined }>();
    for (const [i, jwk] of (set.keys as (JsonWebKey & { kid?: string; use?: string; alg?: string })[]).entries()) {
      if (jwk.use && jwk.use !== 'sig') continue;
      try {
        out.set(jwk.kid ?? `#${i}`, { key: createPublicKey({ key: jwk, format: 'jwk' }), alg: jwk.alg });
      } catch {
        // A key type node cannot read is not one that signed our token; skip it.
      }
    }
    keys = out;
    return out;
  }

  async function keyFor(kid: string | undefined): Promise<{ key: KeyObject; alg?: string | undefined }[]> {
    const pick = (m: Map<string, { key: KeyObject; alg?: string | undefined }>) => (kid ? (m.has(kid) ? [m.get(kid)!] : []) : [...m.values()]);
    let found = keys ? pick(keys) : [];
    // An unknown kid means the provider rotated its keys: fetch the set once more.
    if (!found.length) found = pick(await loadKeys());
    if (!found.length) throw failed(`the ID token is signed with a key (${kid ?? 'no kid'}) that is not in the provider's key set`);
    return found;
  }

  async function verifyIdToken(token: string, nonce: string): Promise<Record<string, unknown>> {
    const parts = token.split('.');
    if (parts.length !== 3) throw failed('the ID token is not a signed JWT');
    let header: { alg?: string; kid?: string };
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw failed('the ID token is not readable JSON');
    }
    const alg = header.alg ?? '';
    const spec = algorithms[alg];
    if (!spec) throw failed(`the ID token is signed with ${alg || 'no algorithm'}, which Vigil does not accept`, `accepted: ${Object.keys(algorithms).join(', ')}`);
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2]!, 'base64url');
    const candidates = await keyFor(header.kid);
    const ok = candidates.some(({ key, alg: keyAlg }) => {
      if (keyAlg && keyAlg !== alg) return false;
      try {
        return verify(spec.hash, signed, spec.options ? { key, ...spec.options } : key, signature);
      } catch {
        return false;
      }
    });
    if (!ok) throw failed('the ID token signature does not verify against the provider\'s keys');

    const d = await discover();
    if (claims.iss !== d.issuer) throw failed(`the ID token was issued by ${String(claims.iss)}, not ${d.issuer}`);
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(config.clientId)) throw failed('the ID token is meant for another client (aud)');
    if (aud.length > 1 && claims.azp !== undefined && claims.azp !== config.clientId) throw failed('the ID token was issued to another client (azp)');
    const t = now().getTime() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp + SKEW_SECONDS < t) throw failed('the ID token has expired');
    if (typeof claims.iat === 'number' && claims.iat - SKEW_SECONDS > t) throw failed('the ID token is issued in the future; check the clocks');
    if (claims.nonce !== nonce) throw failed('the ID token does not carry this sign-in\'s nonce (a replayed or foreign token)');
    return claims;
  }

  return {
    label: config.label,

    /** Where to send the browser, and what to keep (in a cookie) until it comes back. */
    async start(redirectUri: string, returnTo: string): Promise<{ url: string; pending: PendingSignIn }> {
      const d = await discover();
      const pending: PendingSignIn = { state: b64url(randomBytes(24)), nonce: b64url(randomBytes(24)), verifier: b64url(randomBytes(48)), returnTo };
      const url = new URL(d.authorization_endpoint);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('scope', config.scopes.join(' '));
      url.searchParams.set('state', pending.state);
      url.searchParams.set('nonce', pending.nonce);
      url.searchParams.set('code_challenge', b64url(createHash('sha256').update(pending.verifier).digest()));
      url.searchParams.set('code_challenge_method', 'S256');
      return { url: url.toString(), pending };
    },

    /** The provider sent the browser back: check it, exchange the code, verify the ID token. */
    async finish(query: Record<string, string | undefined>, pending: PendingSignIn | undefined, redirectUri: string): Promise<OidcIdentity> {
      if (query.error) throw failed(`the provider answered ${query.error}${query.error_description ? `: ${query.error_description}` : ''}`);
      if (!pending) throw failed('this sign-in was not started here, or took longer than 10 minutes', 'start again from the sign-in page');
      if (!query.state || query.state !== pending.state) throw failed('the state does not match this browser\'s sign-in', 'start again from the sign-in page');
      if (!query.code) throw failed('the provider sent no authorization code');
      const d = await discover();
      const form = new URLSearchParams({ grant_type: 'authorization_code', code: query.code, redirect_uri: redirectUri, code_verifier: pending.verifier });
      const basic = Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString('base64');
      const tokens = await getJson(d.token_endpoint, 'token endpoint', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${basic}` },
        body: form.toString(),
      });
      if (typeof tokens.id_token !== 'string') throw failed('the token endpoint returned no id_token', 'the scopes must include openid');
      const claims = await verifyIdToken(tokens.id_token, pending.nonce);
      const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
      if (!email) throw failed('the ID token carries no email', 'the scopes must include email');
      if (config.requireVerifiedEmail && claims.email_verified !== true && claims.email_verified !== 'true') {
        throw failed(`the provider does not say it verified ${email}`, 'verify the email at the provider, or set server.oidc.requireVerifiedEmail: false if it never sends email_verified');
      }
      const name = typeof claims.name === 'string' ? claims.name : [claims.given_name, claims.family_name].filter((x) => typeof x === 'string').join(' ');
      return { subject: String(claims.sub), email, name };
    },
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;

/** The pending sign-in as a cookie value, and back; a cookie that does not parse is no sign-in. */
export const encodePending = (p: PendingSignIn) => Buffer.from(JSON.stringify(p)).toString('base64url');
export function decodePending(value: string | undefined): PendingSignIn | undefined {
  if (!value) return undefined;
  try {
    const p = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<PendingSignIn>;
    if (typeof p.state === 'string' && typeof p.nonce === 'string' && typeof p.verifier === 'string' && typeof p.returnTo === 'string') return p as PendingSignIn;
  } catch {
    // fall through
  }
  return undefined;
}

/** A path on Vigil itself to return to; anything else (another site, `//host`) becomes `/`. */
export function safeReturnTo(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
