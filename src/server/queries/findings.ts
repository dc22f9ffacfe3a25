/**
 * The findings work queue: filters (status, owner, severity, SLA state, source, control, check),
 * sorts, and keyset pagination — each page continues after the (sort key, id) of the last row, so
 * page 2000 costs what page 1 costs and no row is skipped or repeated while the queue changes.
 * SLA state follows the alerting rule: at risk once `alerts.slaAtRisk` of the time to the due date
 * has passed, overdue at the due date; only open and acknowledged findings have one.
 */
import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { findingEvents } from '../../db/schema/finding-events.ts';
import { findings, type FindingRow, type FindingStatus } from '../../db/schema/findings.ts';
import type { Severity } from '../../core/config/schema.ts';
import { invalidInput } from '../../lib/errors.ts';
import { instantVisible, intervalInScope, type Scope } from '../auth/scope.ts';
import { decodeCursor, encodeCursor } from '../http/schemas.ts';

export const slaStates = ['on_track', 'at_risk', 'overdue'] as const;
export type SlaState = (typeof slaStates)[number];
export const findingSorts = ['due', 'opened', 'severity', 'updated'] as const;
export type FindingSort = (typeof findingSorts)[number];

export interface FindingQuery {
  status?: FindingStatus[] | undefined;
  owner?: string | undefined;
  severity?: Severity[] | undefined;
  sla?: SlaState[] | undefined;
  source?: string | undefined;
  control?: string | undefined;
  check?: string | undefined;
  /** Only findings this person may work: owner is them, or one of its controls is theirs. */
  workableBy?: { email: string; controls: string[] } | undefined;
  sort?: FindingSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
  includeTotal?: boolean | undefined;
}

export type FindingWithSla = FindingRow & { slaState: SlaState | null };

const cursorSchema = z.object({ s: z.enum(findingSorts), o: z.enum(['asc', 'desc']), k: z.string(), id: z.string() });

const severityRank = sql`CASE ${findings.severity} WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 WHEN 'info' THEN 4 ELSE 5 END`;

/** The sort expression, its text form for the cursor (exact to the microsecond, whatever the session time zone), and its type. */
function sortExpr(sort: FindingSort): { expr: SQL; key: SQL; cast: SQL } {
  const time = (col: SQL) => ({ expr: col, key: sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, cast: sql`timestamptz` });
  switch (sort) {
    case 'opened':
      return time(sql`${findings.openedAt}`);
    case 'updated':
      return time(sql`${findings.updatedAt}`);
    case 'severity':
      return { expr: severityRank, key: sql`(${severityRank})::text`, cast: sql`int` };
    default:
      return time(sql`${findings.dueAt}`);
  }
}

export function slaStateOf(f: Pick<FindingRow, 'status' | 'openedAt' | 'dueAt'>, now: Date, atRiskShare: number): SlaState | null {
  if (f.status !== 'open' && f.status !== 'acknowledged') return null;
  if (f.dueAt <= now) return 'overdue';
  const atRisk = f.openedAt.getTime() + (f.dueAt.getTime() - f.openedAt.getTime()) * atRiskShare;
  return atRisk <= now.getTime() ? 'at_risk' : 'on_track';
}

function slaCondition(states: SlaState[], now: string, share: number): SQL {
  const atRiskAt = sql`(${findings.openedAt} + (${findings.dueAt} - ${findings.openedAt}) * ${share}::float8)`;
  const parts = states.map((s) =>
    s === 'overdue'
      ? sql`${findings.dueAt} <= ${now}::timestamptz`
      : s === 'at_risk'
        ? sql`(${findings.dueAt} > ${now}::timestamptz AND ${atRiskAt} <= ${now}::timestamptz)`
        : sql`${atRiskAt} > ${now}::timestamptz`,
  );
  return sql`(${findings.status} IN ('open', 'acknowledged') AND (${sql.join(parts, sql` OR `)}))`;
}

/** A finding is visible to an auditor when it was open at some time inside one of their periods. */
const findingScope = (scope: Scope) => intervalInScope(sql`${findings.openedAt}`, sql`${findings.resolvedAt}`, scope);

/**
 * `atRiskShare`: the SLA-at-risk share in force — a number, or a function reading the workspace's
 * setting (it can change from the dashboard), asked once per request.
 */
export function createFindingsQuery(
  { db, now, atRiskShare }: { db: Database; now: () => Date; atRiskShare: number | (() => Promise<number>) },
  workspaceId: string,
) {
  const shareNow = async () => (typeof atRiskShare === 'number' ? atRiskShare : atRiskShare());
  function conditions(q: FindingQuery, scope: Scope, at: string, share: number): SQL[] {
    const c: SQL[] = [eq(findings.workspaceId, workspaceId), findingScope(scope)];
    if (q.status?.length) c.push(sql`${findings.status} IN (${sql.join(q.status.map((s) => sql`${s}`), sql`, `)})`);
    if (q.severity?.length) c.push(sql`${findings.severity} IN (${sql.join(q.severity.map((s) => sql`${s}`), sql`, `)})`);
    if (q.owner !== undefined) c.push(q.owner === '' ? sql`${findings.owner} IS NULL` : sql`lower(${findings.owner}) = ${q.owner.toLowerCase()}`);
    if (q.source) c.push(eq(findings.source, q.source));
    if (q.check) c.push(eq(findings.checkId, q.check));
    if (q.control) c.push(sql`${q.control} = ANY(${findings.controls})`);
    if (q.sla?.length) c.push(slaCondition(q.sla, at, share));
    if (q.workableBy) {
      const owned = q.workableBy.controls.length ? sql`${findings.controls} && ARRAY[${sql.join(q.workableBy.controls.map((x) => sql`${x}`), sql`, `)}]::text[]` : sql`FALSE`;
      c.push(sql`(lower(${findings.owner}) = ${q.workableBy.email} OR ${owned})`);
    }
    return c;
  }

  return {
    async page(q: FindingQuery, scope: Scope): Promise<{ items: FindingWithSla[]; nextCursor: string | null; total?: number }> {
      const sort = q.sort ?? 'due';
      const order = q.order ?? 'asc';
      const limit = q.limit ?? 50;
      const nowDate = now();
      const at = nowDate.toISOString();
      const { expr, key, cast } = sortExpr(sort);
      const share = await shareNow();
      const where = conditions(q, scope, at, share);
      const filters = and(...where);
      if (q.cursor) {
        const cur = decodeCursor(q.cursor, cursorSchema);
        if (!cur || cur.s !== sort || cur.o !== order) {
          throw invalidInput('this cursor is not valid for this sort order; start again without a cursor', { where: 'query.cursor' });
        }
        const op = order === 'asc' ? sql`>` : sql`<`;
        where.push(sql`(${expr}, ${findings.id}) ${op} (${cur.k}::${cast}, ${cur.id})`);
      }
      const dir = order === 'asc' ? sql`ASC` : sql`DESC`;
      // The page and the count are independent: issued together (PostgreSQL runs them on two connections).
      const [rows, counted] = await Promise.all([
        db.orm
          .select({ ...getTableColumns(findings), sortKey: sql<string>`${key}` })
          .from(findings)
          .where(and(...where))
          .orderBy(sql`${expr} ${dir}`, sql`${findings.id} ${dir}`)
          .limit(limit + 1),
        q.includeTotal ? db.orm.select({ n: sql<number>`count(*)::int` }).from(findings).where(filters) : Promise.resolve(undefined),
      ]);
      const more = rows.length > limit;
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      const nextCursor = more && last ? encodeCursor({ s: sort, o: order, k: last.sortKey, id: last.id }) : null;
      const total = counted ? (counted[0]?.n ?? 0) : undefined;
      return {
        items: items.map(({ sortKey: _k, ...f }) => ({ ...f, slaState: slaStateOf(f, nowDate, share) })),
        nextCursor,
        ...(total === undefined ? {} : { total }),
      };
    },

    async get(id: string, scope: Scope): Promise<FindingWithSla | undefined> {
      const [f] = await db.orm
        .select()
        .from(findings)
        .where(and(eq(findings.workspaceId, workspaceId), eq(findings.id, id), findingScope(scope)));
      return f ? { ...f, slaState: slaStateOf(f, now(), await shareNow()) } : undefined;
    },

    /** A finding's history; an auditor sees only the transitions inside their periods. */
    async history(id: string, scope: Scope) {
      const rows = await db.orm
        .select()
        .from(findingEvents)
        .where(and(eq(findingEvents.workspaceId, workspaceId), eq(findingEvents.findingId, id)))
        .orderBy(findingEvents.at, findingEvents.id);
      return rows.filter((r) => instantVisible(r.at, scope));
    },

    /**
     * The next instant after now at which an open or acknowledged finding's SLA state changes by
     * the clock alone (it becomes at risk, or overdue); null when none will. A kept answer that
     * shows SLA states is good until then (read-cache.ts).
     */
    async nextSlaChange(scope: Scope): Promise<Date | null> {
      const at = now().toISOString();
      const share = await shareNow();
      const risk = sql`${findings.openedAt} + (${findings.dueAt} - ${findings.openedAt}) * ${share}::float8`;
      const [r] = await db.orm
        .select({
          next: sql<number | null>`extract(epoch FROM min(least(
            CASE WHEN ${findings.dueAt} > ${at}::timestamptz THEN ${findings.dueAt} END,
            CASE WHEN ${risk} > ${at}::timestamptz THEN ${risk} END)))::float8 * 1000`,
        })
        .from(findings)
        .where(and(eq(findings.workspaceId, workspaceId), findingScope(scope), sql`${findings.status} IN ('open', 'acknowledged')`));
      return r?.next == null ? null : new Date(Number(r.next));
    },

    /**
     * Active findings by severity and SLA state, and all findings by status: the overview's counts.
     * `unresolved` counts only open, acknowledged and muted findings (what the overview shows),
     * read through findings_by_status instead of every finding ever resolved.
     */
    async summary(scope: Scope, opts: { unresolved?: boolean } = {}) {
      const at = now().toISOString();
      const share = await shareNow();
      const rows = await db.orm
        .select({
          severity: findings.severity,
          status: findings.status,
          sla: sql<SlaState | null>`CASE WHEN ${findings.status} NOT IN ('open', 'acknowledged') THEN NULL
            WHEN ${findings.dueAt} <= ${at}::timestamptz THEN 'overdue'
            WHEN ${findings.openedAt} + (${findings.dueAt} - ${findings.openedAt}) * ${share}::float8 <= ${at}::timestamptz THEN 'at_risk'
            ELSE 'on_track' END`,
          n: sql<number>`count(*)::int`,
        })
        .from(findings)
        .where(and(eq(findings.workspaceId, workspaceId), findingScope(scope), opts.unresolved ? sql`${findings.status} IN ('open', 'acknowledged', 'muted')` : undefined))
        .groupBy(sql`1`, sql`2`, sql`3`);
      return rows;
    },
  };
}

export type FindingsQuery = ReturnType<typeof createFindingsQuery>;
