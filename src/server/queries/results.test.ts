/**
 * The counts of current results per check and status that the overview reads: kept by the database
 * beside check_results (migration 0011), they must equal a fresh count of the rows after every kind
 * of write — the engine's own state changes (open, close, resource gone), a delete, and a workspace
 * deleted with all its rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { applyResults, type StoredResult } from '../../engine/results.ts';
import type { ResultStatus } from '../../db/schema/check-results.ts';
import { eq } from 'drizzle-orm';
import { createResultsQuery } from './results.ts';

let db: TestDb;
let ws: string;
let other: string;

beforeAll(async () => {
  db = await createTestDb();
  ws = (await createWorkspaceRepo(db.orm).ensure('counts', 'Counts')).id;
  other = (await createWorkspaceRepo(db.orm).ensure('other', 'Other')).id;
}, 120_000);

afterAll(async () => {
  await db?.close();
});

/** A fresh count of the current rows, as the overview used to compute it. */
async function recount(workspaceId: string) {
  const rows = await db.query<{ check_id: string; status: ResultStatus; n: number }>(
    'SELECT check_id, status, count(*)::int AS n FROM check_results WHERE workspace_id = $1 AND valid_to IS NULL GROUP BY 1, 2',
    [workspaceId],
  );
  const out = new Map<string, Partial<Record<ResultStatus, number>>>();
  for (const r of rows) out.set(r.check_id, { ...out.get(r.check_id), [r.status]: Number(r.n) });
  return out;
}

const statuses: ResultStatus[] = ['pass', 'fail', 'error', 'stale', 'not_applicable'];
const results = (seed: number, n: number): StoredResult[] =>
  Array.from({ length: n }, (_, i) => ({ resource: `r${i}`, status: statuses[(i * 7 + seed * 3) % (seed % 2 ? 5 : 2)]!, severity: 'high', reason: `reason ${seed}`, evidence: [] }));

describe('current result counts kept by the database', () => {
  it('equal a fresh count after every evaluation, whatever changed', async () => {
    const q = createResultsQuery(db, ws);
    let t = Date.parse('2026-01-01T00:00:00Z');
    for (let round = 0; round < 6; round++) {
      t += 3_600_000;
      // Resources come and go (the count shrinks and grows); statuses move between all five.
      for (const check of ['c.one', 'c.two', 'c.three']) {
        await db.orm.transaction((tx) => applyResults(tx, check === 'c.three' ? other : ws, check, results(round + check.length, 40 - round * 5 + (check === 'c.two' ? round * 9 : 0)), new Date(t)));
      }
      expect(await q.countsByCheck(null)).toEqual(await recount(ws));
      expect(await createResultsQuery(db, other).countsByCheck(null)).toEqual(await recount(other));
    }
    const only = await q.countsByCheck(null, ['c.two']);
    expect([...only.keys()]).toEqual(['c.two']);
    expect(only.get('c.two')).toEqual((await recount(ws)).get('c.two'));
  });

  it('follow a delete of rows, and a check whose every result is gone has none', async () => {
    const q = createResultsQuery(db, ws);
    await db.query(`DELETE FROM check_results WHERE workspace_id = $1 AND check_id = 'c.one' AND status = 'pass'`, [ws]);
    await db.orm.transaction((tx) => applyResults(tx, ws, 'c.two', [], new Date('2026-02-01T00:00:00Z')));
    const counts = await q.countsByCheck(null);
    expect(counts).toEqual(await recount(ws));
    expect(counts.has('c.two')).toBe(false);
    expect(counts.get('c.one')?.pass).toBeUndefined();
  });

  it('go with a deleted workspace, without failing the delete', async () => {
    await db.orm.delete(workspaces).where(eq(workspaces.id, other));
    const left = await db.query('SELECT * FROM check_result_counts WHERE workspace_id = $1', [other]);
    expect(left).toHaveLength(0);
  });
});
