/**
 * Service-account authentication with domain-wide delegation (RFC 7523 JWT bearer grant, as Google
 * documents it for server-to-server OAuth): a JWT naming the service account (`iss`), the admin it
 * acts as (`sub`), the scopes and the token endpoint (`aud`) is signed RS256 with the account's
 * private key and exchanged at the token endpoint for an access token of an hour. The token is
 * kept until shortly before it expires, and fetched again when the API answers 401.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { VigilError, isVigilError } from '../../lib/errors.ts';
import { bearerAuth, createHttpClient, type AuthProvider, type HttpClient } from '../sdk/index.ts';
import { DEFAULT_TOKEN_URL, type GoogleWorkspaceConfig } from './config.ts';

/** The read-only scopes the connector asks for: the users list and the admin audit log. */
export const SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.reports.audit.readonly',
] as const;

/** Google accepts assertions valid for at most an hour. */
const ASSERTION_LIFETIME_S = 3600;
/** A token this close to its expiry is replaced before use, so no request races the expiry. */
const EXPIRY_MARGIN_MS = 60_000;

export interface ServiceAccount {
  clientEmail: string;
  privateKey: string;
  subject: string;
  tokenUrl: string;
  scopes?: readonly string[];
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * The forms a private key can be echoed in: as given, trimmed (providers trim messages), with real
 * line breaks, and each line of its body on its own — a part of a key is as secret as the whole.
 */
export function keySecrets(pem: string): string[] {
  const normalized = pem.replace(/\\n/g, '\n');
  const lines = normalized.split('\n').map((l) => l.trim()).filter((l) => l.length >= 16 && !l.startsWith('-----'));
  return [...new Set([pem, pem.trim(), normalized, normalized.trim(), ...lines])];
}

function parseKey(pem: string): KeyObject {
  try {
    // A key pasted from the JSON file into YAML often keeps its escaped line breaks.
    return createPrivateKey(pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem);
  } catch {
    // Never echo the key, not even part of it.
    throw new VigilError('InvalidConfig', 'privateKey is not a PEM private key', {
      where: 'google-workspace: privateKey',
      hint: 'paste private_key from the service account’s JSON key, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----',
    });
  }
}

/** The signed assertion for the token request, issued at `nowS` (seconds since the epoch). */
export function signAssertion(account: ServiceAccount, nowS: number): string {
  const header = { alg: 'RS256', typ: 'JWT' };
  const claims = {
    iss: account.clientEmail,
    sub: account.subject,
    scope: (account.scopes ?? SCOPES).join(' '),
    aud: account.tokenUrl,
    iat: nowS,
    exp: nowS + ASSERTION_LIFETIME_S,
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), parseKey(account.privateKey));
  return `${signingInput}.${base64url(signature)}`;
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
}

export interface ServiceAccountAuthOptions {
  allowInsecureHttp?: boolean;
  /**
   * Physical time in ms. The token endpoint judges `iat`/`exp` against real time, so this is the
   * wall clock, not the business clock a test may freeze (the SDK builds auth from config alone).
   */
  now?: () => number;
}

export function serviceAccountAuth(account: ServiceAccount, options: ServiceAccountAuthOptions = {}): AuthProvider {
  const now = options.now ?? Date.now;
  let token: { value: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  let client: HttpClient | undefined;
  const tokenClient = () =>
    (client ??= createHttpClient({
      baseUrl: account.tokenUrl,
      allowInsecureHttp: options.allowInsecureHttp ?? false,
      secrets: keySecrets(account.privateKey),
      where: 'google-workspace: token endpoint',
      userAgent: 'vigil-connector/google-workspace',
      retries: 2,
    }));

  const fetchToken = async (): Promise<string> => {
    const http = tokenClient();
    const issuedAt = now();
    const assertion = signAssertion(account, Math.floor(issuedAt / 1000));
    http.redactor.add(assertion);
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    let answer: TokenAnswer;
    try {
      answer = (
        await http.request<TokenAnswer>(account.tokenUrl, {
          method: 'POST',
          body: form.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          // Asking for a token changes nothing at Google: safe to retry on a network error or 5xx.
          retry: true,
        })
      ).body;
    } catch (e) {
      const status = isVigilError(e) ? e.details?.status : undefined;
      if (isVigilError(e) && (status === 400 || status === 401 || status === 403)) {
        // invalid_grant, unauthorized_client, …: the key, the delegation or the admin is wrong.
        throw new VigilError('AuthFailed', `Google refused the service account ${account.clientEmail} acting as ${account.subject}: ${e.message}`, {
          where: 'google-workspace: token endpoint',
          hint: 'check that the key is current, that domain-wide delegation grants the service account’s client id these scopes in the Admin console (Security → API controls), and that subject is an active administrator',
          details: { ...e.details, scopes: (account.scopes ?? SCOPES).join(' ') },
        });
      }
      throw e;
    }
    const value = answer?.access_token;
    const expiresIn = answer?.expires_in;
    if (typeof value !== 'string' || value === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new VigilError('ProviderError', 'POST to the token endpoint: the answer has no access_token and expires_in', {
        where: 'google-workspace: token endpoint',
        hint: 'check tokenUrl: it should be Google’s OAuth 2.0 token endpoint (token_uri in the JSON key)',
      });
    }
    token = { value, expiresAt: issuedAt + expiresIn * 1000 };
    return value;
  };

  const fresh = (): Promise<string> => {
    if (token && now() < token.expiresAt - EXPIRY_MARGIN_MS) return Promise.resolve(token.value);
    // Requests made at once share one token request.
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return {
    headers: async () => ({ authorization: `Bearer ${await fresh()}` }),
    secrets: () => [...keySecrets(account.privateKey), ...(token ? [token.value] : [])],
    async refresh() {
      token = undefined;
      await fresh();
    },
  };
}

/** The auth for a config: the service account, or the access token given. */
export function createAuth(config: GoogleWorkspaceConfig): AuthProvider {
  if (config.accessToken !== undefined) return bearerAuth(config.accessToken);
  return serviceAccountAuth(
    { clientEmail: config.clientEmail!, privateKey: config.privateKey!, subject: config.subject!, tokenUrl: config.tokenUrl ?? DEFAULT_TOKEN_URL },
    { allowInsecureHttp: config.allowInsecureHttp },
  );
}
