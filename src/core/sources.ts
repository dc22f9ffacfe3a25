/**
 * The sources Vigil collects: those vigil.yaml declares and those added through the API (stored
 * in `source_configs`, secrets sealed with AES-256-GCM). `effectiveSources` is the one merged list
 * every reader uses — the monitor (sync and collect), the workers, `vigil sources`, scan imports,
 * the API — read from the database each time, so a worker in another process sees a source the
 * moment it is added.
 *
 * A stored source's config is opened only when something reads `config` (collecting, testing):
 * listing sources never needs the key, and a missing or wrong key fails that one source with an
 * error that names it — recorded as its last error when it is collected — rather than Vigil.
 * vigil.yaml wins: a stored source whose name the file also declares is left out of the list.
 */
import { and, eq } from 'drizzle-orm';
import { CronExpressionParser } from 'cron-parser';
import type { Database } from '../db/client.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import { sourceConfigs, type SourceConfigRow } from '../db/schema/source-configs.ts';
import type { Clock } from '../lib/clock.ts';
import { VigilError, conflict, invalidInput, isVigilError, notFound } from '../lib/errors.ts';
import { connectors, getConnector } from '../connectors/registry.ts';
import { parseConnectorConfig, redactConfig, REDACTED, type AnyConnector } from '../connectors/sdk/index.ts';
import { mapSecrets } from '../connectors/sdk/schema-meta.ts';
import type { ConnectorLookup } from '../engine/sources.ts';
import type { SourceConfig, VigilConfig } from './config/schema.ts';
import { isSealed, type SecretBox } from './secret-box.ts';

export type SourceOrigin = 'config' | 'api';

/** A source as the rest of Vigil sees it, wherever it was defined. */
export type EffectiveSource = SourceConfig & { readonly origin: SourceOrigin };

export interface NewSource {
  name: string;
  type: string;
  schedule?: string | null | undefined;
  enabled?: boolean | undefined;
  config: Record<string, unknown>;
  http?: SourceConfig['http'] | null | undefined;
}

/**
 * A change to a stored source. `config` replaces the config, except that a secret field left out
 * or sent as "[REDACTED]" (the masked value the API shows) keeps the stored secret, and a secret
 * sent as null is removed.
 */
export interface SourcePatch {
  schedule?: string | null | undefined;
  enabled?: boolean | undefined;
  config?: Record<string, unknown> | undefined;
  http?: SourceConfig['http'] | null | undefined;
}

export interface SourceStoreDeps {
  db: Database;
  clock: Clock;
  secrets: SecretBox;
  lookup?: ConnectorLookup;
}

const owner = (name: string) => `source ${name}`;
const aad = (workspaceId: string, name: string, path: string) => `${workspaceId}/source/${name}/${path}`;

const SCHEDULE_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** A schedule the scheduler can use: an ISO 8601 duration or a cron expression. */
export function checkSchedule(schedule: string, where: string): void {
  if (schedule.startsWith('P')) {
    if (!SCHEDULE_DURATION.test(schedule)) throw invalidInput(`"${schedule}" is not an ISO 8601 duration such as PT1H or P1D`, { where });
    return;
  }
  try {
    CronExpressionParser.parse(schedule, { tz: 'UTC' });
  } catch (e) {
    throw invalidInput(`"${schedule}" is neither an ISO 8601 duration (PT1H) nor a cron expression (0 * * * *): ${(e as Error).message}`, { where });
  }
}

/** Validate a config against its connector; the error names the field (`body.config.token`). */
export function checkConnectorConfig(connector: AnyConnector, config: Record<string, unknown>, where: string): void {
  try {
    parseConnectorConfig(connector, config, where);
  } catch (e) {
    if (!isVigilError(e) || e._tag !== 'InvalidConfig') throw e;
    const issues = (e.details?.issues as { path: string; message: string }[] | undefined) ?? [];
    const field = issues[0] && issues[0].path !== '(config)' ? `${where}.${issues[0].path}` : (e.where ?? where);
    throw new VigilError('InvalidInput', e.message, { where: field, ...(e.hint ? { hint: e.hint } : {}), ...(e.details ? { details: e.details } : {}) });
  }
}

/** Read or set a value at a dotted path as mapSecrets names it (`smtp.password`, `keys.0.secret`). */
function parentOf(root: unknown, path: string): [Record<string, unknown> | unknown[] | undefined, string] {
  const parts = path.split('.');
  const last = parts.pop()!;
  let at: unknown = root;
  for (const p of parts) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[p] : undefined;
  return [at && typeof at === 'object' ? (at as Record<string, unknown>) : undefined, last];
}

export function createSourceStore(deps: SourceStoreDeps) {
  const { db, clock, secrets } = deps;
  const lookup = deps.lookup ?? getConnector;

  /** The stored config with every secret opened; throws an error naming the source when it cannot. */
  function openConfig(row: SourceConfigRow): Record<string, unknown> {
    const connector = lookup(row.type);
    return mapSecrets(connector.configSchema, row.config, (v, path) =>
      isSealed(v) ? secrets.open(v, aad(row.workspaceId, row.name, path), owner(row.name)) : v,
    ) as Record<string, unknown>;
  }

  function seal(workspaceId: string, name: string, connector: AnyConnector, plain: Record<string, unknown>): Record<string, unknown> {
    return mapSecrets(connector.configSchema, plain, (v, path) => (typeof v === 'string' && v !== '' ? secrets.seal(v, aad(workspaceId, name, path)) : v)) as Record<
      string,
      unknown
    >;
  }

  function toSource(row: SourceConfigRow): EffectiveSource {
    let plain: Record<string, unknown> | undefined;
    const s = {
      name: row.name,
      type: row.type,
      enabled: row.enabled,
      origin: 'api' as const,
      ...(row.schedule ? { schedule: row.schedule } : {}),
      ...(row.http ? { http: row.http } : {}),
    };
    // Opened on first read, so listing needs no key; collectSource reads it inside its run, so a
    // key problem is recorded as this source's error.
    Object.defineProperty(s, 'config', { enumerable: true, get: () => (plain ??= openConfig(row)) });
    return s as EffectiveSource;
  }

  async function row(workspaceId: string, name: string): Promise<SourceConfigRow | undefined> {
    const [r] = await db.orm
      .select()
      .from(sourceConfigs)
      .where(and(eq(sourceConfigs.workspaceId, workspaceId), eq(sourceConfigs.name, name)));
    return r;
  }

  return {
    async list(workspaceId: string): Promise<EffectiveSource[]> {
      const rows = await db.orm.select().from(sourceConfigs).where(eq(sourceConfigs.workspaceId, workspaceId)).orderBy(sourceConfigs.name);
      return rows.map(toSource);
    },

    async get(workspaceId: string, name: string): Promise<EffectiveSource | undefined> {
      const r = await row(workspaceId, name);
      return r ? toSource(r) : undefined;
    },

    /** The stored config safe to show: secrets "[REDACTED]" (masked without the key if it cannot be opened). */
    async maskedConfig(workspaceId: string, name: string): Promise<Record<string, unknown> | undefined> {
      const r = await row(workspaceId, name);
      if (!r) return undefined;
      const connector = lookup(r.type);
      try {
        return redactConfig(connector, openConfig(r));
      } catch (e) {
        if (!isVigilError(e)) throw e;
        return mapSecrets(connector.configSchema, r.config, () => REDACTED) as Record<string, unknown>;
      }
    },

    /** Store a new source, validated against its connector. `reserved`: names vigil.yaml declares. */
    async add(workspaceId: string, input: NewSource, options: { reserved?: readonly string[]; actor?: string | undefined } = {}): Promise<EffectiveSource> {
      if (options.reserved?.includes(input.name)) throw conflict(`a source named "${input.name}" is declared in vigil.yaml`, { where: 'body.name', hint: 'choose another name' });
      let connector: AnyConnector;
      try {
        connector = lookup(input.type);
      } catch (e) {
        if (isVigilError(e)) throw new VigilError('InvalidInput', e.message, { where: 'body.type', ...(e.hint ? { hint: e.hint } : {}) });
        throw e;
      }
      if (input.schedule) checkSchedule(input.schedule, 'body.schedule');
      mapSecrets(connector.configSchema, input.config, (v, path) => {
        if (v === REDACTED) throw invalidInput('send the secret itself: "[REDACTED]" only stands for a stored one', { where: `body.config.${path}` });
        return v;
      });
      checkConnectorConfig(connector, input.config, 'body.config');
      const now = clock.now();
      const inserted = await db.orm
        .insert(sourceConfigs)
        .values({
          workspaceId,
          name: input.name,
          type: input.type,
          schedule: input.schedule ?? null,
          enabled: input.enabled ?? true,
          config: seal(workspaceId, input.name, connector, input.config),
          http: input.http ?? null,
          createdBy: options.actor ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!inserted[0]) throw conflict(`a source named "${input.name}" already exists`, { where: 'body.name', hint: 'choose another name, or change that source' });
      return toSource(inserted[0]);
    },

    async update(workspaceId: string, name: string, patch: SourcePatch): Promise<EffectiveSource> {
      const r = await row(workspaceId, name);
      if (!r) throw notFound(`no source named "${name}" was added through the API`);
      const connector = lookup(r.type);
      if (patch.schedule) checkSchedule(patch.schedule, 'body.schedule');
      let config = r.config;
      if (patch.config) {
        const stored = openConfig(r);
        const kept = new Map<string, unknown>();
        mapSecrets(connector.configSchema, stored, (v, path) => {
          kept.set(path, v);
          return v;
        });
        const next = mapSecrets(connector.configSchema, structuredClone(patch.config), (v, path) => (v === REDACTED ? kept.get(path) : v)) as Record<string, unknown>;
        for (const [path, value] of kept) {
          const [parent, key] = parentOf(next, path);
          if (!parent) continue;
          const current = (parent as Record<string, unknown>)[key];
          if (current === null) delete (parent as Record<string, unknown>)[key];
          else if (current === undefined) (parent as Record<string, unknown>)[key] = value;
        }
        checkConnectorConfig(connector, next, 'body.config');
        config = seal(workspaceId, name, connector, next);
      }
      const [updated] = await db.orm
        .update(sourceConfigs)
        .set({
          config,
          ...(patch.schedule !== undefined ? { schedule: patch.schedule } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
          ...(patch.http !== undefined ? { http: patch.http } : {}),
          updatedAt: clock.now(),
        })
        .where(and(eq(sourceConfigs.workspaceId, workspaceId), eq(sourceConfigs.name, name)))
        .returning();
      if (!updated) throw notFound(`no source named "${name}" was added through the API`);
      return toSource(updated);
    },

    /** Forget a stored source; what it collected (resources, events, evidence, runs) stays. */
    async remove(workspaceId: string, name: string): Promise<boolean> {
      const gone = await db.orm
        .delete(sourceConfigs)
        .where(and(eq(sourceConfigs.workspaceId, workspaceId), eq(sourceConfigs.name, name)))
        .returning({ name: sourceConfigs.name });
      return gone.length > 0;
    },
  };
}

export type SourceStore = ReturnType<typeof createSourceStore>;

const fromConfig = (s: SourceConfig): EffectiveSource => ({ ...s, origin: 'config' as const });

/** vigil.yaml's sources, then the stored ones it does not shadow. */
export async function listEffectiveSources(config: Pick<VigilConfig, 'sources'>, store: SourceStore | undefined, workspaceId: string): Promise<EffectiveSource[]> {
  const declared = config.sources.map(fromConfig);
  if (!store) return declared;
  const names = new Set(declared.map((s) => s.name));
  return [...declared, ...(await store.list(workspaceId)).filter((s) => !names.has(s.name))];
}

/** Every source of the workspace, as the rest of Vigil must see them (vigil.yaml + API). */
export function effectiveSources(app: { loaded: { config: Pick<VigilConfig, 'sources'> }; sourceStore: SourceStore }, workspaceId: string): Promise<EffectiveSource[]> {
  return listEffectiveSources(app.loaded.config, app.sourceStore, workspaceId);
}

/**
 * A source's health as the API and `vigil sources --json` show it: its row, its connector's title,
 * and where it is defined (null for one no longer defined, kept for its history).
 */
export function sourceView(s: SourceRow, defined: readonly EffectiveSource[]) {
  return {
    name: s.name,
    type: s.type,
    title: connectors.find((c) => c.id === s.type)?.title ?? s.type,
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
    origin: defined.find((d) => d.name === s.name)?.origin ?? null,
  };
}
