/**
 * Control status and operating effectiveness over time.
 *
 * A control's status is the worst over its checks: fail > error > stale > no_data > pass >
 * not_applicable, where a check without any result is no_data — missing evidence is never green.
 * The timeline answers "was this control effective on every day of the period?" by SQL over the
 * state-change intervals of check_results: a day is failing when any of its checks failed at some
 * time that day, else stale when any was in error or stale, else no_data when any check had no
 * state that day, else passing. Days are UTC; days after "now" have no data yet. The database
 * returns runs of days per (check, status), not rows per day and resource (see checkDays).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { rowsOf } from '../../db/client.ts';
import type { ResultStatus } from '../../db/schema/check-results.ts';
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
   * Per day and check: which statuses held at some time that day. Each interval becomes a range of
   * day numbers [d0, d1); the database folds the intervals of each (check, status) into its runs of
   * days with at least one such interval (a running sum of +1 at d0 and −1 at d1), so the work is
   * one pass over the intervals and the answer is a few rows per check, however many resources.
   */
  async function checkDays(checkIds: string[], from: Date, to: Date, now: Date) {
    const n = dayCount(from, to);
    const out: { day: number; check: string; fail: boolean; stale: boolean; pass: boolean; na: boolean }[] = [];
    if (!checkIds.length) return { n, rows: out };
    const f = from.toISOString();
    const end = new Date(Math.min(to.getTime(), now.getTime())).toISOString();
    const list = sql.join(checkIds.map((c) => sql`${c}`), sql`, `);
    const runs = rowsOf<{ check_id: string; status: ResultStatus; d0: number; d1: number }>(
      await db.orm.execute(sql`
        WITH iv AS (
          SELECT check_id, status,
            greatest(0, floor(extract(epoch FROM (valid_from - ${f}::timestamptz)) / 86400))::int AS d0,
            least(${n}, ceil(extract(epoch FROM (least(coalesce(valid_to, ${end}::timestamptz), ${end}::timestamptz) - ${f}::timestamptz)) / 86400))::int AS d1
          FROM check_results
          WHERE workspace_id = ${workspaceId} AND check_id IN (${list})
            AND valid_from < ${end}::timestamptz AND coalesce(valid_to, 'infinity'::timestamptz) > ${f}::timestamptz
        ),
        edges AS (
          SELECT check_id, status, d0 AS day, count(*) AS delta FROM iv WHERE d1 > d0 GROUP BY 1, 2, 3
          UNION ALL
          SELECT check_id, status, d1, -count(*) FROM iv WHERE d1 > d0 AND d1 < ${n} GROUP BY 1, 2, 3
        ),
        steps AS (SELECT check_id, status, day, sum(delta) AS delta FROM edges GROUP BY 1, 2, 3),
        runs AS (
          SELECT check_id, status, day AS d0,
            lead(day, 1, ${n}) OVER w AS d1,
            sum(delta) OVER w AS active
          FROM steps
          WINDOW w AS (PARTITION BY check_id, status ORDER BY day)
        )
        SELECT check_id, status, d0, d1 FROM runs WHERE active > 0 AND d1 > d0`),
    );
    const byDay = new Map<string, { day: number; check: string; fail: boolean; stale: boolean; pass: boolean; na: boolean }>();
    for (const r of runs) {
      for (let day = Number(r.d0); day < Number(r.d1); day++) {
        const key = `${day}\u0000${r.check_id}`;
        let row = byDay.get(key);
        if (!row) {
          row = { day, check: r.check_id, fail: false, stale: false, pass: false, na: false };
          byDay.set(key, row);
          out.push(row);
        }
        if (r.status === 'fail') row.fail = true;
        else if (r.status === 'error' || r.status === 'stale') row.stale = true;
        else if (r.status === 'pass') row.pass = true;
        else row.na = true;
      }
    }
    return { n, rows: out };
  }

  /** Per day, each check's status that day (no entry: no data). */
  function statusByDay(n: number, rows: Awaited<ReturnType<typeof checkDays>>['rows']): Map<string, ControlStatus>[] {
    const days: Map<string, ControlStatus>[] = Array.from({ length: n }, () => new Map());
    for (const r of rows) {
      const s: ControlStatus = r.fail ? 'fail' : r.stale ? 'stale' : r.pass ? 'pass' : 'not_applicable';
      days[r.day]!.set(r.check, s);
    }
    return days;
  }

  function dayState(checkIds: string[], statuses: Map<string, ControlStatus>): DayState {
    if (!checkIds.length) return 'no_data';
    const s = checkIds.map((c) => statuses.get(c) ?? 'no_data').reduce(worst);
    return s === 'fail' ? 'failing' : s === 'stale' || s === 'error' ? 'stale' : s === 'pass' ? 'passing' : 'no_data';
  }

  const dateOf = (from: Date, i: number) => new Date(from.getTime() + i * 86_400_000).toISOString().slice(0, 10);

  return {
    /** One control's day-by-day state over [from, to). */
    async timeline(checkIds: string[], from: Date, to: Date, now: Date): Promise<DayRow[]> {
      const { n, rows } = await checkDays(checkIds, from, to, now);
      return statusByDay(n, rows).map((statuses, i) => ({
        date: dateOf(from, i),
        state: dayState(checkIds, statuses),
        failing: checkIds.filter((c) => statuses.get(c) === 'fail'),
      }));
    },

    /** Per day, how many controls were in each state: the overview's trend. */
    async trend(controls: { id: string; checks: string[] }[], from: Date, to: Date, now: Date) {
      const all = [...new Set(controls.flatMap((c) => c.checks))];
      const { n, rows } = await checkDays(all, from, to, now);
      return statusByDay(n, rows).map((statuses, i) => {
        const counts: Record<DayState, number> = { failing: 0, stale: 0, no_data: 0, passing: 0 };
        for (const c of controls) counts[dayState(c.checks, statuses)]++;
        return { date: dateOf(from, i), ...counts };
      });
    },
  };
}

export type ControlsQuery = ReturnType<typeof createControlsQuery>;
