/**
 * Every HTTP connector's endpoint is configurable (GitHub Enterprise, a regional Okta, the demo's
 * simulated provider, a test's fixture server). Plain http is allowed to loopback only: anywhere
 * else the token would cross a network in clear text, so it needs an explicit opt-in.
 */
import { z } from 'zod';
import { VigilError } from '../../lib/errors.ts';

/**
 * The config fields every HTTP connector has. Spread them into the connector's config object:
 * `z.object({ ...httpFields({ defaultBaseUrl: 'https://api.github.com' }), token: secret('…') })`.
 */
export function httpFields(options: { defaultBaseUrl?: string; example?: string } = {}) {
  const url = z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://api.example.com' });
  const where = options.example ?? options.defaultBaseUrl;
  const description = `Base URL of the provider's API${where ? ` (e.g. ${where})` : ''}; plain http is accepted for loopback hosts only unless allowInsecureHttp is set.`;
  return {
    baseUrl: options.defaultBaseUrl ? url.describe(description).default(options.defaultBaseUrl) : url.describe(description),
    allowInsecureHttp: z
      .boolean()
      .default(false)
      .describe('Allow plain http:// to a host that is not loopback. Credentials then cross the network unencrypted: for isolated test networks only.'),
  };
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && v4.slice(1).every((n) => Number(n) <= 255);
}

/**
 * Parse and vet a base URL: http(s) only, no credentials in it, plain http only to loopback unless
 * allowed. Returns the URL with a trailing slash so request paths join below its path prefix.
 */
export function checkBaseUrl(raw: string | URL, options: { allowInsecureHttp?: boolean; where?: string } = {}): URL {
  const where = options.where ?? 'baseUrl';
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new VigilError('InvalidConfig', 'the base URL is not a valid URL', { where, hint: 'use a full URL such as https://api.example.com' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new VigilError('InvalidConfig', `the base URL must use https (got ${url.protocol})`, { where });
  }
  if (url.username || url.password) {
    // Never echo the URL here: its userinfo is the secret.
    throw new VigilError('InvalidConfig', 'the base URL contains credentials (user:password@)', {
      where,
      hint: "remove them from the URL and put them in the connector's secret fields",
    });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !options.allowInsecureHttp) {
    throw new VigilError('InvalidConfig', `plain http to ${url.host} would send credentials unencrypted`, {
      where,
      hint: 'use https://, or set allowInsecureHttp: true for an isolated test network (http to 127.0.0.1/localhost is always allowed)',
    });
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}
