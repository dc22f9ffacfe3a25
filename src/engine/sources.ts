/**
 * Sources as declared in vigil.yaml, kept in the `sources` table with their health. Syncing
 * validates every source's config against its connector (so a typo fails at start, naming the
 * source) and records which resource types and event streams it provides (for staleness).
 */
import { and, eq, notInArray } from 'drizzle-orm';
import { VigilError, isVigilError } from '../lib/errors.ts';
import type { Executor } from '../db/client.ts';
import { sources, type SourceRow } from '../db/schema/sources.ts';
import type { SourceConfig } from '../core/config/schema.ts';
import { getConnector } from '../connectors/registry.ts';
import { parseConnectorConfig, type AnyConnector } from '../connectors/sdk/index.ts';

/** `okta.users`, `okta.system-log`: how a connector's resources and events are named in storage. */
export const typeName = (connector: Pick<AnyConnector, 'id'>, name: string) => `${connector.id}.${name}`;

export function providedBy(connector: AnyConnector): string[] {
  return [...connector.resources.map((r) => typeName(connector, r.name)), ...connector.events.map((e) => typeName(connector, e.name))];
}

export type ConnectorLookup = (type: string) => AnyConnector;

/** Check every source against its connector without touching the database. */
export function validateSources(list: SourceConfig[], file = 'vigil.yaml', lookup: ConnectorLookup = getConnector): void {
  list.forEach((s, i) => {
    const where = `${file}: sources[${i}] (${s.name})`;
    let connector: AnyConnector;
    try {
      connector = lookup(s.type);
    } catch (e) {
      if (!isVigilError(e)) throw e;
      throw new VigilError(e._tag, e.message, { where: `${where}.type`, ...(e.hint ? { hint: e.hint } : {}), ...(e.details ? { details: e.details } : {}) });
    }
    parseConnectorConfig(connector, s.config, `${where}.config`);
  });
}

export async function syncSources(
  db: Executor,
  workspaceId: string,
  list: SourceConfig[],
  options: { file?: string; lookup?: ConnectorLookup } = {},
): Promise<SourceRow[]> {
  const lookup = options.lookup ?? getConnector;
  validateSources(list, options.file, lookup);
  for (const s of list) {
    const connector = lookup(s.type);
    const values = {
      workspaceId,
      name: s.name,
      type: s.type,
      schedule: s.schedule ?? null,
      enabled: s.enabled,
      provides: providedBy(connector),
    };
    await db
      .insert(sources)
      .values(values)
      .onConflictDoUpdate({
        target: [sources.workspaceId, sources.name],
        set: { type: values.type, schedule: values.schedule, enabled: values.enabled, provides: values.provides, updatedAt: new Date() },
      });
  }
  // A source removed from the config stops being collected; its history stays.
  const names = list.map((s) => s.name);
  await db
    .update(sources)
    .set({ enabled: false, updatedAt: new Date() })
    .where(and(eq(sources.workspaceId, workspaceId), names.length ? notInArray(sources.name, names) : undefined));
  return db.select().from(sources).where(eq(sources.workspaceId, workspaceId)).orderBy(sources.name);
}

export async function listSources(db: Executor, workspaceId: string): Promise<SourceRow[]> {
  return db.select().from(sources).where(eq(sources.workspaceId, workspaceId)).orderBy(sources.name);
}
