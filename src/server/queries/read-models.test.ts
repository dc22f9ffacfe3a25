/**
 * The read models of migration 0014 against the slow queries they replace. The per-day summary
 * (check_result_days) must hold, after every kind of write to check_results — a day's evaluation
 * closing intervals and opening new ones, a check's first results, rows deleted — exactly the days
 * each closed interval touches; and the timeline and trend read through it must answer what the
 * interval query they replaced answers (kept here as the reference) on the same rows, before and
 * after the change, including states judged after "now". A control's evidence, read per check
 * through evidence_records_by_check, must page exactly as the scan it replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { resultStatuses, type ResultStatus } from '../../db/schema/check-results.ts';
import { createControlsQuery, type DayRow, type DayState } from './controls.ts';
import { createEvidenceQuery } from './evidence.ts';

const DAY = 86_400_000;
const START = Date.parse('2025-11-01T00:00:00Z');
const NOW = new Date('2026-02-20T13:30:00Z');
const CHECKS = ['rm.a', 'rm.b', 'rm.c', 'rm.d'];

let db: TestDb;
let ws: string;

/** A small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed;
  return () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 2 ** 32);
}
const r = rng(7);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
const iso = (t: number) => new Date(t).toISOString();

async function insert(rows: { check: string; resource: string; status: ResultStatus; from: number; to: number | null }[]) {
  for (let i = 0; i < rows.length; i += 400) {
    const part = rows.slice(i, i + 400);
    const params: unknown[] = [];
    const values = part.map((x, j) => {
      params.push(ws, x.check, x.resource, x.status, iso(x.from), x.to === null ? null : iso(x.to));
      const b = j * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, 'high', 'r', $${b + 5}::timestamptz, $${b + 6}::timestamptz, $${b + 5}::timestamptz)`;
    });
    await db.query(`INSERT INTO check_results (workspace_id, check_id, resource, status, severity, reason, valid_from, valid_to, judged_at) VALUES ${values.join(', ')}`, params);
  }
}

/** A year of back-to-back states per resource: some on midnight, some zero-length, the last open. */
async function seed() {
  const rows: Parameters<typeof insert>[0] = [];
  for (const check of CHECKS.slice(0, 3)) {
    for (let res = 0; res < (check === 'rm.c' ? 3 : 25); res++) {
      let t = START - 20 * DAY + Math.floor(r() * 10) * (r() < 0.3 ? DAY : 3_600_000);
      for (;;) {
        const len = r() < 0.1 ? 0 : r() < 0.3 ? Math.floor(r() * 15) * DAY : Math.floor(r() * 9 * DAY);
        const end = t + len;
        if (end > NOW.getTime() - DAY) {
          rows.push({ check, resource: `res-${res}`, status: pick(resultStatuses), from: t, to: null });
          break;
        }
        rows.push({ check, resource: `res-${res}`, status: pick(resultStatuses), from: t, to: end });
        t = end;
      }
    }
  }
  await insert(rows);
}

/** The days each closed interval touches, counted in JS from the rows themselves. */
async function expectedDays(): Promise<string[]> {
  const rows = await db.query<{ check_id: string; status: string; valid_from: Date | string; valid_to: Date | string }>(
    'SELECT check_id, status, valid_from, valid_to FROM check_results WHERE workspace_id = $1 AND valid_to IS NOT NULL',
    [ws],
  );
  const n = new Map<string, number>();
  for (const x of rows) {
    const a = new Date(x.valid_from).getTime();
    const b = new Date(x.valid_to).getTime();
    for (let d = Math.floor(a / DAY); d < Math.ceil(b / DAY); d++) {
      const key = `${x.check_id} ${new Date(d * DAY).toISOString().slice(0, 10)} ${x.status}`;
      n.set(key, (n.get(key) ?? 0) + 1);
    }
  }
  return [...n].map(([k, v]) => `${k} ${v}`).sort();
}

async function storedDays(): Promise<string[]> {
  const rows = await db.query<{ check_id: string; day: string; status: string; n: string | number }>(
    "SELECT check_id, to_char(day, 'YYYY-MM-DD') AS day, status, n FROM check_result_days WHERE workspace_id = $1 AND n > 0",
    [ws],
  );
  return rows.map((x) => `${x.check_id} ${x.day} ${x.status} ${Number(x.n)}`).sort();
}

/**
 * The reference: the timeline's interval query before migration 0014 — every interval of the
 * checks overlapping the period, folded into runs of days — and the day rule applied to it.
 */
async function referenceTimeline(checkIds: string[], from: Date, to: Date, now: Date): Promise<Omit<DayRow, 'date'>[]> {
  const n = Math.ceil((to.getTime() - from.getTime()) / DAY);
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
        WHERE workspace_id = ${ws} AND check_id IN (${list})
          AND valid_from < ${end}::timestamptz AND coalesce(valid_to, 'infinity'::timestamptz) > ${f}::timestamptz
      ),
      edges AS (
        SELECT check_id, status, d0 AS day, count(*) AS delta FROM iv WHERE d1 > d0 GROUP BY 1, 2, 3
        UNION ALL
        SELECT check_id, status, d1, -count(*) FROM iv WHERE d1 > d0 AND d1 < ${n} GROUP BY 1, 2, 3
      ),
      steps AS (SELECT check_id, status, day, sum(delta) AS delta FROM edges GROUP BY 1, 2, 3),
      runs AS (
        SELECT check_id, status, day AS d0, lead(day, 1, ${n}) OVER w AS d1, sum(delta) OVER w AS active
        FROM steps WINDOW w AS (PARTITION BY check_id, status ORDER BY day)
      )
      SELECT check_id, status, d0, d1 FROM runs WHERE active > 0 AND d1 > d0`),
  );
  const held: Map<string, Set<string>>[] = Array.from({ length: n }, () => new Map());
  for (const x of runs) {
    for (let d = Number(x.d0); d < Number(x.d1); d++) {
      const s = held[d]!.get(x.check_id) ?? new Set();
      s.add(x.status);
      held[d]!.set(x.check_id, s);
    }
  }
  return held.map((m) => {
    const per = checkIds.map((c) => {
      const s = m.get(c);
      if (!s) return 'none';
      return s.has('fail') ? 'fail' : s.has('stale') || s.has('error') ? 'stale' : s.has('pass') ? 'pass' : 'na';
    });
    const state: DayState = per.includes('fail') ? 'failing' : per.includes('stale') ? 'stale' : per.includes('none') ? 'no_data' : per.includes('pass') ? 'passing' : 'no_data';
    return { state, failing: checkIds.filter((_, j) => per[j] === 'fail') };
  });
}

const periods: { from: Date; to: Date; now: Date }[] = [
  { from: new Date('2025-11-23T00:00:00Z'), to: new Date('2026-02-21T00:00:00Z'), now: NOW }, // the default 90 days
  { from: new Date('2025-02-21T00:00:00Z'), to: new Date('2026-02-21T00:00:00Z'), now: NOW }, // 12 months, from before any data
  { from: new Date('2025-12-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z'), now: NOW }, // a closed month
  { from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-03-01T00:00:00Z'), now: new Date('2026-02-20T00:00:00Z') }, // "now" on midnight
];
const checkSets = [['rm.a'], ['rm.c'], ['rm.a', 'rm.b', 'rm.c'], ['rm.b', 'rm.d']];

async function expectTimelinesAsReference() {
  const q = createControlsQuery(db, ws);
  for (const p of periods) {
    for (const checks of checkSets) {
      const got = await q.timeline(checks, p.from, p.to, p.now);
      expect(got.map((d) => ({ state: d.state, failing: d.failing })), `${checks.join(',')} ${p.from.toISOString()}`).toEqual(await referenceTimeline(checks, p.from, p.to, p.now));
    }
    // The trend counts each control's day state the same way.
    const controls = checkSets.map((checks, i) => ({ id: `C-${i}`, checks }));
    const trend = await q.trend(controls, p.from, p.to, p.now);
    const per = await Promise.all(controls.map((c) => referenceTimeline(c.checks, p.from, p.to, p.now)));
    expect(trend.map(({ date: _, ...counts }) => counts)).toEqual(
      trend.map((_, d) => {
        const counts: Record<DayState, number> = { failing: 0, stale: 0, no_data: 0, passing: 0 };
        for (const t of per) counts[t[d]!.state]++;
        return counts;
      }),
    );
  }
}

beforeAll(async () => {
  db = await createTestDb();
  ws = (await createWorkspaceRepo(db.orm).ensure('read-models', 'Read models')).id;
  await seed();
}, 120_000);

afterAll(async () => {
  await db?.close();
});

describe('check_result_days, kept by the database', () => {
  it('holds the days each closed interval touches after the first results', async () => {
    const stored = await storedDays();
    expect(stored.length).toBeGreaterThan(100);
    expect(stored).toEqual(await expectedDays());
  });

  it('gives the timeline and the trend exactly what the interval query gives', async () => {
    await expectTimelinesAsReference();
  }, 60_000);

  it('follows a day of evaluation (closing intervals, opening new ones), deletions and states judged after now, in the same transaction', async () => {
    const before = await createControlsQuery(db, ws).timeline(['rm.a', 'rm.b'], periods[0]!.from, periods[0]!.to, NOW);
    const current = await db.query<{ id: number; check_id: string; resource: string }>(
      "SELECT id, check_id, resource FROM check_results WHERE workspace_id = $1 AND valid_to IS NULL AND check_id IN ('rm.a', 'rm.b') ORDER BY id",
      [ws],
    );
    const changing = current.filter((_, i) => i % 3 === 0);
    const at = NOW.getTime() - 2 * 3_600_000;
    const late = NOW.getTime() + 3_600_000; // judged by a clock an hour ahead of the server's
    await db.orm.transaction(async (tx) => {
      await tx.execute(sql`UPDATE check_results SET valid_to = ${iso(at)}::timestamptz WHERE id IN (${sql.join(changing.map((c) => sql`${c.id}`), sql`, `)})`);
      // The read model already sees the change inside the transaction.
      const inside = rowsOf<{ n: number }>(await tx.execute(sql`SELECT count(*)::int AS n FROM check_result_days WHERE workspace_id = ${ws} AND day = ${iso(at).slice(0, 10)}::date AND n > 0`));
      expect(Number(inside[0]!.n)).toBeGreaterThan(0);
    });
    await insert(changing.map((c) => ({ check: c.check_id, resource: c.resource, status: 'fail' as const, from: at, to: null })));
    // A check's first results, one of them judged after now and already closed.
    await insert([
      { check: 'rm.d', resource: 'x', status: 'pass', from: START + 40 * DAY + 5_000, to: null },
      { check: 'rm.d', resource: 'y', status: 'fail', from: late, to: late + 3_600_000 },
      { check: 'rm.a', resource: 'late', status: 'stale', from: late, to: late + 60_000 },
    ]);
    // Retention-like deletion of old closed states (before the 90 days).
    const deleted = await db.query("DELETE FROM check_results WHERE workspace_id = $1 AND check_id = 'rm.b' AND valid_to < $2::timestamptz RETURNING id", [ws, iso(START)]);
    expect(deleted.length).toBeGreaterThan(0);
    // An update that changes a closed interval's status and times.
    await db.query(
      "UPDATE check_results SET status = 'error', valid_from = valid_from - interval '2 days' WHERE id = (SELECT min(id) FROM check_results WHERE workspace_id = $1 AND check_id = 'rm.c' AND valid_to IS NOT NULL)",
      [ws],
    );

    expect(await storedDays()).toEqual(await expectedDays());
    await expectTimelinesAsReference();
    const after = await createControlsQuery(db, ws).timeline(['rm.a', 'rm.b'], periods[0]!.from, periods[0]!.to, NOW);
    // The change shows on today only: every resource that changed now fails.
    expect(after.slice(0, -1)).toEqual(before.slice(0, -1));
    expect(after[after.length - 1]!.state).toBe('failing');
  }, 60_000);
});

describe('a control’s evidence, per check', () => {
  /** The reference: the filter over every record of the workspace that the search used before. */
  async function referenceSearch(control: { id: string; checks: string[] }, order: 'asc' | 'desc', limit: number, cursor?: number) {
    const judged = control.checks.map((c) => sql`starts_with(subject, ${`${c}/`})`);
    const cur = cursor === undefined ? sql`TRUE` : order === 'desc' ? sql`leaf_index < ${cursor}` : sql`leaf_index > ${cursor}`;
    return rowsOf<{ leaf_index: number }>(
      await db.orm.execute(sql`SELECT leaf_index FROM evidence_records WHERE workspace_id = ${ws} AND ${cur}
        AND (subject = ${`control:${control.id}`} OR (kind = 'check.result' AND (${judged.length ? sql.join(judged, sql` OR `) : sql`FALSE`})))
        ORDER BY leaf_index ${sql.raw(order)} LIMIT ${limit}`),
    ).map((x) => Number(x.leaf_index));
  }

  it('pages a control’s manual evidence and its checks’ judgements as the full scan did, in both orders', async () => {
    // Records of the control's checks, of a check whose id extends one of them, of other kinds with
    // the same subjects, manual evidence of this control and of another.
    const subjects: [string, string][] = [];
    for (let i = 0; i < 400; i++) {
      const u = r();
      if (u < 0.3) subjects.push(['check.result', `rm.a/res-${i % 7}`]);
      else if (u < 0.4) subjects.push(['check.result', `rm.b/dir/res-${i}`]);
      else if (u < 0.5) subjects.push(['check.result', `rm.ab/res-${i}`]);
      else if (u < 0.6) subjects.push(['event', `rm.a/res-${i}`]);
      else if (u < 0.65) subjects.push(['manual', 'control:CTL-1']);
      else if (u < 0.7) subjects.push(['manual', 'control:CTL-2']);
      else subjects.push(['resource.snapshot', `aws/thing-${i}`]);
    }
    const params: unknown[] = [];
    const values = subjects.map(([kind, subject], i) => {
      params.push(ws, i, `ev-${i}`, kind, subject);
      const b = i * 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, 'test', $${b + 5}, now(), now(), '\\x00'::bytea, '\\x00'::bytea)`;
    });
    await db.query(`INSERT INTO evidence_records (workspace_id, leaf_index, id, kind, source, subject, collected_at, effective_at, content_hash, leaf_hash) VALUES ${values.join(', ')}`, params);

    const q = createEvidenceQuery(db, ws);
    const control = { id: 'CTL-1', checks: ['rm.a', 'rm.b'] };
    for (const order of ['desc', 'asc'] as const) {
      const all = await referenceSearch(control, order, 1000);
      expect(all.length).toBeGreaterThan(100);
      const paged: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await q.search({ control, order, limit: 17, cursor }, null);
        expect(page.items.map((x) => x.leafIndex)).toEqual(await referenceSearch(control, order, 17, cursor === undefined ? undefined : Number(cursor)));
        paged.push(...page.items.map((x) => x.leafIndex));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(all);
    }
    // A control without checks: its manual evidence only.
    const manual = await q.search({ control: { id: 'CTL-2', checks: [] }, limit: 100 }, null);
    expect(manual.items.map((x) => x.leafIndex)).toEqual(await referenceSearch({ id: 'CTL-2', checks: [] }, 'desc', 100));
  });
});
