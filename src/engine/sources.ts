/**
 * Sources — declared in vigil.yaml or added through the API (src/core/sources.ts merges the two) —
 * kept in the `sources` table with their health. Syncing validates every vigil.yaml source's
 * config against its connector (so a typo fails at start, naming the source) and records which
 * resource types and event streams each source provides (for staleness).
 */
import { and, eq, notInArray, sql } from 'drizzle-orm';
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

/** What registering a source needs: no config, so a stored source registers without its secrets. */
export type SourceEntry = Pick<SourceConfig, 'name' | 'type' | 'enabled'> & { schedule?: string | null | undefined };

export async function syncSources(
  db: Executor,
  workspaceId: string,
  list: SourceConfig[],
  options: { file?: string; lookup?: ConnectorLookup } = {},
): Promise<SourceRow[]> {
  validateSources(list, options.file, options.lookup);
  return registerSources(db, workspaceId, list, options.lookup);
}

/**
 * Make `list` the sources of the workspace: insert or update each, and disable every other one —
 * a source removed from the config (or deleted through the API) stops being collected; its
 * history stays.
 */
export async function registerSources(db: Executor, workspaceId: string, list: readonly SourceEntry[], lookup: ConnectorLookup = getConnector): Promise<SourceRow[]> {
  if (list.length) {
    // One statement for every source: names are unique in the list (vigil.yaml refuses duplicates,
    // stored names are a primary key, and the merge drops a stored one vigil.yaml shadows).
    await db
      .insert(sources)
      .values(list.map((s) => ({ workspaceId, name: s.name, type: s.type, schedule: s.schedule ?? null, enabled: s.enabled, provides: providedBy(lookup(s.type)) })))
      .onConflictDoUpdate({
        target: [sources.workspaceId, sources.name],
        set: {
          type: sql`excluded.type`,
          schedule: sql`excluded.schedule`,
          enabled: sql`excluded.enabled`,
          provides: sql`excluded.provides`,
          updatedAt: new Date(),
        },
      });
  }
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
