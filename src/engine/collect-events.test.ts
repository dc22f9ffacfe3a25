import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../db/client.ts';
import { canonicalize } from '../evidence/canonical-json.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import { verifyStoredLog } from '../evidence/verify-log.ts';
import { ingestEventPage, type EventTarget } from './collect.ts';

let f: EvidenceFixture;
let target: EventTarget;
beforeAll(async () => {
  f = await createEvidenceFixture();
  target = { workspaceId: f.workspaceId, source: 'aws', stream: 'aws.cloudtrail-events', key: 'eventID', time: 'eventTime' };
});
afterAll(async () => {
  await f?.close();
});

const ev = (id: string, minute: number, extra: Record<string, unknown> = {}) => ({
  eventID: id,
  eventTime: `2026-01-15T08:${String(minute).padStart(2, '0')}:00Z`,
  eventName: 'ConsoleLogin',
  userIdentity: { type: 'IAMUser', userName: 'ana' },
  ...extra,
});

const stored = async () =>
  rowsOf<{ key: string; occurred_at: string; data: Record<string, unknown>; evidence_id: string | null }>(
    await f.db.orm.execute(
      sql`SELECT key, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS occurred_at, data, evidence_id
          FROM events WHERE workspace_id = ${f.workspaceId} ORDER BY key`,
    ),
  );

describe('ingestEventPage', () => {
  it('stores each new event once with an evidence record holding exactly its canonical JSON, and moves the cursor', async () => {
    // Strings that need escaping must survive the trip into both tables byte for byte (events.data is
    // jsonb, which refuses \u0000, so that one is proved for the evidence log alone, in log.test.ts).
    const tricky = ev('e2', 2, { note: 'quote " backslash \\ tab \t bell \u0007 é 😀 not a nul: \\u0000', n: 1.5e-7 });
    const added = await ingestEventPage({ db: f.db, clock: f.clock, evidence: f.log }, target, { rows: [ev('e1', 1), tricky, ev('e1', 1, { repeated: true })], cursor: 'c1' });
    expect(added).toBe(2);
    const rows = await stored();
    expect(rows.map((r) => [r.key, r.occurred_at])).toEqual([
      ['e1', '2026-01-15T08:01:00Z'],
      ['e2', '2026-01-15T08:02:00Z'],
    ]);
    // The first of two events with one key is kept.
    expect(rows[0]!.data.repeated).toBeUndefined();
    for (const r of rows) {
      const rec = await f.log.get(f.workspaceId, r.evidence_id!);
      expect(rec?.kind).toBe('event');
      expect(rec?.subject).toBe(`aws.cloudtrail-events/${r.key}`);
      expect(rec?.effectiveAt).toBe(`${r.occurred_at.slice(0, -1)}.000Z`);
      expect(rec?.content).toBe(canonicalize(r.key === 'e2' ? tricky : ev('e1', 1)));
    }
    const [cursor] = rowsOf<{ cursor: string }>(await f.db.orm.execute(sql`SELECT cursor FROM event_cursors WHERE workspace_id = ${f.workspaceId} AND stream = ${target.stream}`));
    expect(cursor?.cursor).toBe('c1');
  });

  it('skips events already stored, appending evidence only for the new ones', async () => {
    const before = (await f.log.head(f.workspaceId)).treeSize;
    const added = await ingestEventPage({ db: f.db, clock: f.clock, evidence: f.log }, target, { rows: [ev('e2', 2), ev('e3', 3)], cursor: 'c2' });
    expect(added).toBe(1);
    expect((await f.log.head(f.workspaceId)).treeSize).toBe(before + 1);
    const rows = await stored();
    expect(rows.map((r) => r.key)).toEqual(['e1', 'e2', 'e3']);
    // Every event names a distinct evidence record, and the log verifies.
    expect(new Set(rows.map((r) => r.evidence_id)).size).toBe(3);
    const report = await verifyStoredLog({ db: f.db, blobs: f.blobs, key: f.key }, f.workspaceId);
    expect(report.records).toBe(before + 1);
  });

  it('refuses a page with an event the events table cannot hold, naming the event', async () => {
    const page = { rows: [ev('e6', 6, { note: 'nul \u0000' })], cursor: 'c4' };
    await expect(ingestEventPage({ db: f.db, clock: f.clock, evidence: f.log }, target, page)).rejects.toThrow(/event e6 contains the character U\+0000/);
    expect((await stored()).map((r) => r.key)).toEqual(['e1', 'e2', 'e3']);
  });

  it('writes nothing of a page that fails, so the page is read again from the old cursor', async () => {
    const page = { rows: [ev('e4', 4), ev('e5', 5, { bad: () => 1 })], cursor: 'c3' };
    await expect(ingestEventPage({ db: f.db, clock: f.clock, evidence: f.log }, target, page)).rejects.toThrow(/not canonicalizable/);
    expect((await stored()).map((r) => r.key)).toEqual(['e1', 'e2', 'e3']);
    const [cursor] = rowsOf<{ cursor: string }>(await f.db.orm.execute(sql`SELECT cursor FROM event_cursors WHERE workspace_id = ${f.workspaceId} AND stream = ${target.stream}`));
    expect(cursor?.cursor).toBe('c2');
  });
});
