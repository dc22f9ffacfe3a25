/**
 * The inventory write of a collection (`collectRows`, the path every connector's resource listing
 * takes): a row is written only when it is new, changed or back after a deletion; rows missing
 * from a complete listing are marked deleted, and nothing is marked deleted after an incomplete
 * one. On PGlite and on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { resources } from '../db/schema/resources.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import type { Row } from '../connectors/sdk/index.ts';
import { collectRows } from './collect.ts';

const host = (i: number, over: Partial<Row> = {}): Row => ({ id: `h${String(i).padStart(3, '0')}`, name: `host-${i}`, patched: true, ...over });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Rows in pages of `size`, as a connector hands them over. */
const pages = (rows: Row[], size = 7) => range(Math.ceil(rows.length / size)).map((p) => rows.slice(p * size, (p + 1) * size));

describe('collection inventory write', () => {
  let fx: EvidenceFixture;
  beforeEach(async () => {
    fx = await createEvidenceFixture('2026-03-02T08:00:00.000Z');
  });
  afterEach(async () => fx.close());

  const deps = () => ({ db: fx.db, clock: fx.clock, evidence: fx.log, blobs: fx.blobs });
  const collect = (rows: Row[]) => collectRows(deps(), fx.workspaceId, 'cmdb', 'cmdb.host', 'id', pages(rows));
  const stored = async () => {
    const rows = await fx.db.orm
      .select()
      .from(resources)
      .where(and(eq(resources.workspaceId, fx.workspaceId), eq(resources.source, 'cmdb'), eq(resources.type, 'cmdb.host')));
    return new Map(rows.map((r) => [r.key, r]));
  };

  it('writes every row of a first listing, then nothing for the same listing', async () => {
    const rows = range(40).map((i) => host(i));
    expect(await collect(rows)).toEqual({ rows: 40, changed: 40, deleted: 0 });
    fx.clock.advance(60_000);
    // Same rows, other order and other page boundaries: still nothing to write.
    const again = await collectRows(deps(), fx.workspaceId, 'cmdb', 'cmdb.host', 'id', pages([...rows].reverse(), 11));
    expect(again).toEqual({ rows: 40, changed: 0, deleted: 0 });
    const after = await stored();
    expect(after.size).toBe(40);
    expect([...after.values()].every((r) => r.changedAt.toISOString() === '2026-03-02T08:00:00.000Z')).toBe(true);
  });

  it('writes only changed and new rows, and marks the rows a complete listing lacks as deleted', async () => {
    await collect(range(20).map((i) => host(i)));
    fx.clock.advance(60_000);
    const next = range(22)
      .filter((i) => i !== 4 && i !== 9)
      .map((i) => (i === 3 ? host(i, { patched: false }) : host(i)));
    expect(await collect(next)).toEqual({ rows: 20, changed: 3, deleted: 2 });
    const after = await stored();
    const changedNow = [...after.values()].filter((r) => r.changedAt.toISOString() === '2026-03-02T08:01:00.000Z').map((r) => r.key).sort();
    expect(changedNow).toEqual(['h003', 'h004', 'h009', 'h020', 'h021']);
    expect(after.get('h003')!.data).toMatchObject({ patched: false });
    expect(after.get('h004')!.deletedAt?.toISOString()).toBe('2026-03-02T08:01:00.000Z');
    expect(after.get('h005')!.deletedAt).toBeNull();
  });

  it('writes a deleted row again when it comes back, with the same content', async () => {
    await collect(range(5).map((i) => host(i)));
    fx.clock.advance(60_000);
    expect(await collect(range(4).map((i) => host(i)))).toMatchObject({ changed: 0, deleted: 1 });
    fx.clock.advance(60_000);
    expect(await collect(range(5).map((i) => host(i)))).toEqual({ rows: 5, changed: 1, deleted: 0 });
    const back = (await stored()).get('h004')!;
    expect(back.deletedAt).toBeNull();
    expect(back.changedAt.toISOString()).toBe('2026-03-02T08:02:00.000Z');
  });

  it('marks nothing deleted after an incomplete listing', async () => {
    await collect(range(10).map((i) => host(i)));
    fx.clock.advance(60_000);
    const partial = await collectRows(deps(), fx.workspaceId, 'cmdb', 'cmdb.host', 'id', [range(3).map((i) => host(i))], { complete: false });
    expect(partial).toEqual({ rows: 3, changed: 0, deleted: 0 });
    expect([...(await stored()).values()].filter((r) => r.deletedAt !== null)).toEqual([]);
  });

  it('writes a key listed twice in one snapshot once when both copies are the same', async () => {
    await collect(range(3).map((i) => host(i)));
    fx.clock.advance(60_000);
    const twice = [host(0), host(1), host(2), host(1)];
    expect(await collect(twice)).toEqual({ rows: 4, changed: 0, deleted: 0 });
  });
});
