/**
 * Keyset pagination of the findings queue over 100 000 rows inserted directly, with many equal
 * sort keys (so the id tie-breaker matters): walking every page returns exactly the rows of the
 * unpaged query, in its order, whatever the filter and sort.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createFindingsQuery, slaStateOf, type FindingQuery, type FindingWithSla } from './findings.ts';

const N = 100_000;
const NOW = new Date('2026-03-01T00:00:00Z');
let db: TestDb;
let ws: string;
let other: string;
let q: ReturnType<typeof createFindingsQuery>;
let all: { id: string; severity: string; status: string; owner: string | null; source: string; controls: string[]; openedAt: Date; dueAt: Date }[];

const rank: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

beforeAll(async () => {
  db = await createTestDb();
  ws = (await createWorkspaceRepo(db.orm).ensure('big', 'Big')).id;
  other = (await createWorkspaceRepo(db.orm).ensure('other', 'Other')).id;
  // Ids are md5 hex, so their order is unrelated to insertion; due dates repeat every 500 rows.
  for (const w of [ws, other]) {
    await db.query(
      `INSERT INTO findings (id, workspace_id, check_id, resource, controls, source, severity, status, owner, title, reason, opened_at, due_at, updated_at)
       SELECT 'fnd_' || md5($1 || i::text), $1, 'check.c' || (i % 7), 'res/' || i, ARRAY['C-' || (i % 11)], 'src' || (i % 3),
              (ARRAY['critical', 'high', 'medium', 'low', 'info'])[1 + i % 5],
              (ARRAY['open', 'acknowledged', 'resolved', 'muted'])[1 + (i / 5) % 4],
              CASE WHEN i % 4 = 0 THEN 'owner@example.com' END, 't', 'r',
              timestamptz '2026-01-01 00:00:00+00' + (i % 1000) * interval '1 hour',
              timestamptz '2026-02-01 00:00:00+00' + (i % 500) * interval '6 hours',
              timestamptz '2026-02-15 00:00:00+00' + (i % 97) * interval '1 minute'
       FROM generate_series(1, $2::int) AS i`,
      [w, w === ws ? N : 1000],
    );
  }
  // As a server's autovacuum would: without statistics the planner sorts the whole table per page.
  await db.query('ANALYZE findings');
  q = createFindingsQuery({ db, now: () => NOW, atRiskShare: 0.75 }, ws);
  const rows = await db.query<{ id: string; severity: string; status: string; owner: string | null; source: string; controls: string[]; opened_at: Date; due_at: Date }>(
    'SELECT id, severity, status, owner, source, controls, opened_at, due_at FROM findings WHERE workspace_id = $1',
    [ws],
  );
  all = rows.map((r) => ({ ...r, openedAt: new Date(r.opened_at), dueAt: new Date(r.due_at) }));
}, 120_000);

afterAll(async () => {
  await db?.close();
});

async function walk(query: FindingQuery): Promise<FindingWithSla[]> {
  const out: FindingWithSla[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await q.page({ ...query, cursor }, null);
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

describe('findings pagination over 100 000 rows', () => {
  it('returns every row once, in due-date order with the id breaking ties', async () => {
    const got = await walk({ status: ['open', 'acknowledged', 'resolved', 'muted'], limit: 1000 });
    expect(got).toHaveLength(N);
    expect(new Set(ids(got)).size).toBe(N);
    const expected = [...all].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || byCodePoint(a.id, b.id));
    expect(ids(got).join(' ')).toBe(ids(expected).join(' '));
  });

  it('filters by severity and SLA state and sorts by severity, descending, without losing or repeating a row', async () => {
    const query: FindingQuery = { status: ['open', 'acknowledged', 'muted'], severity: ['critical', 'high', 'low'], sla: ['overdue', 'at_risk'], sort: 'severity', order: 'desc', limit: 500 };
    const got = await walk(query);
    const expected = all
      .filter((f) => query.status!.includes(f.status as never) && query.severity!.includes(f.severity as never))
      .filter((f) => ['overdue', 'at_risk'].includes(slaStateOf({ status: f.status as never, openedAt: f.openedAt, dueAt: f.dueAt }, NOW, 0.75) ?? ''))
      .sort((a, b) => rank[b.severity]! - rank[a.severity]! || byCodePoint(b.id, a.id));
    expect(expected.length).toBeGreaterThan(5000);
    expect(ids(got)).toEqual(ids(expected));
    expect(got.every((f) => f.slaState === 'overdue' || f.slaState === 'at_risk')).toBe(true);
  });

  it('filters by owner, source and control together, counting the total', async () => {
    const query: FindingQuery = { status: ['open', 'resolved'], owner: 'owner@example.com', source: 'src1', control: 'C-4', sort: 'opened', limit: 100, includeTotal: true };
    const first = await q.page(query, null);
    const got = await walk(query);
    const expected = all
      .filter((f) => ['open', 'resolved'].includes(f.status) && f.owner === 'owner@example.com' && f.source === 'src1' && f.controls.includes('C-4'))
      .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || byCodePoint(a.id, b.id));
    expect(first.total).toBe(expected.length);
    expect(ids(got)).toEqual(ids(expected));
  });

  it('keeps going past rows that change between pages: unchanged rows appear exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let page = await q.page({ status: ['open'], limit: 2000 }, null);
    seen.push(...ids(page.items));
    cursor = page.nextCursor!;
    // Meanwhile: rows already seen and rows not yet seen are resolved, so they leave the filter.
    const first = new Set(seen);
    const gone = [seen[10]!, ...all.filter((f) => f.status === 'open' && !first.has(f.id)).slice(0, 50).map((f) => f.id)];
    await db.query(`UPDATE findings SET status = 'resolved' WHERE id = ANY($1)`, [gone]);
    try {
      while (cursor) {
        page = await q.page({ status: ['open'], limit: 2000, cursor }, null);
        seen.push(...ids(page.items));
        cursor = page.nextCursor ?? undefined;
      }
      const goneSet = new Set(gone);
      const stillOpen = all.filter((f) => f.status === 'open' && !goneSet.has(f.id)).map((f) => f.id);
      const seenSet = new Set(seen);
      expect(seenSet.size).toBe(seen.length);
      expect(stillOpen.filter((id) => !seenSet.has(id))).toEqual([]);
      expect(seen.length).toBe(stillOpen.length + 1); // the one resolved after it was seen
    } finally {
      await db.query(`UPDATE findings SET status = 'open' WHERE id = ANY($1)`, [gone]);
    }
  });

  it('reads the at-risk share in force at each request (it can change in Settings)', async () => {
    const open = (await q.page({ status: ['open'], sla: ['on_track', 'at_risk'], limit: 5000 }, null)).items;
    const elapsed = (f: FindingWithSla) => (NOW.getTime() - f.openedAt.getTime()) / (f.dueAt!.getTime() - f.openedAt.getTime());
    const f = open.find((x) => x.dueAt && elapsed(x) > 0.02 && elapsed(x) < 0.98)!;
    let share = elapsed(f) + 0.01;
    const live = createFindingsQuery({ db, now: () => NOW, atRiskShare: async () => share }, ws);
    expect((await live.get(f.id, null))!.slaState).toBe('on_track');
    share = elapsed(f) - 0.01;
    expect((await live.get(f.id, null))!.slaState).toBe('at_risk');
    expect((await live.page({ status: ['open'], sla: ['at_risk'], limit: 5000 }, null)).items.map((x) => x.id)).toContain(f.id);
  });

  it('never shows another workspace’s rows, and refuses a cursor made for another sort', async () => {
    const page = await q.page({ status: ['open', 'acknowledged', 'resolved', 'muted'], limit: 10 }, null);
    expect(page.items.every((f) => f.workspaceId === ws)).toBe(true);
    const otherQ = createFindingsQuery({ db, now: () => NOW, atRiskShare: 0.75 }, other);
    expect((await otherQ.page({ status: ['open', 'acknowledged', 'resolved', 'muted'], limit: 5000 }, null)).items).toHaveLength(1000);
    await expect(q.page({ sort: 'opened', cursor: page.nextCursor! }, null)).rejects.toMatchObject({ _tag: 'InvalidInput' });
  });
});
