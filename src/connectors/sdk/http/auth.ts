/**
 * How a request is authenticated. A provider hands the client its headers per request, and names
 * every secret value it puts on the wire (including tokens it obtained itself) so the client's
 * redactor can keep them out of logs and errors.
 */

export interface AuthProvider {
  /** Headers to add to each request. */
  headers(): Record<string, string> | Promise<Record<string, string>>;
  /** Every secret this provider sends (tokens, computed header values). */
  secrets(): string[];
  /**
   * Called once after a 401 before the request is retried: a provider holding a short-lived token
   * (OAuth client credentials, a GitHub App installation token) fetches a fresh one.
   */
  refresh?(): Promise<void>;
}

export const noAuth: AuthProvider = { headers: () => ({}), secrets: () => [] };

/** `Authorization: Bearer <token>` (GitHub, most OAuth APIs). */
export function bearerAuth(token: string): AuthProvider {
  return headerAuth('authorization', `Bearer ${token}`, [token]);
}

/** A fixed header, e.g. Okta's `Authorization: SSWS <token>` or `X-Api-Key: <key>`. */
export function headerAuth(name: string, value: string, secrets: string[] = []): AuthProvider {
  return { headers: () => ({ [name]: value }), secrets: () => [value, ...secrets] };
}

/** HTTP Basic (RFC 7617): the encoded header value is itself a secret. */
export function basicAuth(username: string, password: string): AuthProvider {
  const value = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return headerAuth('authorization', value, [password]);
}
