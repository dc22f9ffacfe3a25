/**
 * The failure modes of the connector contract: each runs the connector against a fresh fixture
 * server built from its recorded routes, bent one way (a 401, a 429, a malformed body, a 403, a
 * request nobody expects), and checks the connector reports it as the engine needs — and that no
 * config secret escapes into any output on the way.
 */
import { inspect } from 'node:util';
import { isVigilError } from '../../../lib/errors.ts';
import type { EngineRunContext } from '../context.ts';
import type { AnyConnector } from '../define.ts';
import type { LogEntry } from '../log.ts';
import { runTestConnection, type ReadOutcome } from '../run.ts';
import { mapSecrets } from '../schema-meta.ts';
import { startFixtureServer, type FixtureReply, type FixtureResponder, type RecordedRequest } from './fixture-server.ts';
import {
  ContractViolation,
  describeError,
  errorReplyOf,
  everyRoute,
  readListing,
  runAt,
  withFirstReply,
  withScenario,
  type CollectionReport,
  type ContractOptions,
  type HttpOverrides,
} from './contract-scenario.ts';

export async function checkAuthFailure(connector: AnyConnector, options: ContractOptions): Promise<void> {
  const routes = everyRoute(options.routes, (req) => errorReplyOf(options)(401, 'vigil-contract: invalid credentials', req));
  await withScenario(connector, options, routes, async ({ ctx }) => {
    try {
      await runTestConnection(ctx);
    } catch (e) {
      if (isVigilError(e) && e._tag === 'AuthFailed') return;
      throw new ContractViolation(`on a 401, testConnection should fail with AuthFailed, not ${describeError(e)}`);
    }
    throw new ContractViolation('testConnection succeeded although every request was answered 401');
  });
}

function firstRouteOf(requests: readonly RecordedRequest[], what: string): number {
  const index = requests[0]?.routeIndex;
  if (index === undefined) throw new ContractViolation(`${what} made no request that a fixture route answered`);
  return index;
}

export async function checkRetryAfter(connector: AnyConnector, options: ContractOptions, report: CollectionReport): Promise<void> {
  if (options.throttling?.governedBy === 'sdk') return checkSdkThrottling(connector, options, report);
  const index = firstRouteOf(report.connectionRequests, 'testConnection');
  const slowDown = (req: RecordedRequest): FixtureReply => {
    const reply = errorReplyOf(options)(429, 'vigil-contract: slow down', req);
    return { ...reply, headers: { ...reply.headers, 'retry-after': '7' } };
  };
  await withScenario(connector, options, withFirstReply(options.routes, index, slowDown, true), async ({ ctx, time, server }) => {
    try {
      await runTestConnection(ctx);
    } catch (e) {
      throw new ContractViolation(`after a 429 with Retry-After: 7, testConnection should wait and succeed, but failed: ${describeError(e)}`);
    }
    if (!time.sleeps.includes(7000)) throw new ContractViolation(`Retry-After: 7 was not honoured (waits: ${time.sleeps.join(', ') || 'none'} ms)`);
    if (server.requests.filter((r) => r.routeIndex === index).length < 2) throw new ContractViolation('the request answered 429 was not retried');
  });
}

/**
 * Throttling where the provider's SDK governs the retries: its backoff is its own (and not on the
 * kit's test time), so what is checked is the outcome — retried, then a success; and when the
 * provider never stops, RateLimited with the provider's message, after more than one attempt.
 */
async function checkSdkThrottling(connector: AnyConnector, options: ContractOptions, report: CollectionReport): Promise<void> {
  const throttling = options.throttling!;
  const index = firstRouteOf(report.connectionRequests, 'testConnection');
  const said = 'vigil-contract: rate exceeded, slow down';
  await withScenario(connector, options, withFirstReply(options.routes, index, (req) => throttling.reply(said, req), true), async ({ ctx, server }) => {
    try {
      await runTestConnection(ctx);
    } catch (e) {
      throw new ContractViolation(`after one throttling answer, testConnection should retry and succeed, but failed: ${describeError(e)}`);
    }
    if (server.requests.filter((r) => r.routeIndex === index).length < 2) throw new ContractViolation('the throttled request was not retried');
  });
  await withScenario(connector, options, everyRoute(options.routes, (req) => throttling.reply(said, req)), async ({ ctx, server }) => {
    let error: unknown;
    try {
      await runTestConnection(ctx);
    } catch (e) {
      error = e;
    }
    if (!error) throw new ContractViolation('testConnection succeeded although every answer was a throttling error');
    if (!isVigilError(error) || error._tag !== 'RateLimited') throw new ContractViolation(`a provider that keeps throttling should end in RateLimited, not ${describeError(error)}`);
    if (!error.message.includes(said) && !String(error.details?.providerMessage ?? '').includes(said)) {
      throw new ContractViolation(`RateLimited should carry the provider's message ("${said}"): ${error.oneLine()}`);
    }
    if (server.requests.length < 2) throw new ContractViolation(`a throttling answer was not retried before giving up (${server.requests.length} request)`);
  });
}

export async function checkMalformedJson(connector: AnyConnector, options: ContractOptions, report: CollectionReport): Promise<void> {
  for (const listing of report.listings) {
    const index = firstRouteOf(listing.requests, listing.name);
    const first = listing.requests[0]!;
    const broken: FixtureResponder = options.malformed?.reply ?? { status: 200, headers: { 'content-type': 'application/json' }, raw: '{"data": [{"id": "1"}, ' };
    await withScenario(connector, options, withFirstReply(options.routes, index, broken, false), async ({ ctx, server }) => {
      const path = options.malformed ? options.malformed.names(first, server.url) : first.path;
      let outcome: ReadOutcome;
      try {
        outcome = await readListing(ctx, listing);
      } catch (e) {
        if (isVigilError(e) && e._tag === 'ProviderError' && e.message.includes(path)) return;
        throw new ContractViolation(`${listing.name}: a malformed body should give a ProviderError naming ${path}, not ${describeError(e)}`);
      }
      throw new ContractViolation(`${listing.name}: a malformed JSON body went unnoticed (outcome: ${outcome.status}, ${outcome.rows} rows)`);
    });
  }
}

export async function checkPermissionDenied(connector: AnyConnector, options: ContractOptions, report: CollectionReport): Promise<void> {
  const said = 'vigil-contract: this token lacks the scope for this';
  for (const listing of report.listings) {
    const index = firstRouteOf(listing.requests, listing.name);
    const denied = (req: RecordedRequest) => errorReplyOf(options)(403, said, req);
    await withScenario(connector, options, withFirstReply(options.routes, index, denied, false), async ({ ctx }) => {
      let outcome: ReadOutcome;
      try {
        outcome = await readListing(ctx, listing);
      } catch (e) {
        throw new ContractViolation(`${listing.name}: a 403 should be recorded as a missing permission, not fail the run: ${describeError(e)}`);
      }
      const recorded = ctx.gaps().some((g) => g.message.includes(said));
      if (outcome.status === 'complete' || !recorded) {
        throw new ContractViolation(`${listing.name}: a 403 was not recorded as a gap with the provider's message (outcome: ${outcome.status})`);
      }
    });
  }
}

export async function checkUnexpectedRequestFails(connector: AnyConnector, options: ContractOptions): Promise<void> {
  await withScenario(connector, options, [], async ({ ctx, server }) => {
    let failed = false;
    try {
      await runTestConnection(ctx);
    } catch {
      failed = true;
    }
    if (!failed) throw new ContractViolation('testConnection succeeded against a server that expected no request');
    if (server.unexpected.length === 0) throw new ContractViolation('testConnection failed without making a request; cannot show an unexpected request is caught');
  });
}

/** Secret values of a config, with the field each came from. */
function secretsOf(ctx: EngineRunContext): { path: string; value: string }[] {
  const found: { path: string; value: string }[] = [];
  mapSecrets(ctx.connector.configSchema, ctx.config, (value, path) => {
    if (typeof value === 'string' && value !== '') found.push({ path: `config.${path}`, value });
    return value;
  });
  for (const value of ctx.connector.auth.create?.(ctx.config).secrets() ?? []) found.push({ path: 'auth header', value });
  return found;
}

function everythingPrinted(e: unknown): string {
  const parts = [inspect(e, { depth: 12 })];
  if (e instanceof Error) parts.push(String(e.stack), JSON.stringify(e));
  if (isVigilError(e)) parts.push(e.oneLine(), JSON.stringify(e.toJSON()));
  return parts.join('\n');
}

export async function checkNoSecretLeaks(connector: AnyConnector, options: ContractOptions, report: CollectionReport): Promise<void> {
  const printed: { where: string; text: string }[] = [
    ...report.logs.map((l) => ({ where: 'a log line of the collection', text: JSON.stringify(l) })),
    // Rows become evidence: a secret mapped into one would be kept for years.
    ...report.listings.map((l) => ({ where: `a row of ${l.name}`, text: JSON.stringify(l.rows) })),
    { where: 'the connection summary', text: JSON.stringify(report.connection ?? null) },
  ];
  let secrets: { path: string; value: string }[] = [];
  const echo = (req: RecordedRequest) =>
    `vigil-contract: rejected ${req.headers.authorization ?? ''} ${secrets.map((s) => s.value).join(' ')} ${Object.values(req.query).join(' ')}`;
  const error = errorReplyOf(options);
  const modes: { name: string; reply: FixtureResponder; http?: HttpOverrides }[] = [
    { name: 'a 401 that echoes the credentials', reply: (req) => error(401, echo(req), req) },
    { name: 'a 403 that echoes the credentials', reply: (req) => error(403, echo(req), req) },
    { name: 'a 500 that echoes the credentials', reply: (req) => error(500, echo(req), req) },
    {
      name: 'a 429 asking to wait a day',
      reply: (req) => {
        const r = error(429, echo(req), req);
        return { ...r, headers: { ...r.headers, 'retry-after': '86400' } };
      },
    },
    { name: 'a malformed body holding the credentials', reply: (req) => ({ status: 200, raw: `{"echo": ${JSON.stringify(echo(req))}, ` }) },
    {
      name: 'a redirect to another host with the credentials in the URL',
      reply: () => ({ status: 302, headers: { location: `http://elsewhere.invalid/collect?k=${encodeURIComponent(secrets.map((s) => s.value).join(','))}` } }),
    },
    { name: 'an answer slower than the timeout', reply: { status: 200, body: {}, delayMs: 1000 }, http: { timeoutMs: 50, retries: 0 } },
  ];
  const run = async (mode: string, ctx: EngineRunContext, logs: LogEntry[], what: () => Promise<unknown>) => {
    try {
      const result = await what();
      printed.push({ where: `the result of ${mode}`, text: JSON.stringify(result) });
    } catch (e) {
      printed.push({ where: `the error of ${mode}`, text: everythingPrinted(e) });
    }
    for (const g of ctx.gaps()) printed.push({ where: `a gap recorded on ${mode}`, text: JSON.stringify(g) });
    for (const l of logs) printed.push({ where: `a log line on ${mode}`, text: JSON.stringify(l) });
  };

  for (const mode of modes) {
    await withScenario(connector, options, everyRoute(options.routes, mode.reply), async ({ ctx, logs }) => {
      secrets = secretsOf(ctx);
      await run(`testConnection with ${mode.name}`, ctx, logs, () => runTestConnection(ctx));
    }, mode.http);
    for (const listing of report.listings) {
      await withScenario(connector, options, everyRoute(options.routes, mode.reply), async ({ ctx, logs }) => {
        await run(`${listing.name} with ${mode.name}`, ctx, logs, () => readListing(ctx, listing));
      }, mode.http);
    }
  }
  // Connection refused: a port that was just free.
  const closed = await startFixtureServer([]);
  const closedUrl = closed.url;
  await closed.close();
  await runAt(connector, options, closedUrl, async ({ ctx, logs }) => {
    await run('testConnection with the connection refused', ctx, logs, () => runTestConnection(ctx));
  }, { retries: 0 });

  if (secrets.length === 0) throw new ContractViolation('the test config has no secret values; give each secret field a distinctive value');
  for (const s of secrets) {
    const forms = [s.value, encodeURIComponent(s.value)];
    const leak = printed.find((p) => forms.some((f) => p.text.includes(f)));
    if (leak) {
      const form = forms.find((f) => leak.text.includes(f))!;
      const at = leak.text.indexOf(form);
      // Show where, never the secret itself: this message is printed by the test runner.
      const excerpt = leak.text.slice(Math.max(0, at - 80), at + form.length + 40).split(form).join('<SECRET>');
      throw new ContractViolation(`the secret in ${s.path} appeared in ${leak.where}: …${excerpt}…`);
    }
  }
}
