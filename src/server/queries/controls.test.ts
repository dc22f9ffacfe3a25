/**
 * The operating-effectiveness timeline, folded into runs of days by the database: it must answer,
 * day by day and check by check, exactly what a direct reading of the rule gives over the same
 * intervals — a check counts for a day when one of its states held at some time that day — for
 * intervals that start before the period, end after "now", stay open, or fall on midnight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import type { ResultStatus } from '../../db/schema/check-results.ts';
import { createControlsQuery, type DayState } from './controls.ts';

const DAY = 86_400_000;
const FROM = new Date('2026-01-01T00:00:00Z');
const TO = new Date('2026-03-01T00:00:00Z');
const NOW = new Date('2026-02-20T13:30:00Z');
const CHECKS = ['k.a', 'k.b', 'k.c', 'k.d'];
const statuses: ResultStatus[] = ['pass', 'pass', 'pass', 'fail', 'stale', 'error', 'not_applicable'];

let db: TestDb;
let ws: string;
let rows: { check: string; status: ResultStatus; from: number; to: number | null }[];

/** A small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed;
  return () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

beforeAll(async () => {
  db = await createTestDb();
  ws = (await createWorkspaceRepo(db.orm).ensure('timeline', 'Timeline')).id;
  const r = rng(42);
  rows = [];
  for (const check of CHECKS.slice(0, 3)) {
    for (let res = 0; res < (check === 'k.c' ? 4 : 30); res++) {
      // Each resource: back-to-back states from before the period to after now; some on midnight.
      let t = FROM.getTime() - 10 * DAY + Math.floor(r() * 5 * DAY);
      while (t < NOW.getTime() + 5 * DAY) {
        const len = r() < 0.2 ? Math.floor(r() * 20) * DAY : Math.floor(r() * 12 * DAY);
        const end = t + Math.max(len, 3_600_000);
        const open = end > NOW.getTime() + 3 * DAY;
        rows.push({ check, status: statuses[Math.floor(r() * statuses.length)]!, from: t, to: open ? null : end });
        if (open) break;
        t = end;
      }
    }
  }
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    const params: unknown[] = [];
    const values = part.map((x, j) => {
      params.push(ws, x.check, `res-${j % 30}-${i + j}`, x.status, new Date(x.from).toISOString(), x.to === null ? null : new Date(x.to).toISOString());
      const b = j * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, 'high', 'r', $${b + 5}::timestamptz, $${b + 6}::timestamptz, $${b + 5}::timestamptz)`;
    });
    await db.query(`INSERT INTO check_results (workspace_id, check_id, resource, status, severity, reason, valid_from, valid_to, judged_at) VALUES ${values.join(', ')}`, params);
  }
}, 120_000);

afterAll(async () => {
  await db?.close();
});

/** The rule read directly: which statuses of a check held at some time on day i (up to now). */
function expected(checkIds: string[]) {
  const end = Math.min(TO.getTime(), NOW.getTime());
  const n = (TO.getTime() - FROM.getTime()) / DAY;
  const days: { state: DayState; failing: string[] }[] = [];
  for (let i = 0; i < n; i++) {
    const d0 = FROM.getTime() + i * DAY;
    const per = checkIds.map((c) => {
      const held = new Set(
        rows
          .filter((x) => x.check === c && x.from < end && (x.to ?? Infinity) > FROM.getTime())
          .filter((x) => x.from < d0 + DAY && Math.min(x.to ?? end, end) > d0)
          .map((x) => x.status),
      );
      return held.has('fail') ? 'fail' : held.has('stale') || held.has('error') ? 'stale' : held.has('pass') ? 'pass' : held.has('not_applicable') ? 'na' : 'none';
    });
    const state: DayState = per.includes('fail') ? 'failing' : per.includes('stale') ? 'stale' : per.includes('none') ? 'no_data' : per.includes('pass') ? 'passing' : 'no_data';
    days.push({ state, failing: checkIds.filter((_, j) => per[j] === 'fail') });
  }
  return days;
}

describe('control timeline', () => {
  it('gives every day the state the rule gives, check by check', async () => {
    const q = createControlsQuery(db, ws);
    for (const checks of [['k.a'], ['k.c'], ['k.a', 'k.b', 'k.c'], ['k.b', 'k.d']]) {
      const got = await q.timeline(checks, FROM, TO, NOW);
      expect(got.map((d) => ({ state: d.state, failing: d.failing }))).toEqual(expected(checks));
      expect(got[0]!.date).toBe('2026-01-01');
    }
  });

  it('has no data after now, and some of each state before', async () => {
    const got = await createControlsQuery(db, ws).timeline(['k.c'], FROM, TO, NOW);
    expect(got.filter((d) => d.date > '2026-02-20').every((d) => d.state === 'no_data')).toBe(true);
    expect(new Set(got.map((d) => d.state))).toEqual(new Set(['failing', 'stale', 'passing', 'no_data']));
  });
});
