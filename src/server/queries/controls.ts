/**
 * Control status and operating effectiveness over time.
 *
 * A control's status is the worst over its checks: fail > error > stale > no_data > pass >
 * not_applicable, where a check without any result is no_data — missing evidence is never green.
 * The timeline answers "was this control effective on every day of the period?" over the
 * state-change intervals of check_results: a day is failing when any of its checks failed at some
 * time that day, else stale when any was in error or stale, else no_data when any check had no
 * state that day, else passing. Days are UTC; days after "now" have no data yet. The database
 * returns runs of days per (check, status), read from the per-day read model check_result_days and
 * the current results (see checkDays), not rows per day and resource.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { rowsOf } from '../../db/client.ts';
import { resultStatuses, type ResultStatus } from '../../db/schema/check-results.ts';
import { invalidInput } from '../../lib/errors.ts';

export const controlStatuses = ['fail', 'error', 'stale', 'no_data', 'pass', 'not_applicable'] as const;
export type ControlStatus = (typeof controlStatuses)[number];
export const dayStates = ['failing', 'stale', 'no_data', 'passing'] as const;
export type DayState = (typeof dayStates)[number];

const rank: Record<ControlStatus, number> = { fail: 5, error: 4, stale: 3, no_data: 2, pass: 1, not_applicable: 0 };
const worst = (a: ControlStatus, b: ControlStatus): ControlStatus => (rank[a] >= rank[b] ? a : b);

/** One check's status from its result counts: the worst status it has. */
export function checkStatus(counts: Partial<Record<ResultStatus, number>> | undefined): ControlStatus {
  if (!counts) return 'no_data';
  for (const s of ['fail', 'error', 'stale', 'pass', 'not_applicable'] as const) if ((counts[s] ?? 0) > 0) return s;
  return 'no_data';
}

/** A control's status over its checks; a control without checks has no data to judge. */
export function controlStatus(checkIds: string[], counts: Map<string, Partial<Record<ResultStatus, number>>>): ControlStatus {
  if (!checkIds.length) return 'no_data';
  return checkIds.map((id) => checkStatus(counts.get(id))).reduce(worst);
}

export const MAX_DAYS = 400;

// What held for a check on a day, as bits.
const FAIL = 1;
const STALE = 2;
const PASS = 4;
const NA = 8;

/** Midnight UTC at or before `d`, and at or after it. */
export const floorDay = (d: Date) => new Date(Math.floor(d.getTime() / 86_400_000) * 86_400_000);
export const ceilDay = (d: Date) => new Date(Math.ceil(d.getTime() / 86_400_000) * 86_400_000);

export interface DayRow {
  date: string;
  state: DayState;
  /** Checks that failed at some time that day. */
  failing: string[];
}

function dayCount(from: Date, to: Date): number {
  const n = Math.ceil((to.getTime() - from.getTime()) / 86_400_000);
  if (n < 1) throw invalidInput('the period is empty: "to" must be after "from"', { where: 'query.to' });
  if (n > MAX_DAYS) throw invalidInput(`a timeline covers at most ${MAX_DAYS} days`, { where: 'query.to' });
  return n;
}

export function createControlsQuery(db: Database, workspaceId: string) {
  /**
   * Per day and check: which statuses held at some time that day, from the read model of
   * migration 0014 rather than from every interval of the period. Closed intervals come from
   * check_result_days (per check, status and day: how many touched it), one row per check and
   * status with its days as an array, read in the key's order (no sort). Open ones (current
   * results) hold from the day of the first valid_from of each check and status among its current
   * rows (an index probe each) up to "now". On the last day, closed states judged after "now" (a
   * clock ahead of the server's) are taken off again, as the rule counts a day only up to "now".
   * So the work is checks × days × statuses, however many resources and intervals there are.
   */
  async function checkDays(checkIds: string[], from: Date, to: Date, now: Date) {
    const n = dayCount(from, to);
    const k = checkIds.length;
    /** Per day and check (day * k + check), the statuses that held: FAIL | STALE | PASS | NA bits. */
    const held = new Uint8Array(n * k);
    if (from.getTime() % 86_400_000 !== 0) throw new Error(`a timeline starts at midnight UTC, not at ${from.toISOString()}`);
    const end = new Date(Math.min(to.getTime(), now.getTime()));
    // Days with data: up to and including the one "now" falls in.
    const m = Math.max(0, Math.min(n, Math.ceil((end.getTime() - from.getTime()) / 86_400_000)));
    if (!k || m === 0) return { n, held };
    const f = from.toISOString();
    const e = end.toISOString();
    const day0 = f.slice(0, 10);
    const lastDay = new Date(from.getTime() + (m - 1) * 86_400_000).toISOString().slice(0, 10);
    const dayAfter = new Date(from.getTime() + m * 86_400_000).toISOString();
    const checks = sql.param(checkIds);
    const statuses = sql.param([...resultStatuses]);
    // Every branch walks the primary key or an index per (check, status): closed days in the range
    // (a range scan of check_result_days per key, not the workspace's whole history), the last day's
    // rows, and the first current state. Arrays as parameters keep the statement's text, and so its
    // planning, the same whatever the number of checks.
    const runs = rowsOf<{ check_id: string; status: ResultStatus; days: string | null; d0: number | null; d1: number | null }>(
      await db.orm.execute(sql`
        WITH k AS (SELECT unnest(${checks}::text[]) AS check_id), s AS (SELECT unnest(${statuses}::text[]) AS status)
        SELECT k.check_id, s.status, d.days, NULL::int AS d0, NULL::int AS d1
        FROM k CROSS JOIN s CROSS JOIN LATERAL (
          SELECT array_agg(c.day - ${day0}::date ORDER BY c.day)::text AS days
          FROM check_result_days c
          WHERE c.workspace_id = ${workspaceId} AND c.check_id = k.check_id AND c.status = s.status
            AND c.day >= ${day0}::date AND c.day < ${lastDay}::date AND c.n > 0
        ) AS d
        WHERE d.days IS NOT NULL
        UNION ALL
        SELECT c.check_id, c.status, NULL, ${m - 1}::int, ${m}::int
        FROM k CROSS JOIN s JOIN check_result_days c
          ON c.workspace_id = ${workspaceId} AND c.check_id = k.check_id AND c.status = s.status AND c.day = ${lastDay}::date
        WHERE c.n > (
            SELECT count(*) FROM check_results r
            WHERE r.workspace_id = c.workspace_id AND r.check_id = c.check_id AND r.status = c.status AND r.valid_to IS NOT NULL
              AND r.valid_from >= ${e}::timestamptz AND r.valid_from < ${dayAfter}::timestamptz
          )
        UNION ALL
        SELECT k.check_id, s.status, NULL, greatest(0, floor(extract(epoch FROM (o.since - ${f}::timestamptz)) / 86400))::int, ${m}::int
        FROM k CROSS JOIN s
        CROSS JOIN LATERAL (
          SELECT r.valid_from AS since FROM check_results r
          WHERE r.workspace_id = ${workspaceId} AND r.check_id = k.check_id AND r.status = s.status AND r.valid_to IS NULL
          ORDER BY r.valid_from LIMIT 1
        ) AS o
        WHERE o.since < ${e}::timestamptz`),
    );
    const index = new Map(checkIds.map((c, i) => [c, i]));
    const bit: Record<ResultStatus, number> = { fail: FAIL, error: STALE, stale: STALE, pass: PASS, not_applicable: NA };
    for (const r of runs) {
      const i = index.get(r.check_id);
      if (i === undefined) continue;
      const b = bit[r.status];
      // Closed intervals: the days as an array literal ("{0,1,5}"), one row per check and status.
      if (r.days !== null) for (const d of r.days.slice(1, -1).split(',')) held[Number(d) * k + i]! |= b;
      else for (let day = Number(r.d0); day < Number(r.d1); day++) held[day * k + i]! |= b;
    }
    return { n, held };
  }

  /**
   * A check's rank on a day from what held (worst first: fail > stale or error > no data > pass >
   * not applicable; nothing held is no data), and a control's day state from its worst check.
   */
  const rankOf = (h: number) => (h & FAIL ? 5 : h & STALE ? 3 : h & PASS ? 1 : h & NA ? 0 : 2);
  const stateOf = (rank: number): DayState => (rank === 5 ? 'failing' : rank === 3 ? 'stale' : rank === 1 ? 'passing' : 'no_data');

  const dateOf = (from: Date, i: number) => new Date(from.getTime() + i * 86_400_000).toISOString().slice(0, 10);

  return {
    /** One control's day-by-day state over [from, to). */
    async timeline(checkIds: string[], from: Date, to: Date, now: Date): Promise<DayRow[]> {
      const { n, held } = await checkDays(checkIds, from, to, now);
      const k = checkIds.length;
      return Array.from({ length: n }, (_, d) => {
        let top = -1;
        const failing: string[] = [];
        for (let i = 0; i < k; i++) {
          const h = held[d * k + i]!;
          top = Math.max(top, rankOf(h));
          if (h & FAIL) failing.push(checkIds[i]!);
        }
        return { date: dateOf(from, d), state: k ? stateOf(top) : 'no_data', failing };
      });
    },

    /** Per day, how many controls were in each state: the overview's trend. */
    async trend(controls: { id: string; checks: string[] }[], from: Date, to: Date, now: Date) {
      const all = [...new Set(controls.flatMap((c) => c.checks))];
      const at = new Map(all.map((c, i) => [c, i]));
      const of = controls.map((c) => c.checks.map((x) => at.get(x)!));
      const { n, held } = await checkDays(all, from, to, now);
      const k = all.length;
      return Array.from({ length: n }, (_, d) => {
        const counts: Record<DayState, number> = { failing: 0, stale: 0, no_data: 0, passing: 0 };
        for (const checks of of) {
          let top = checks.length ? -1 : 2;
          for (const i of checks) top = Math.max(top, rankOf(held[d * k + i]!));
          counts[stateOf(top)]++;
        }
        return { date: dateOf(from, d), ...counts };
      });
    },
  };
}

export type ControlsQuery = ReturnType<typeof createControlsQuery>;
