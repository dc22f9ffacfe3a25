/**
 * What a check reads: current resources of a type and events of a stream, scoped to one workspace.
 * Rows carry the evidence record that holds them, so a result can name what it was judged on.
 */
import { and, asc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
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

export interface InputReader {
  resources<T = Record<string, unknown>>(type: string): Promise<ResourceInput<T>[]>;
  events<T = Record<string, unknown>>(stream: string, range?: { since?: Date; until?: Date }): Promise<EventInput<T>[]>;
  /** The evidence ids of the latest snapshots of these resource types. */
  snapshots(types: string[]): Promise<string[]>;
  /**
   * Run a user's SELECT in a read-only transaction where the views vigil_resources and
   * vigil_events show only this workspace (checks as code).
   */
  select<T = Record<string, unknown>>(query: string, options?: { timeoutMs?: number }): Promise<T[]>;
}

export function createInputReader(db: Executor, workspaceId: string): InputReader {
  return {
    async resources<T>(type: string) {
      const rows = await db
        .select({
          source: resources.source,
          type: resources.type,
          key: resources.key,
          data: resources.data,
          evidenceId: resources.evidenceId,
          firstSeenAt: resources.firstSeenAt,
          changedAt: resources.changedAt,
        })
        .from(resources)
        .where(and(eq(resources.workspaceId, workspaceId), eq(resources.type, type), isNull(resources.deletedAt)))
        .orderBy(asc(resources.key));
      return rows as ResourceInput<T>[];
    },
    async events<T>(stream: string, range: { since?: Date; until?: Date } = {}) {
      const conds = [eq(events.workspaceId, workspaceId), eq(events.stream, stream)];
      if (range.since) conds.push(gte(events.occurredAt, range.since));
      if (range.until) conds.push(lt(events.occurredAt, range.until));
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
