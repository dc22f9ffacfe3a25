/**
 * Sources and connectors: health (last success, last error, what could not be read), the config
 * in force with secrets masked, testing a source's connection, collecting now, and each
 * connector's config as JSON Schema for the add-source form. Sources come from vigil.yaml
 * (`origin: config`, changed only there) or are added, changed and deleted here (`origin: api`,
 * stored with their secrets encrypted); every reader sees both (src/core/sources.ts).
 */
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { connectors, getConnector } from '../../connectors/registry.ts';
import { configJsonSchema, createRunContext, redactConfig, runTestConnection, type AnyConnector } from '../../connectors/sdk/index.ts';
import { sourceSchema as sourceConfigSchema } from '../../core/config/schema.ts';
import { effectiveSources, sourceView, type EffectiveSource } from '../../core/sources.ts';
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
  origin: z
    .enum(['config', 'api'])
    .nullable()
    .describe('Where the source is defined: vigil.yaml (config) or added through the API (api); null for one no longer defined, kept for its history.'),
});

const sourceJson = (s: SourceRow, defined: readonly EffectiveSource[]): z.input<typeof sourceSchema> => sourceView(s, defined);

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

/** A defined source (vigil.yaml or stored), read now. */
async function definedSource(ctx: ServerContext, name: string): Promise<EffectiveSource> {
  const all = await effectiveSources(ctx.app, ctx.workspaceId);
  const s = all.find((x) => x.name === name);
  if (!s) throw notFound(`no source named "${name}"`, { hint: `sources: ${all.map((x) => x.name).join(', ') || '(none)'}` });
  return s;
}

const runSchema = z.object({ id: z.string(), startedAt: isoTime(), finishedAt: isoTime().nullable(), status: z.string(), error: z.string().nullable(), stats: z.record(z.string(), z.number()) });
const sourceDetail = sourceSchema.extend({
  config: z.record(z.string(), z.unknown()).nullable().describe('The config in force, every secret "[REDACTED]"; null for a source no longer defined.'),
  runs: z.array(runSchema),
});

/** One source: health, masked config, recent runs. */
async function detail(ctx: ServerContext, name: string): Promise<z.input<typeof sourceDetail>> {
  const s = (await listSources(ctx.app.db.orm, ctx.workspaceId)).find((x) => x.name === name);
  if (!s) throw notFound(`no source named "${name}"`);
  const defined = await effectiveSources(ctx.app, ctx.workspaceId);
  const d = defined.find((x) => x.name === s.name);
  const config =
    d?.origin === 'config'
      ? (redactConfig(getConnector(d.type), d.config) as Record<string, unknown>)
      : d?.origin === 'api'
        ? ((await ctx.app.sourceStore.maskedConfig(ctx.workspaceId, d.name)) ?? null)
        : null;
  const runs = await ctx.app.db.orm
    .select()
    .from(sourceRuns)
    .where(and(eq(sourceRuns.workspaceId, ctx.workspaceId), eq(sourceRuns.source, s.name)))
    .orderBy(desc(sourceRuns.startedAt))
    .limit(20);
  return {
    ...sourceJson(s, defined),
    config,
    runs: runs.map((r) => ({ id: r.id, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null, status: r.status, error: r.error, stats: r.stats })),
  };
}

/** Refuse to change a vigil.yaml source here. */
function notDeclared(ctx: ServerContext, name: string): void {
  if (ctx.app.loaded.config.sources.some((x) => x.name === name)) {
    throw conflict(`source "${name}" is declared in vigil.yaml: edit vigil.yaml to change it`, { where: 'path.name', hint: 'only sources added through the API are changed here' });
  }
}

const httpSchema = sourceConfigSchema.shape.http.unwrap();

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
    handler: async ({ ctx }) => {
      const defined = await effectiveSources(ctx.app, ctx.workspaceId);
      return (await listSources(ctx.app.db.orm, ctx.workspaceId)).map((s) => sourceJson(s, defined));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/sources',
    operationId: 'addSource',
    summary: 'Add a source: validated against its connector, stored with its secrets encrypted, collected on its schedule',
    description:
      'Validates name, type, schedule and config against the connector (400 naming the field on error); 409 when vigil.yaml or an earlier API call already defines the name. Secret fields are encrypted at rest (AES-256-GCM) and never shown again: the answer is the new source with its config masked. Collection starts on its schedule (or POST /api/v1/sources/:name/collect). A name used by a deleted source continues its history.',
    tag,
    access: 'admin',
    status: 201,
    body: z.object({
      name: sourceConfigSchema.shape.name,
      type: z.string().min(1),
      schedule: z.string().min(1).optional().describe('An ISO 8601 duration (PT1H) or a cron expression; default PT1H.'),
      enabled: z.boolean().default(true),
      config: z.record(z.string(), z.unknown()).default({}),
      http: httpSchema.optional(),
    }),
    response: sourceDetail,
    audit: ({ body }) => ({ action: 'source.create', subject: `source/${body.name}`, details: { type: body.type, schedule: body.schedule ?? null, enabled: body.enabled } }),
    handler: async ({ ctx, c, body, principal }) => {
      await ctx.app.sourceStore.add(ctx.workspaceId, body, { reserved: ctx.app.loaded.config.sources.map((s) => s.name), actor: principal.user.id });
      await ctx.app.monitor.sync(ctx.workspaceId);
      return c.json(await detail(ctx, body.name), 201);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/v1/sources/:name',
    operationId: 'updateSource',
    summary: 'Change a source added through the API (schedule, enabled, config); a vigil.yaml source answers 409',
    description:
      '`config` replaces the config, validated again; a secret field left out, or sent as "[REDACTED]" (the masked value), keeps the stored secret; a secret sent as null is removed.',
    tag,
    access: 'admin',
    params: z.object({ name: z.string() }),
    body: z.object({
      schedule: z.string().min(1).nullable().optional().describe('null returns to the default (PT1H).'),
      enabled: z.boolean().optional(),
      config: z.record(z.string(), z.unknown()).optional(),
      http: httpSchema.nullable().optional(),
    }),
    response: sourceDetail,
    audit: ({ params, body }) => ({
      action: 'source.update',
      subject: `source/${params.name}`,
      details: { changed: Object.keys(body).filter((k) => (body as Record<string, unknown>)[k] !== undefined), ...(body.config ? { configFields: Object.keys(body.config) } : {}) },
    }),
    handler: async ({ ctx, params, body }) => {
      notDeclared(ctx, params.name);
      await ctx.app.sourceStore.update(ctx.workspaceId, params.name, body);
      await ctx.app.monitor.sync(ctx.workspaceId);
      return detail(ctx, params.name);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/sources/:name',
    operationId: 'deleteSource',
    summary: 'Delete a source added through the API; what it collected stays',
    description:
      'The source stops being collected and its stored config and secrets are deleted. Its history stays: resources, events, runs and evidence remain, and GET /api/v1/sources lists it disabled with origin null. A vigil.yaml source answers 409 (remove it from the file).',
    tag,
    access: 'admin',
    params: z.object({ name: z.string() }),
    response: z.object({ deleted: z.literal(true), name: z.string() }),
    audit: ({ params }) => ({ action: 'source.delete', subject: `source/${params.name}` }),
    handler: async ({ ctx, params }) => {
      const removed = await ctx.app.sourceStore.remove(ctx.workspaceId, params.name);
      if (!removed) {
        notDeclared(ctx, params.name);
        throw notFound(`no source named "${params.name}" was added through the API`);
      }
      await ctx.app.monitor.sync(ctx.workspaceId);
      return { deleted: true as const, name: params.name };
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
    response: sourceDetail,
    handler: async ({ ctx, params }) => detail(ctx, params.name),
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
      const s = await definedSource(ctx, params.name);
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
      const s = await definedSource(ctx, params.name);
      if (!s.enabled) throw conflict(`source "${s.name}" is disabled${s.origin === 'config' ? ' in vigil.yaml' : ''}`, { hint: s.origin === 'api' ? `enable it: PATCH /api/v1/sources/${s.name} {"enabled": true}` : 'set enabled: true in vigil.yaml' });
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
