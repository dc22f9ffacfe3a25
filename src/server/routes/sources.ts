/**
 * Sources and connectors: health (last success, last error, what could not be read), the config
 * in force with secrets masked, testing a source's connection, collecting now, and each
 * connector's config as JSON Schema for the add-source form. Adding a source through the API is
 * not supported yet (501): the form validates and tests a config here and gets the vigil.yaml
 * entry to add, with secrets as ${ENV} references.
 */
import { and, desc, eq } from 'drizzle-orm';
import { stringify } from 'yaml';
import { z } from 'zod';
import { connectors, getConnector } from '../../connectors/registry.ts';
import { configJsonSchema, createRunContext, redactConfig, REDACTED, runTestConnection, type AnyConnector } from '../../connectors/sdk/index.ts';
import { sourceRuns } from '../../db/schema/source-runs.ts';
import type { SourceRow } from '../../db/schema/sources.ts';
import { listSources } from '../../engine/sources.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import type { ServerContext } from '../context.ts';
import { defineRoute } from '../http/route.ts';
import { isoTime } from '../http/schemas.ts';

const missingSchema = z.object({ what: z.string(), message: z.string(), kind: z.enum(['permission', 'not_applicable', 'error']) });

const sourceSchema = z.object({
  name: z.string(),
  type: z.string(),
  title: z.string().describe('The connector’s name.'),
  enabled: z.boolean(),
  status: z.enum(['never_run', 'ok', 'partial', 'failing']),
  schedule: z.string().nullable(),
  lastRunAt: isoTime().nullable(),
  lastSuccessAt: isoTime().nullable(),
  lastErrorAt: isoTime().nullable(),
  lastError: z.string().nullable(),
  lastErrorTag: z.string().nullable(),
  missing: z.array(missingSchema).describe('What the last run could not read, and why.'),
  provides: z.array(z.string()),
});

const titleOf = (type: string) => connectors.find((c) => c.id === type)?.title ?? type;

const sourceJson = (s: SourceRow): z.input<typeof sourceSchema> => ({
  name: s.name,
  type: s.type,
  title: titleOf(s.type),
  enabled: s.enabled,
  status: s.status,
  schedule: s.schedule,
  lastRunAt: s.lastRunAt?.toISOString() ?? null,
  lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null,
  lastErrorAt: s.lastErrorAt?.toISOString() ?? null,
  lastError: s.lastError,
  lastErrorTag: s.lastErrorTag,
  missing: s.missing,
  provides: s.provides,
});

const connectorSchema = z.object({
  type: z.string(),
  title: z.string(),
  description: z.string(),
  auth: z.object({ description: z.string(), permissions: z.array(z.string()) }),
  resources: z.array(z.object({ name: z.string(), description: z.string() })),
  events: z.array(z.object({ name: z.string(), description: z.string() })),
});

const connectorJson = (c: AnyConnector): z.input<typeof connectorSchema> => ({
  type: c.id,
  title: c.title,
  description: c.description,
  auth: { description: c.auth.description, permissions: [...c.auth.permissions] },
  resources: c.resources.map((r) => ({ name: r.name, description: r.description })),
  events: c.events.map((e) => ({ name: e.name, description: e.description })),
});

function connectorOr404(type: string): AnyConnector {
  const c = connectors.find((x) => x.id === type);
  if (!c) throw notFound(`no connector "${type}"`, { hint: `connectors: ${connectors.map((x) => x.id).join(', ')}` });
  return c;
}

function sourceConfig(ctx: ServerContext, name: string) {
  const s = ctx.app.loaded.config.sources.find((x) => x.name === name);
  if (!s) throw notFound(`no source named "${name}" in vigil.yaml`, { hint: `sources: ${ctx.app.loaded.config.sources.map((x) => x.name).join(', ') || '(none)'}` });
  return s;
}

/** The vigil.yaml entry for a config, each secret replaced by an ${ENV} reference to set instead. */
function yamlEntry(connector: AnyConnector, name: string, config: Record<string, unknown>, schedule?: string) {
  const env: string[] = [];
  const walk = (v: unknown, path: string[]): unknown => {
    if (v === REDACTED) {
      const variable = ['VIGIL', name, ...path].join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_');
      env.push(variable);
      return `\${${variable}}`;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, String(i)]));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    return v;
  };
  const masked = walk(redactConfig(connector, config), []) as Record<string, unknown>;
  const entry = { name, type: connector.id, ...(schedule ? { schedule } : {}), config: masked };
  return { yaml: stringify({ sources: [entry] }), env };
}

const testResult = z.object({
  ok: z.literal(true),
  summary: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  config: z.record(z.string(), z.unknown()).describe('The parsed config with every secret masked.'),
});

/** Collections started through the API and still running, so a second click does not start another. */
const running = new Map<string, Promise<unknown>>();

/** Resolves when every collection started through the API has finished (tests, shutdown). */
export async function collectionsSettled(): Promise<void> {
  await Promise.allSettled([...running.values()]);
}

const tag = 'sources';

export const sourceRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/sources',
    operationId: 'listSources',
    summary: 'Sources and their health',
    tag,
    access: 'read:operations',
    response: z.array(sourceSchema),
    handler: async ({ ctx }) => (await listSources(ctx.app.db.orm, ctx.workspaceId)).map(sourceJson),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/sources',
    operationId: 'addSource',
    summary: 'Not supported yet (501): validates the source and answers with the vigil.yaml entry to add',
    description:
      'Sources are declared in vigil.yaml for now, with secrets as ${ENV} references. This validates name, type and config against the connector (400 with the field on error), then answers 501 with `yaml` (the entry) and `env` (the variables to set).',
    tag,
    access: 'admin',
    safe: true,
    body: z.object({
      name: z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, 'a lower-case name of letters, digits, - and _'),
      type: z.string(),
      schedule: z.string().optional(),
      config: z.record(z.string(), z.unknown()).default({}),
    }),
    raw: { mediaType: 'application/json', description: '501 with { error: "NotImplemented", message, hint, yaml, env }.' },
    handler: async ({ ctx, c, body }) => {
      const connector = connectorOr404(body.type);
      const config = createRunContext({ connector, config: body.config, clock: ctx.app.clock, where: 'body.config' }).config as Record<string, unknown>;
      if (ctx.app.loaded.config.sources.some((s) => s.name === body.name)) throw conflict(`a source named "${body.name}" already exists`, { where: 'body.name' });
      const { yaml, env } = yamlEntry(connector, body.name, config, body.schedule);
      return c.json(
        {
          error: 'NotImplemented',
          message: 'adding a source through the API is not supported yet: sources are declared in vigil.yaml',
          hint: `add this entry under sources: in vigil.yaml, set ${env.length ? env.join(', ') : 'no variables'} in the environment, and restart Vigil`,
          yaml,
          env,
        },
        501,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/sources/:name',
    operationId: 'getSource',
    summary: 'One source: health, its config with secrets masked, and its recent runs',
    tag,
    access: 'read:operations',
    params: z.object({ name: z.string() }),
    response: sourceSchema.extend({
      config: z.record(z.string(), z.unknown()).nullable().describe('As in vigil.yaml, secrets masked; null for a source no longer in the file.'),
      runs: z.array(z.object({ id: z.string(), startedAt: isoTime(), finishedAt: isoTime().nullable(), status: z.string(), error: z.string().nullable(), stats: z.record(z.string(), z.number()) })),
    }),
    handler: async ({ ctx, params }) => {
      const s = (await listSources(ctx.app.db.orm, ctx.workspaceId)).find((x) => x.name === params.name);
      if (!s) throw notFound(`no source named "${params.name}"`);
      const declared = ctx.app.loaded.config.sources.find((x) => x.name === s.name);
      const runs = await ctx.app.db.orm
        .select()
        .from(sourceRuns)
        .where(and(eq(sourceRuns.workspaceId, ctx.workspaceId), eq(sourceRuns.source, s.name)))
        .orderBy(desc(sourceRuns.startedAt))
        .limit(20);
      return {
        ...sourceJson(s),
        config: declared ? (redactConfig(getConnector(declared.type), declared.config) as Record<string, unknown>) : null,
        runs: runs.map((r) => ({ id: r.id, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null, status: r.status, error: r.error, stats: r.stats })),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/sources/:name/test',
    operationId: 'testSource',
    summary: "Try a source's credentials and base URL with one cheap request",
    tag,
    access: 'admin',
    params: z.object({ name: z.string() }),
    response: testResult,
    audit: ({ params }) => ({ action: 'source.test', subject: `source/${params.name}` }),
    handler: async ({ ctx, params }) => {
      const s = sourceConfig(ctx, params.name);
      const connector = getConnector(s.type);
      const run = createRunContext({ connector, config: s.config, clock: ctx.app.clock, where: `source ${s.name}` });
      const info = await runTestConnection(run);
      return { ok: true as const, ...info, config: redactConfig(connector, run.config) as Record<string, unknown> };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/sources/:name/collect',
    operationId: 'collectSource',
    summary: 'Collect a source now, then judge what changed (runs in the background; watch /api/v1/events)',
    tag,
    access: 'admin',
    status: 202,
    params: z.object({ name: z.string() }),
    response: z.object({ started: z.literal(true), source: z.string() }),
    audit: ({ params }) => ({ action: 'source.collect', subject: `source/${params.name}` }),
    handler: async ({ ctx, params }) => {
      const s = sourceConfig(ctx, params.name);
      if (!s.enabled) throw conflict(`source "${s.name}" is disabled in vigil.yaml`);
      const key = `${ctx.workspaceId}/${s.name}`;
      if (running.has(key)) throw conflict(`a collection of "${s.name}" started from the API is still running`);
      running.set(
        key,
        ctx.app.monitor
          .collect(ctx.workspaceId, s.name)
          .catch((e: unknown) => console.error(`collect ${s.name}: ${(e as Error).message}`))
          .finally(() => running.delete(key)),
      );
      return { started: true as const, source: s.name };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/connectors',
    operationId: 'listConnectors',
    summary: 'The connectors Vigil ships: what each collects and how it authenticates',
    tag,
    access: 'read:operations',
    response: z.array(connectorSchema),
    handler: async () => connectors.map(connectorJson),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/connectors/:type',
    operationId: 'getConnector',
    summary: "A connector with its config's JSON Schema (for the add-source form; secret fields carry x-secret and writeOnly)",
    tag,
    access: 'read:operations',
    params: z.object({ type: z.string() }),
    response: connectorSchema.extend({ configSchema: z.record(z.string(), z.unknown()) }),
    handler: async ({ params }) => {
      const c = connectorOr404(params.type);
      return { ...connectorJson(c), configSchema: configJsonSchema(c) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/connectors/:type/test',
    operationId: 'testConnectorConfig',
    summary: 'Validate a config for this connector and try its connection, before adding it as a source',
    tag,
    access: 'admin',
    params: z.object({ type: z.string() }),
    body: z.object({ config: z.record(z.string(), z.unknown()) }),
    response: testResult,
    audit: ({ params }) => ({ action: 'connector.test', subject: `connector/${params.type}` }),
    handler: async ({ ctx, params, body }) => {
      const connector = connectorOr404(params.type);
      const run = createRunContext({ connector, config: body.config, clock: ctx.app.clock, where: 'body.config' });
      const info = await runTestConnection(run);
      return { ok: true as const, ...info, config: redactConfig(connector, run.config) as Record<string, unknown> };
    },
  }),
];
