/**
 * The plumbing of the contract checks: options, the reports they share, and a "scenario" — a
 * fresh fixture server with a run context pointing at it, on test time (instant waits).
 */
import { isVigilError } from '../../../lib/errors.ts';
import { createRunContext, type EngineRunContext, type Gap } from '../context.ts';
import type { AnyConnector, ConnectionInfo } from '../define.ts';
import type { LogEntry } from '../log.ts';
import { readEvents, readResource, type ReadOutcome, type Row } from '../run.ts';
import { startFixtureServer, type FixtureReply, type FixtureResponder, type FixtureRoute, type FixtureServer, type RecordedRequest } from './fixture-server.ts';
import { createTestTime, type TestTime } from './test-time.ts';

export interface ContractOptions {
  /** A config pointing at the fixture server. Give every secret field a distinctive test value. */
  config(baseUrl: string): unknown;
  /** Every request a full collection makes (connection test, every resource and event), with replies. */
  routes: readonly FixtureRoute[];
  fixturesDir?: string | URL;
  /** Resources/events whose fixtures have one page only, with why; every other listing must ask for a second page. */
  singlePage?: Record<string, string>;
  /** The provider's error body around a message, for the 401/403 scenarios (default `{ message }`). */
  errorBody?: (message: string) => unknown;
  /**
   * The provider's whole error answer (status, content type, body) for the failure scenarios, where
   * a JSON `errorBody` is not its wire format (AWS answers XML for IAM, S3 and EC2). Wins over
   * `errorBody`; `request` says which service or operation is answered.
   */
  errorReply?: (status: 401 | 403 | 429 | 500, message: string, request: RecordedRequest) => FixtureReply;
  /**
   * Who governs the wait on throttling. By default the connector does: a 429 with `Retry-After: 7`
   * must be waited out exactly, on the kit's test time. `governedBy: 'sdk'` is for connectors
   * whose provider's official SDK retries throttling with its own backoff (AWS SDK v3), which the
   * kit's test time cannot see: then `reply` (the provider's throttling answer) must be retried
   * and the connection then succeed, and a provider that never stops throttling must end in
   * `RateLimited` carrying the provider's message.
   */
  throttling?: { governedBy: 'sdk'; reply: (message: string, request: RecordedRequest) => FixtureReply };
  /**
   * A malformed answer for each listing, and what the ProviderError it causes must name (default: a
   * truncated JSON body, and the request path). For SDK-based connectors the endpoint or operation
   * is what their errors name.
   */
  malformed?: { reply: (request: RecordedRequest) => FixtureReply; names: (request: RecordedRequest, baseUrl: string) => string };
  /**
   * What one listing call is, for the pagination check (default: the request path). Protocols that
   * post every operation to one path name the operation elsewhere (a form field, a header).
   */
  operationOf?: (request: RecordedRequest) => string;
}

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

export interface ListingReport {
  kind: 'resource' | 'events';
  name: string;
  rows: Row[];
  requests: RecordedRequest[];
  /** Events only: the cursor of the last page. */
  cursor?: string | null;
  error?: unknown;
}

export interface CollectionReport {
  connection?: ConnectionInfo;
  connectionError?: unknown;
  connectionRequests: RecordedRequest[];
  listings: ListingReport[];
  logs: LogEntry[];
  gaps: Gap[];
  unexpected: RecordedRequest[];
  pending: string[];
}

export interface Scenario {
  server: FixtureServer;
  ctx: EngineRunContext;
  time: TestTime;
  logs: LogEntry[];
}

export type HttpOverrides = NonNullable<Parameters<typeof createRunContext>[0]['http']>;

export const describeError = (e: unknown) => (isVigilError(e) ? `${e._tag}: ${e.oneLine()}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export async function withScenario<T>(
  connector: AnyConnector,
  options: ContractOptions,
  routes: readonly FixtureRoute[],
  run: (s: Scenario) => Promise<T>,
  http: HttpOverrides = {},
): Promise<T> {
  const server = await startFixtureServer(routes, { fixturesDir: options.fixturesDir });
  try {
    return await runAt(connector, options, server.url, (s) => run({ ...s, server }), http);
  } finally {
    await server.close();
  }
}

export async function runAt<T>(connector: AnyConnector, options: ContractOptions, baseUrl: string, run: (s: Omit<Scenario, 'server'>) => Promise<T>, http: HttpOverrides = {}): Promise<T> {
  const time = createTestTime();
  const logs: LogEntry[] = [];
  const ctx = createRunContext({
    connector,
    config: options.config(baseUrl),
    clock: time.clock,
    sleep: time.sleep,
    onLog: (e) => logs.push(e),
    where: `contract test of ${connector.id}`,
    http: { random: () => 0.5, ...http },
  });
  return run({ ctx, time, logs });
}

/** One listing through the engine path (validation, gaps, redaction). */
export function readListing(ctx: EngineRunContext, listing: { kind: 'resource' | 'events'; name: string }): Promise<ReadOutcome> {
  if (listing.kind === 'resource') return readResource(ctx, ctx.connector.resources.find((r) => r.name === listing.name)!, () => {});
  return readEvents(ctx, ctx.connector.events.find((e) => e.name === listing.name)!, null, () => {});
}

/** The happy path: connection test, then every resource and event, raw (not yet validated). */
const asArray = (reply: FixtureRoute['reply']): readonly FixtureResponder[] => (Array.isArray(reply) ? (reply as readonly FixtureResponder[]) : [reply as FixtureResponder]);

export const withFirstReply = (routes: readonly FixtureRoute[], index: number, reply: FixtureResponder, keepOriginal: boolean): FixtureRoute[] =>
  routes.map((r, i) => (i !== index ? r : { ...r, reply: [reply, ...asArray(r.reply).slice(keepOriginal ? 0 : 1)] }));

export const everyRoute = (routes: readonly FixtureRoute[], reply: FixtureResponder): FixtureRoute[] => routes.map((r) => ({ ...r, reply, repeat: true }));

export const errorBodyOf = (options: ContractOptions) => options.errorBody ?? ((message: string) => ({ message }));

/** The provider's error answer for a scenario: `errorReply`, or `errorBody` as JSON. */
export const errorReplyOf =
  (options: ContractOptions) =>
  (status: 401 | 403 | 429 | 500, message: string, request: RecordedRequest): FixtureReply =>
    options.errorReply ? options.errorReply(status, message, request) : { status, body: errorBodyOf(options)(message) };
