/**
 * What changed since a cursor, for the live-event hub: new check_results rows (state changes) and
 * new finding_events rows (every finding transition), both by their bigserial id. Ids are handed
 * out before commit, so on PostgreSQL with several writers a smaller id can commit after a larger
 * one was seen; the hub therefore reads a trailing window below its cursor again and skips what it
 * already announced (see events.ts).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { rowsOf } from '../../db/client.ts';

export interface ResultChangeRow {
  id: number;
  check_id: string;
  resource: string;
  status: string;
  valid_from: Date | string;
}

export interface FindingEventRow {
  id: number;
  finding_id: string;
  action: string;
  actor: string;
  from_status: string | null;
  to_status: string | null;
  at: Date | string;
  severity: string;
  check_id: string;
}

export interface LiveCursor {
  results: number;
  findings: number;
}

export function createLiveQuery(db: Database, workspaceId: string) {
  const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await db.orm.execute(query));
  return {
    async head(): Promise<LiveCursor> {
      const [r] = await q<{ results: string | number | null; findings: string | number | null }>(
        sql`SELECT (SELECT max(id) FROM check_results) AS results, (SELECT max(id) FROM finding_events) AS findings`,
      );
      return { results: Number(r?.results ?? 0), findings: Number(r?.findings ?? 0) };
    },

    /** Rows with ids above `after` (at most `limit` of each), oldest first. */
    async since(after: LiveCursor, limit = 2000) {
      const results = (
        await q<ResultChangeRow>(
          sql`SELECT id, check_id, resource, status, valid_from FROM check_results
              WHERE workspace_id = ${workspaceId} AND id > ${after.results} ORDER BY id LIMIT ${limit}`,
        )
      ).map((r) => ({ ...r, id: Number(r.id) }));
      const findings = (
        await q<FindingEventRow>(
          sql`SELECT e.id, e.finding_id, e.action, e.actor, e.from_status, e.to_status, e.at, f.severity, f.check_id
              FROM finding_events e JOIN findings f ON f.id = e.finding_id
              WHERE e.workspace_id = ${workspaceId} AND e.id > ${after.findings} ORDER BY e.id LIMIT ${limit}`,
        )
      ).map((r) => ({ ...r, id: Number(r.id) }));
      return { results, findings };
    },
  };
}

export type LiveQuery = ReturnType<typeof createLiveQuery>;
