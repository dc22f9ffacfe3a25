/**
 * The connector SDK's public surface. Connectors import from here; the engine uses the run
 * helpers (createRunContext, runTestConnection, readResource, readEvents). Test helpers live in
 * ./testing/index.ts, apart, because they import vitest.
 */
export { defineConnector, defineResource, defineEvents } from './define.ts';
export type {
  AnyConnector,
  AuthDeclaration,
  ConnectionInfo,
  Connector,
  ConnectorDefinition,
  ConnectorHttpOptions,
  EventPage,
  Events,
  EventsDefinition,
  FieldOf,
  NotApplicableRule,
  Resource,
  ResourceDefinition,
  RowOf,
  RowSchema,
} from './define.ts';
export { secret, descriptionOf, hasSecretFields, isSecret, SECRET_META_KEY } from './schema-meta.ts';
export { configJsonSchema, redactConfig, secretValues } from './secrets.ts';
export { checkBaseUrl, httpFields, isLoopbackHost } from './base-url.ts';
export { createRunContext, parseConnectorConfig } from './context.ts';
export type { CreateRunContextOptions, EngineRunContext, Gap, RunContext } from './context.ts';
export { readEvents, readResource, runTestConnection } from './run.ts';
export type { ReadOutcome, Row } from './run.ts';
export { createRedactor, sanitizeError, REDACTED } from './redactor.ts';
export type { Redactor } from './redactor.ts';
export type { LogEntry, LogLevel, Logger } from './log.ts';
export { realSleep } from './time.ts';
export type { Sleep } from './time.ts';
export { createHttpClient } from './http/client.ts';
export type { HttpClient, HttpClientOptions, HttpResponse, Query, RequestOptions } from './http/client.ts';
export { basicAuth, bearerAuth, headerAuth, noAuth } from './http/auth.ts';
export type { AuthProvider } from './http/auth.ts';
export { readProblem } from './http/problem.ts';
export type { ProblemReader, ProviderProblem } from './http/problem.ts';
export type { RateLimit } from './http/rate-limit.ts';
export { defaultRetryPolicy } from './http/retry.ts';
export type { RetryPolicy } from './http/retry.ts';
export { parseLinkHeader, linkWithRel } from './http/link-header.ts';
export { paginateCursor, paginateLinkHeader, paginateNextUrl, paginateOffset, paginatePageToken } from './http/paginate.ts';
export type { Page } from './http/paginate.ts';
export { renderConnectorDoc, renderConnectorDocs, renderConnectorIndex } from './docs.ts';
