/**
 * The connector contract (DESIGN.md "Connector"): a manifest with an id, a zod config schema
 * (secrets marked), how it authenticates, a cheap connection test, and resources and events, each
 * with a zod schema that is its table, a key, and an async generator that lists it.
 *
 * The define* functions check the structure once, at import, so a typo in a primary key fails
 * every test that loads the connector rather than a collection in production.
 */
import type { z } from 'zod';
import { VigilError } from '../../lib/errors.ts';
import type { RunContext } from './context.ts';
import type { AuthProvider } from './http/auth.ts';
import type { ProblemReader } from './http/problem.ts';
import type { RateLimit } from './http/rate-limit.ts';
import type { RetryPolicy } from './http/retry.ts';
import { objectShape } from './schema-meta.ts';

/** A row schema: a zod object whose fields are the table's columns. */
export type RowSchema = z.ZodObject;
export type RowOf<S extends RowSchema> = z.output<S>;
export type FieldOf<S extends RowSchema> = keyof z.output<S> & string;

export interface ResourceDefinition<S extends RowSchema, C> {
  /** kebab-case, unique within the connector: `users`, `branch-protections`. */
  name: string;
  /** One sentence: what a row is. */
  description: string;
  schema: S;
  /** The field (or fields) that identify a row within this connector's source. */
  primaryKey: FieldOf<S> | readonly FieldOf<S>[];
  /**
   * Every row as it is now, yielded one at a time or a page (array) at a time. Method syntax on
   * purpose: a resource typed for its connector's config fits the connector's list.
   */
  list(ctx: RunContext<C>): AsyncIterable<RowOf<S> | RowOf<S>[]>;
}

export interface Resource<S extends RowSchema = RowSchema, C = unknown> extends ResourceDefinition<S, C> {
  readonly kind: 'resource';
}

/** One page of events and the cursor to resume after it (null: start over next time). */
export interface EventPage<R> {
  rows: R[];
  cursor: string | null;
}

export interface EventsDefinition<S extends RowSchema, C> {
  name: string;
  description: string;
  schema: S;
  /** The field that identifies an event (the provider's event id). */
  key: FieldOf<S>;
  /** The field holding when it happened (ISO 8601): the evidence's effective time. */
  time: FieldOf<S>;
  /**
   * Events after `cursor` (null on the first run: the connector picks how far back to start),
   * page by page; the engine stores each page's cursor before asking for the next.
   */
  list(ctx: RunContext<C>, cursor: string | null): AsyncIterable<EventPage<RowOf<S>>>;
}

export interface Events<S extends RowSchema = RowSchema, C = unknown> extends EventsDefinition<S, C> {
  readonly kind: 'events';
}

export interface AuthDeclaration<C> {
  /** How it authenticates, for the docs: "A read-only API token sent as `Authorization: Bearer`". */
  description: string;
  /** The least permissions (scopes, roles) it needs to read everything it lists. */
  permissions: readonly string[];
  /** The request authentication for a config; omit for connectors that do not use `ctx.http`. */
  create?(config: C): AuthProvider;
}

/**
 * A provider answer that means "this does not exist here" rather than "collection failed", e.g.
 * a feature not on the customer's plan. Matched on the HTTP status and/or the provider's code.
 */
export interface NotApplicableRule {
  status?: number;
  code?: string;
  /** Why, for the source's health page: "the audit log needs the Business plan". */
  reason: string;
  /** Resource/event names this applies to (default: all). */
  appliesTo?: readonly string[];
}

export interface ConnectorHttpOptions {
  timeoutMs?: number;
  retries?: number | Partial<RetryPolicy>;
  /** The provider's documented limit for one token, so a source stays under it. */
  rateLimit?: RateLimit;
  /** Where this provider puts its error code and message. */
  readProblem?: ProblemReader;
}

/** What a successful connection test found, shown by `vigil sources test`. */
export interface ConnectionInfo {
  /** One line: "connected to Acme Corp (plan business) as svc-vigil". */
  summary: string;
  details?: Record<string, string | number | boolean>;
}

export interface ConnectorDefinition<CS extends RowSchema> {
  /** kebab-case; the `type` of a source in vigil.yaml, and the connector's folder name. */
  id: string;
  title: string;
  description: string;
  configSchema: CS;
  auth: AuthDeclaration<z.output<CS>>;
  http?: ConnectorHttpOptions;
  /** One cheap request that proves the base URL and credentials work. */
  testConnection(ctx: RunContext<z.output<CS>>): Promise<ConnectionInfo>;
  resources: readonly Resource<RowSchema, z.output<CS>>[];
  events?: readonly Events<RowSchema, z.output<CS>>[];
  notApplicable?: readonly NotApplicableRule[];
}

export interface Connector<C = unknown> {
  readonly kind: 'connector';
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly configSchema: z.ZodType<C>;
  readonly auth: AuthDeclaration<C>;
  readonly http: ConnectorHttpOptions;
  testConnection(ctx: RunContext<C>): Promise<ConnectionInfo>;
  readonly resources: readonly Resource<RowSchema, C>[];
  readonly events: readonly Events<RowSchema, C>[];
  readonly notApplicable: readonly NotApplicableRule[];
}

/**
 * Any connector, whatever its config type: what the registry and the engine hold. Each connector
 * validates its own config at runtime (createRunContext), so the erased type loses nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- config types differ per connector; see above
export type AnyConnector = Connector<any>;

const namePattern = /^[a-z0-9][a-z0-9-]*$/;

const defineError = (where: string, message: string) =>
  new VigilError('Internal', message, { where, hint: 'fix the connector definition' });

function checkFields(where: string, schema: RowSchema, fields: readonly string[], role: string): void {
  const shape = objectShape(schema);
  if (!shape) throw defineError(where, 'the schema must be a z.object()');
  for (const f of fields) {
    if (!(f in shape)) throw defineError(where, `${role} "${f}" is not a field of the schema (fields: ${Object.keys(shape).join(', ')})`);
  }
}

export function defineResource<S extends RowSchema, C>(def: ResourceDefinition<S, C>): Resource<S, C> {
  const where = `resource ${def.name}`;
  if (!namePattern.test(def.name)) throw defineError(where, 'a resource name must be kebab-case (a-z, 0-9, -)');
  const keys: readonly string[] = typeof def.primaryKey === 'string' ? [def.primaryKey] : def.primaryKey;
  if (keys.length === 0) throw defineError(where, 'the primary key names no field');
  checkFields(where, def.schema, keys, 'primary key');
  return Object.freeze({ ...def, kind: 'resource' as const });
}

export function defineEvents<S extends RowSchema, C>(def: EventsDefinition<S, C>): Events<S, C> {
  const where = `events ${def.name}`;
  if (!namePattern.test(def.name)) throw defineError(where, 'an events name must be kebab-case (a-z, 0-9, -)');
  checkFields(where, def.schema, [def.key], 'key');
  checkFields(where, def.schema, [def.time], 'time field');
  return Object.freeze({ ...def, kind: 'events' as const });
}

export function defineConnector<CS extends RowSchema>(def: ConnectorDefinition<CS>): Connector<z.output<CS>> {
  const where = `connector ${def.id}`;
  if (!namePattern.test(def.id)) throw defineError(where, 'a connector id must be kebab-case (a-z, 0-9, -)');
  const events = def.events ?? [];
  const names = [...def.resources.map((r) => r.name), ...events.map((e) => e.name)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw defineError(where, `two resources or events are named "${dup}"`);
  for (const rule of def.notApplicable ?? []) {
    if (rule.status === undefined && rule.code === undefined) throw defineError(where, `the not-applicable rule "${rule.reason}" matches nothing: give a status or a code`);
    const unknown = (rule.appliesTo ?? []).find((n) => !names.includes(n));
    if (unknown) throw defineError(where, `the not-applicable rule "${rule.reason}" names "${unknown}", which this connector does not list`);
  }
  return Object.freeze({
    kind: 'connector' as const,
    id: def.id,
    title: def.title,
    description: def.description,
    // A ZodObject is a ZodType of its output; TypeScript cannot see that through the generic.
    configSchema: def.configSchema as unknown as z.ZodType<z.output<CS>>,
    auth: def.auth,
    http: def.http ?? {},
    testConnection: def.testConnection,
    resources: def.resources,
    events,
    notApplicable: def.notApplicable ?? [],
  });
}
