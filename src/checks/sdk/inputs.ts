/**
 * What a check reads: current resources of a type and events of a stream, scoped to one workspace.
 * Rows carry the evidence record that holds them, so a result can name what it was judged on.
 * Reads can be narrowed (some keys, a field's values, an event type), and `changes` lists the rows
 * written since an instant — what an incremental evaluation re-judges.
 */
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../../db/client.ts';
import { resourceSnapshots } from '../../db/schema/resource-snapshots.ts';
import { events } from '../../db/schema/events.ts';
import { resources } from '../../db/schema/resources.ts';

export interface ResourceInput<T = Record<string, unknown>> {
  source: string;
  type: string;
  key: string;
  data: T;
  evidenceId: string | null;
  firstSeenAt: Date;
  changedAt: Date;
}

export interface EventInput<T = Record<string, unknown>> {
  source: string;
  stream: string;
  key: string;
  occurredAt: Date;
  data: T;
  evidenceId: string | null;
}

/** A resource a complete collection no longer found: gone from the provider since `deletedAt`. */
export interface RemovedResourceInput<T = Record<string, unknown>> extends ResourceInput<T> {
  /** The collection that first stopped seeing it. */
  deletedAt: Date;
}

/** Which current rows of a type to read (all of them without a filter). */
export interface ResourceFilter {
  /** Only the rows with these keys. */
  keys?: readonly string[];
  /** Only the rows whose top-level field `field` (as text) is one of `in`. */
  where?: { field: string; in: readonly string[] };
}

/** A row written (added, changed or marked deleted) since an instant: what an incremental run re-judges. */
export interface ResourceChange<T = Record<string, unknown>> {
  source: string;
  type: string;
  key: string;
  /** The row as last collected (for a deleted row, as it was before it disappeared). */
  data: T;
  deleted: boolean;
}

export interface EventRange {
  since?: Date;
  until?: Date;
  /** Only events whose top-level field `field` (as text) is one of `in`, e.g. an event type. */
  where?: { field: string; in: readonly string[] };
}

export interface InputReader {
  resources<T = Record<string, unknown>>(type: string, filter?: ResourceFilter): Promise<ResourceInput<T>[]>;
  /** Rows of a type written at or after `since`, deleted ones included (changed-since reads). */
  changes<T = Record<string, unknown>>(type: string, since: Date): Promise<ResourceChange<T>[]>;
  /** Resources of a type gone from the inventory (as last seen), removed at or after `since`. */
  removed<T = Record<string, unknown>>(type: string, since?: Date): Promise<RemovedResourceInput<T>[]>;
  events<T = Record<string, unknown>>(stream: string, range?: EventRange): Promise<EventInput<T>[]>;
  /** The evidence ids of the latest snapshots of these resource types. */
  snapshots(types: string[]): Promise<string[]>;
  /**
   * Run a user's SELECT in a read-only transaction where the views vigil_resources and
   * vigil_events show only this workspace (checks as code).
   */
  select<T = Record<string, unknown>>(query: string, options?: { timeoutMs?: number }): Promise<T[]>;
}

/** The columns a check reads of an inventory row. */
const resourceColumns = {
  source: resources.source,
  type: resources.type,
  key: resources.key,
  data: resources.data,
  evidenceId: resources.evidenceId,
  firstSeenAt: resources.firstSeenAt,
  changedAt: resources.changedAt,
};

export function createInputReader(db: Executor, workspaceId: string): InputReader {
  return {
    async resources<T>(type: string, filter: ResourceFilter = {}) {
      const conds = [eq(resources.workspaceId, workspaceId), eq(resources.type, type), isNull(resources.deletedAt)];
      if (filter.keys) conds.push(sql`${resources.key} = ANY(${sql.param([...filter.keys])}::text[])`);
      if (filter.where) conds.push(sql`${resources.data} ->> ${filter.where.field} = ANY(${sql.param([...filter.where.in])}::text[])`);
      const rows = await db.select(resourceColumns).from(resources).where(and(...conds)).orderBy(asc(resources.key));
      return rows as ResourceInput<T>[];
    },
    async removed<T>(type: string, since?: Date) {
      const conds = [eq(resources.workspaceId, workspaceId), eq(resources.type, type), isNotNull(resources.deletedAt)];
      if (since) conds.push(gte(resources.deletedAt, since));
      const rows = await db
        .select({ ...resourceColumns, deletedAt: resources.deletedAt })
        .from(resources)
        .where(and(...conds))
        .orderBy(asc(resources.key));
      return rows as RemovedResourceInput<T>[];
    },
    async changes<T>(type: string, since: Date) {
      const rows = await db
        .select({ source: resources.source, type: resources.type, key: resources.key, data: resources.data, deletedAt: resources.deletedAt })
        .from(resources)
        .where(and(eq(resources.workspaceId, workspaceId), eq(resources.type, type), gte(resources.changedAt, since)))
        .orderBy(asc(resources.key));
      return rows.map((r) => ({ source: r.source, type: r.type, key: r.key, data: r.data as T, deleted: r.deletedAt !== null }));
    },
    async events<T>(stream: string, range: EventRange = {}) {
      const conds = [eq(events.workspaceId, workspaceId), eq(events.stream, stream)];
      if (range.since) conds.push(gte(events.occurredAt, range.since));
      if (range.until) conds.push(lt(events.occurredAt, range.until));
      if (range.where) conds.push(sql`${events.data} ->> ${range.where.field} = ANY(${sql.param([...range.where.in])}::text[])`);
      const rows = await db
        .select({
          source: events.source,
          stream: events.stream,
          key: events.key,
          occurredAt: events.occurredAt,
          data: events.data,
          evidenceId: events.evidenceId,
        })
        .from(events)
        .where(and(...conds))
        .orderBy(asc(events.occurredAt), asc(events.key));
      return rows as EventInput<T>[];
    },
    async snapshots(types: string[]) {
      if (!types.length) return [];
      const rows = await db
        .select({ id: resourceSnapshots.evidenceId })
        .from(resourceSnapshots)
        .where(and(eq(resourceSnapshots.workspaceId, workspaceId), inArray(resourceSnapshots.type, types)));
      return rows.map((r) => r.id);
    },
    async select<T>(query: string, options: { timeoutMs?: number } = {}) {
      return db.transaction(async (tx) => {
        await tx.execute(sql`SET TRANSACTION READ ONLY`);
        await tx.execute(sql`SELECT set_config('vigil.workspace_id', ${workspaceId}, true)`);
        await tx.execute(sql.raw(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(options.timeoutMs ?? 60_000))}`));
        return rowsOf<T>(await tx.execute(sql.raw(query)));
      });
    },
  };
}
