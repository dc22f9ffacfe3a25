/**
 * The run context a connector works in: its validated config, an HTTP client bound to the
 * source's base URL and credentials, cancellation, the clock, a log that redacts, and the two
 * ways to say "I could not read this" without failing. The engine makes one per collection run
 * with `createRunContext` and reads the gaps afterwards.
 */
import { systemClock, type Clock } from '../../lib/clock.ts';
import { VigilError } from '../../lib/errors.ts';
import { checkBaseUrl } from './base-url.ts';
import type { Connector } from './define.ts';
import { createHttpClient, type HttpClient, type HttpClientOptions } from './http/client.ts';
import { createLogger, type LogEntry, type Logger } from './log.ts';
import { createRedactor, type Redactor } from './redactor.ts';
import { secretValues } from './secrets.ts';
import type { Sleep } from './time.ts';

export interface RunContext<C = unknown> {
  /** The connector's id. */
  readonly connectorId: string;
  readonly config: C;
  /** The HTTP client for the config's `baseUrl` and credentials. */
  readonly http: HttpClient;
  /** Aborted when the run is cancelled; pass it to anything long. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly log: Logger;
  /** Record that `what` (a resource, a field, a scope) could not be read for lack of permission. */
  permissionMissing(what: string, providerMessage: string): void;
  /** Record that `what` does not exist for this customer (plan, region, feature off). */
  notApplicable(what: string, reason: string): void;
}

/** Something a run could not read, and why: the "what it could not read" of source health. */
export interface Gap {
  kind: 'permission_missing' | 'not_applicable';
  what: string;
  /** The provider's message (permission) or the reason (not applicable), redacted. */
  message: string;
  /** ISO 8601, UTC. */
  at: string;
}

export interface EngineRunContext<C = unknown> extends RunContext<C> {
  readonly connector: Connector<C>;
  /** Knows this run's secrets; use it on anything from the run that leaves the process. */
  readonly redactor: Redactor;
  /** Names the source in errors, e.g. "source okta-prod". */
  readonly where: string;
  gaps(): readonly Gap[];
}

export interface CreateRunContextOptions<C> {
  connector: Connector<C>;
  /** The source's config as written (vigil.yaml); validated against the connector's schema here. */
  config: unknown;
  clock?: Clock;
  signal?: AbortSignal;
  onLog?: (entry: LogEntry) => void;
  /** Names the source in errors and logs (default: "connector <id>"). */
  where?: string;
  /** Overrides of the connector's HTTP settings (tests shorten timeouts; the engine may tune). */
  http?: Pick<HttpClientOptions, 'timeoutMs' | 'retries' | 'rateLimit' | 'random'>;
  /** Injected waiting for backoff and rate limits (tests: testing/test-time.ts). */
  sleep?: Sleep;
}

/** Validate a source's config against its connector's schema; errors never echo secret values. */
export function parseConnectorConfig<C>(connector: Connector<C>, raw: unknown, where = `connector ${connector.id}`): C {
  const redactor = createRedactor(secretValues(connector.configSchema, raw));
  const result = connector.configSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(config)', message: redactor.redact(i.message) }));
    throw new VigilError('InvalidConfig', `the ${connector.id} config is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      where,
      hint: `see docs/connectors/${connector.id}.md for the fields`,
      details: { issues },
    });
  }
  const config = result.data;
  const fields = config as { baseUrl?: unknown; allowInsecureHttp?: unknown };
  if (typeof fields.baseUrl === 'string') {
    checkBaseUrl(fields.baseUrl, { allowInsecureHttp: fields.allowInsecureHttp === true, where: `${where}: baseUrl` });
  }
  return config;
}

export function createRunContext<C>(options: CreateRunContextOptions<C>): EngineRunContext<C> {
  const { connector } = options;
  const where = options.where ?? `connector ${connector.id}`;
  const config = parseConnectorConfig(connector, options.config, where);
  const clock = options.clock ?? systemClock;
  const signal = options.signal ?? new AbortController().signal;
  const redactor = createRedactor(secretValues(connector.configSchema, config));
  const log = createLogger({ redactor, clock, sink: options.onLog ?? (() => {}), fields: { connector: connector.id } });
  const gaps: Gap[] = [];
  const gap = (kind: Gap['kind'], what: string, message: string) => {
    const entry = { kind, what, message: redactor.redact(message), at: clock.now().toISOString() };
    gaps.push(entry);
    log.warn(kind === 'permission_missing' ? `cannot read ${what}: missing permission: ${entry.message}` : `${what} is not applicable: ${entry.message}`);
  };

  let http: HttpClient | undefined;
  const httpClient = (): HttpClient => {
    if (http) return http;
    const fields = config as { baseUrl?: unknown; allowInsecureHttp?: unknown };
    if (typeof fields.baseUrl !== 'string') {
      throw new VigilError('Internal', `connector ${connector.id} used ctx.http but its config has no baseUrl`, {
        where,
        hint: 'spread httpFields() into the connector config schema',
      });
    }
    http = createHttpClient({
      baseUrl: fields.baseUrl,
      allowInsecureHttp: fields.allowInsecureHttp === true,
      ...(connector.auth.create ? { auth: connector.auth.create(config) } : {}),
      ...connector.http,
      ...options.http,
      redactor,
      userAgent: `vigil-connector/${connector.id}`,
      where,
      // Pacing and back-off happen in physical time. A test that injects `sleep` drives a matching
      // test clock; otherwise the business clock (which tests may freeze) must not pace requests,
      // or a frozen clock would never refill the rate limiter.
      clock: options.sleep ? clock : systemClock,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      signal,
      log,
    });
    return http;
  };

  return {
    connector,
    connectorId: connector.id,
    config,
    get http() {
      return httpClient();
    },
    signal,
    clock,
    log,
    redactor,
    where,
    permissionMissing: (what, providerMessage) => gap('permission_missing', what, providerMessage),
    notApplicable: (what, reason) => gap('not_applicable', what, reason),
    gaps: () => [...gaps],
  };
}
