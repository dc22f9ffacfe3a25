/**
 * A local HTTP server that replays recorded provider responses, for connector tests. Each route
 * matches a method, a path and (optionally) the exact query, the fields of a form or JSON body, and
 * request headers — so protocols that post every operation to one path (AWS's query protocol names
 * it in a form field `Action=`, JSON 1.1 in the `X-Amz-Target` header) can be told apart — and
 * answers with its replies in order — so a test can script "429, then 200", a 500, a malformed body or a slow answer. A
 * request no route expects gets a 418 and is kept in `unexpected`; `verify()` fails the test on
 * it and on any reply never asked for (like nock's pendingMocks), so a test proves both that the
 * connector asked for every page and that it asked for nothing else.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query parameters (the last value of a repeated one). */
  query: Record<string, string>;
  /** Path and query as sent. */
  target: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
  /** The route that answered (its label and index in the routes given), or undefined for an unexpected request. */
  route?: string;
  routeIndex?: number;
}

export interface FixtureReply {
  /** Default 200. */
  status?: number;
  /** `{{baseUrl}}` in a value becomes the server's URL (for Link headers). */
  headers?: Record<string, string>;
  /** Sent as JSON. `{{baseUrl}}` in strings becomes the server's URL. */
  body?: unknown;
  /** A JSON file in `fixturesDir`, sent as the body (with `{{baseUrl}}` replaced). */
  fixture?: string;
  /** Sent verbatim: for malformed bodies. */
  raw?: string;
  /** Wait this long before answering: for timeouts. */
  delayMs?: number;
}

export type FixtureResponder = FixtureReply | ((request: RecordedRequest) => FixtureReply);

/** What a route expects of one field: the exact text, or a pattern the text must match. */
export type FieldMatcher = string | RegExp;

export interface FixtureRoute {
  /** For messages: "users page 2". */
  name?: string;
  /** Default GET. */
  method?: string;
  path: string;
  /** When given, the request's query must be exactly this (any order; a pattern for a changing value such as a time); when omitted, any query matches. */
  query?: Record<string, FieldMatcher>;
  /**
   * When given, the body must be a form (`application/x-www-form-urlencoded`) with exactly these
   * fields, in any order — e.g. AWS's query protocol: `{ Action: 'ListUsers', Version: /./, MaxItems: '1000' }`.
   */
  form?: Record<string, FieldMatcher>;
  /** When given, the body must be a JSON object with exactly these top-level fields; a value that is not a string is compared as its JSON text. */
  json?: Record<string, FieldMatcher>;
  /** When given, the request must carry these headers (names case-insensitive); other headers are not looked at. */
  headers?: Record<string, FieldMatcher>;
  /** One reply, or a sequence used in order, each once. */
  reply: FixtureResponder | readonly FixtureResponder[];
  /** Keep answering with the last reply once the sequence is used up. */
  repeat?: boolean;
}

export interface FixtureServerOptions {
  /** Where `fixture:` files are, e.g. `new URL('./__fixtures__/', import.meta.url)`. */
  fixturesDir?: string | URL;
}

export interface FixtureServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  readonly unexpected: readonly RecordedRequest[];
  /** Routes with replies never asked for, as labels. */
  pending(): string[];
  assertAllCalled(): void;
  assertNoUnexpected(): void;
  /** Both assertions. */
  verify(): void;
  close(): Promise<void>;
}

interface RouteState {
  route: FixtureRoute;
  index: number;
  replies: readonly FixtureResponder[];
  used: number;
  label: string;
}

export const UNEXPECTED_STATUS = 418;

const fieldMatches = (want: FieldMatcher, got: string | undefined) => got !== undefined && (typeof want === 'string' ? want === got : want.test(got));

const fieldsLabel = (kind: string, fields: Record<string, FieldMatcher> | undefined) =>
  fields ? ` ${kind} {${Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : String(v)}`).join(', ')}}` : '';

const routeLabel = (r: FixtureRoute) => {
  const q = r.query ? `?${new URLSearchParams(Object.entries(r.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
  const body = `${fieldsLabel('form', r.form)}${fieldsLabel('json', r.json)}${fieldsLabel('headers', r.headers)}`;
  return `${(r.method ?? 'GET').toUpperCase()} ${r.path}${q}${body}${r.name ? ` (${r.name})` : ''}`;
};

/** Exactly the fields wanted, each matching (a form body, or a JSON object's top level). */
const sameFields = (want: Record<string, FieldMatcher>, got: Map<string, string> | undefined) =>
  got !== undefined && got.size === Object.keys(want).length && Object.entries(want).every(([k, v]) => fieldMatches(v, got.get(k)));

function formFields(body: string): Map<string, string> | undefined {
  const params = new URLSearchParams(body);
  const out = new Map<string, string>();
  for (const k of new Set(params.keys())) {
    if (params.getAll(k).length !== 1) return undefined;
    out.set(k, params.get(k)!);
  }
  return out;
}

function jsonFields(body: string): Map<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body || 'null');
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return new Map(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** How many things a route names beyond method and path: the more specific route wins. */
const specificity = (r: FixtureRoute) => [r.query, r.form, r.json, r.headers].filter((x) => x !== undefined).length;

const sameQuery = (want: Record<string, FieldMatcher>, got: URLSearchParams) => {
  const keys = new Set(got.keys());
  if (keys.size !== Object.keys(want).length) return false;
  return Object.entries(want).every(([k, v]) => got.getAll(k).length === 1 && fieldMatches(v, got.get(k) ?? undefined));
};

export async function startFixtureServer(routes: readonly FixtureRoute[], options: FixtureServerOptions = {}): Promise<FixtureServer> {
  const dir = options.fixturesDir instanceof URL ? fileURLToPath(options.fixturesDir) : options.fixturesDir;
  const fixtureCache = new Map<string, string>();
  const loadFixture = (name: string): string => {
    if (!dir) throw new Error(`fixture server: reply uses fixture "${name}" but no fixturesDir was given`);
    let text = fixtureCache.get(name);
    if (text === undefined) {
      text = readFileSync(join(dir, name), 'utf8');
      JSON.parse(text); // a broken fixture file is the test's bug: say so now, not as a provider error
      fixtureCache.set(name, text);
    }
    return text;
  };
  const states: RouteState[] = routes.map((route, index) => {
    const replies = Array.isArray(route.reply) ? (route.reply as readonly FixtureResponder[]) : [route.reply as FixtureResponder];
    if (replies.length === 0) throw new Error(`fixture server: route ${routeLabel(route)} has no replies`);
    for (const r of replies) if (typeof r !== 'function' && r.fixture) loadFixture(r.fixture);
    return { route, index, replies, used: 0, label: routeLabel(route) };
  });
  const requests: RecordedRequest[] = [];
  const unexpected: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let url = '';

  const available = (s: RouteState) => s.used < s.replies.length || (s.route.repeat === true && s.used > 0);
  const match = (method: string, path: string, query: URLSearchParams, headers: Record<string, string>, body: string): RouteState | undefined => {
    let form: Map<string, string> | undefined | null = null;
    let json: Map<string, string> | undefined | null = null;
    const fits = (r: FixtureRoute) =>
      (!r.query || sameQuery(r.query, query)) &&
      (!r.form || sameFields(r.form, form === null ? (form = formFields(body)) : form)) &&
      (!r.json || sameFields(r.json, json === null ? (json = jsonFields(body)) : json)) &&
      (!r.headers || Object.entries(r.headers).every(([k, v]) => fieldMatches(v, headers[k.toLowerCase()])));
    const candidates = states.filter((s) => (s.route.method ?? 'GET').toUpperCase() === method && s.route.path === path && available(s) && fits(s.route));
    // The route naming the most (an exact query, body fields, headers) wins over one that accepts more; then the first given.
    return candidates.reduce<RouteState | undefined>((best, s) => (!best || specificity(s.route) > specificity(best.route) ? s : best), undefined);
  };

  const send = (res: ServerResponse, reply: FixtureReply) => {
    const sub = (s: string) => s.split('{{baseUrl}}').join(url);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = sub(v);
    let text = '';
    if (reply.raw !== undefined) text = reply.raw;
    else if (reply.fixture !== undefined) text = sub(loadFixture(reply.fixture));
    else if (reply.body !== undefined) text = sub(JSON.stringify(reply.body));
    if (text !== '' && !headers['content-type']) headers['content-type'] = 'application/json; charset=utf-8';
    res.writeHead(reply.status ?? 200, headers);
    res.end(text);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const u = new URL(req.url ?? '/', url);
    const method = (req.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const recorded: RecordedRequest = { method, path: u.pathname, query: Object.fromEntries(u.searchParams), target: `${u.pathname}${u.search}`, headers, body };
    requests.push(recorded);
    const state = match(method, u.pathname, u.searchParams, headers, body);
    if (!state) {
      unexpected.push(recorded);
      send(res, { status: UNEXPECTED_STATUS, body: { message: `fixture server: no route expects ${method} ${recorded.target}` } });
      return;
    }
    recorded.route = state.label;
    recorded.routeIndex = state.index;
    const responder = state.replies[Math.min(state.used, state.replies.length - 1)]!;
    state.used++;
    const reply = typeof responder === 'function' ? responder(recorded) : responder;
    if (!reply.delayMs) return send(res, reply);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) send(res, reply);
    }, reply.delayMs);
    timers.add(timer);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        // A broken fixture is reported to the test through the client, and kept as unexpected.
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fixture server error: ${(e as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const pending = () =>
    states
      .filter((s) => (s.route.repeat ? s.used === 0 : s.used < s.replies.length))
      .map((s) => `${s.label}: ${s.replies.length - Math.min(s.used, s.replies.length)} of ${s.replies.length} replies never requested`);
  const assertAllCalled = () => {
    const left = pending();
    if (left.length) throw new Error(`fixture routes never requested:\n  ${left.join('\n  ')}`);
  };
  const assertNoUnexpected = () => {
    if (unexpected.length) throw new Error(`unexpected requests to the fixture server:\n  ${unexpected.map((r) => `${r.method} ${r.target}`).join('\n  ')}`);
  };

  return {
    url,
    requests,
    unexpected,
    pending,
    assertAllCalled,
    assertNoUnexpected,
    verify() {
      assertNoUnexpected();
      assertAllCalled();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
