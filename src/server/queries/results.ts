/**
 * Check results: the current state of every (check, resource), paged by (check, resource), and the
 * history of state changes. For an auditor, a state is visible when it held at some time inside one
 * of their periods.
 */
import { and, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { checkResultCounts } from '../../db/schema/check-result-counts.ts';
import { checkResults, resultStatuses, type CheckResultRow, type ResultStatus } from '../../db/schema/check-results.ts';
import { findings } from '../../db/schema/findings.ts';
import { invalidInput } from '../../lib/errors.ts';
import { intervalInScope, type Scope } from '../auth/scope.ts';
import { decodeCursor, encodeCursor } from '../http/schemas.ts';

export interface ResultQuery {
  /** Only these checks (a control's checks, or one check). */
  checks?: string[] | undefined;
  status?: ResultStatus[] | undefined;
  /** Resources starting with this. */
  resource?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export type CurrentResultRow = CheckResultRow & { findingId: string | null; findingStatus: string | null };

const currentCursor = z.object({ c: z.string(), r: z.string() });
const historyCursor = z.object({ f: z.string(), id: z.number() });

const scoped = (scope: Scope) => intervalInScope(sql`${checkResults.validFrom}`, sql`${checkResults.validTo}`, scope);

function inList(col: SQL, values: readonly string[]): SQL {
  return values.length ? sql`${col} IN (${sql.join(values.map((v) => sql`${v}`), sql`, `)})` : sql`FALSE`;
}

export function createResultsQuery(db: Database, workspaceId: string) {
  return {
    async current(q: ResultQuery, scope: Scope): Promise<{ items: CurrentResultRow[]; nextCursor: string | null }> {
      const limit = q.limit ?? 100;
      const page: SQL[] = [eq(checkResults.workspaceId, workspaceId), isNull(checkResults.validTo), scoped(scope)];
      if (q.resource) page.push(sql`starts_with(${checkResults.resource}, ${q.resource})`);
      if (q.cursor) {
        const cur = decodeCursor(q.cursor, currentCursor);
        if (!cur) throw invalidInput('this cursor is not valid; start again without one', { where: 'query.cursor' });
        page.push(sql`(${checkResults.checkId}, ${checkResults.resource}) > (${cur.c}, ${cur.r})`);
      }
      let where: SQL[];
      if (q.checks) {
        // Some checks (a control's): each (check, status) read in resource order from
        // check_results_current_by_status, at most a page each, and the page taken from those. A
        // single scan in (check, resource) order would walk every current result of the workspace
        // to find a few failing ones.
        const statuses = q.status?.length ? q.status : resultStatuses;
        const ids = sql`ARRAY(
          SELECT x.id FROM unnest(${sql.param(q.checks)}::text[]) AS k(check_id)
          CROSS JOIN unnest(${sql.param([...statuses])}::text[]) AS s(status)
          CROSS JOIN LATERAL (
            SELECT ${checkResults.id} AS id FROM ${checkResults}
            WHERE ${and(...page, sql`${checkResults.checkId} = k.check_id`, sql`${checkResults.status} = s.status`)}
            ORDER BY ${checkResults.resource} LIMIT ${limit + 1}
          ) AS x)`;
        // The ids are read within the workspace above. Naming it again here made PGlite (no
        // statistics) AND the ids with an index scan over every row the workspace ever had.
        where = [sql`${checkResults.id} = ANY(${ids})`];
      } else {
        where = page;
        if (q.status?.length) where.push(inList(sql`${checkResults.status}`, q.status));
      }
      const rows = await db.orm
        .select({ r: checkResults, findingId: findings.id, findingStatus: findings.status })
        .from(checkResults)
        .leftJoin(findings, and(eq(findings.workspaceId, checkResults.workspaceId), eq(findings.checkId, checkResults.checkId), eq(findings.resource, checkResults.resource)))
        .where(and(...where))
        .orderBy(checkResults.checkId, checkResults.resource)
        .limit(limit + 1);
      const items = rows.slice(0, limit).map(({ r, findingId, findingStatus }) => ({ ...r, findingId, findingStatus }));
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor({ c: last.checkId, r: last.resource }) : null };
    },

    /** State changes of some checks (optionally one resource) overlapping [from, to), newest first. */
    async history(q: { checks: string[]; resource?: string | undefined; from?: Date | undefined; to?: Date | undefined; limit?: number | undefined; cursor?: string | undefined }, scope: Scope) {
      const limit = q.limit ?? 100;
      const where: SQL[] = [eq(checkResults.workspaceId, workspaceId), inList(sql`${checkResults.checkId}`, q.checks), scoped(scope)];
      if (q.resource) where.push(eq(checkResults.resource, q.resource));
      if (q.to) where.push(sql`${checkResults.validFrom} < ${q.to.toISOString()}::timestamptz`);
      if (q.from) where.push(sql`coalesce(${checkResults.validTo}, 'infinity'::timestamptz) > ${q.from.toISOString()}::timestamptz`);
      const key = sql`to_char(${checkResults.validFrom} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
      if (q.cursor) {
        const cur = decodeCursor(q.cursor, historyCursor);
        if (!cur) throw invalidInput('this cursor is not valid; start again without one', { where: 'query.cursor' });
        where.push(sql`(${checkResults.validFrom}, ${checkResults.id}) < (${cur.f}::timestamptz, ${cur.id})`);
      }
      const rows = await db.orm
        .select({ r: checkResults, k: sql<string>`${key}` })
        .from(checkResults)
        .where(and(...where))
        .orderBy(sql`${checkResults.validFrom} DESC`, sql`${checkResults.id} DESC`)
        .limit(limit + 1);
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items: items.map((x) => x.r), nextCursor: rows.length > limit && last ? encodeCursor({ f: last.k, id: last.r.id }) : null };
    },

    /**
     * How many current results each check has per status (all checks, or the ones named). Read from
     * check_result_counts, which the database keeps beside check_results (migration 0011), so it
     * costs the number of checks, not of resources. For an auditor: the states that held at some
     * time in their periods, counted from the intervals themselves.
     */
    async countsByCheck(scope: Scope, checkIds?: readonly string[]): Promise<Map<string, Partial<Record<ResultStatus, number>>>> {
      const rows = scope
        ? await db.orm
            .select({ check: checkResults.checkId, status: checkResults.status, n: sql<number>`count(*)::int` })
            .from(checkResults)
            .where(and(eq(checkResults.workspaceId, workspaceId), scoped(scope), checkIds ? inList(sql`${checkResults.checkId}`, checkIds) : undefined))
            .groupBy(checkResults.checkId, checkResults.status)
        : await db.orm
            .select({ check: checkResultCounts.checkId, status: checkResultCounts.status, n: checkResultCounts.n })
            .from(checkResultCounts)
            .where(and(eq(checkResultCounts.workspaceId, workspaceId), gt(checkResultCounts.n, 0), checkIds ? inList(sql`${checkResultCounts.checkId}`, checkIds) : undefined));
      const out = new Map<string, Partial<Record<ResultStatus, number>>>();
      for (const r of rows) {
        const m = out.get(r.check) ?? {};
        m[r.status] = (m[r.status] ?? 0) + Number(r.n);
        out.set(r.check, m);
      }
      return out;
    },
  };
}

export type ResultsQuery = ReturnType<typeof createResultsQuery>;
