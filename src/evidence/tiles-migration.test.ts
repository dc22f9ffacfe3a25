import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../db/migrate.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { createTestDb, testDbKind, type TestDb } from '../db/testing.ts';
import { fixedClock } from '../lib/clock.ts';
import { createBlobStore } from './blob-store.ts';
import { generateSigningKey } from './keys.ts';
import { createEvidenceLog, type EvidenceLog } from './log.ts';
import { Frontier, nodeHash, sha256, verifyConsistency, verifyInclusion } from './merkle.ts';
import { envelopeLeafHash } from './records.ts';
import { insertRecords, lockHead, writeHead, type RecordRow } from './store.ts';
import { TILE_HEIGHT, groupTileWrites, tileId } from './tiles.ts';
import { verifyStoredLog } from './verify-log.ts';

// The tree of a log written before migration 0013: every complete subtree in evidence_nodes.
// Migration 0013 must turn it into tiles that prove exactly what the nodes proved.

function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

let db: TestDb;
let dir: string;
let log: EvidenceLog;
let ws: string;
const key = generateSigningKey().key;
const leaves: Buffer[] = [];

beforeAll(async () => {
  db = await createTestDb({ migrate: false });
  await migrate(db, loadMigrations().filter((m) => m.version < 13));
  dir = mkdtempSync(join(tmpdir(), 'vigil-tiles-migration-'));
  const clock = fixedClock('2026-02-01T00:00:00.000Z');
  log = createEvidenceLog({ db, clock, blobs: createBlobStore({ dir: join(dir, 'blobs') }), key });
  ws = (await createWorkspaceRepo(db.orm).ensure('acme', 'Acme')).id;
  // Three appends the way the old log wrote them: records, one node row per complete subtree, head.
  for (const count of [250, 250, 200]) {
    const prepared = await log.prepare(
      ws,
      Array.from({ length: count }, (_, i) => ({ kind: 'event' as const, source: 'okta', subject: `u${leaves.length + i}`, content: { i: leaves.length + i } })),
    );
    await db.orm.transaction(async (tx) => {
      const frontier = await lockHead(tx, ws);
      const rows: RecordRow[] = [];
      const nodes: [number, number, string][] = [];
      for (const p of prepared) {
        const leaf = envelopeLeafHash(p.envelope);
        rows.push({ ...p.envelope, leafIndex: frontier.size, content: p.content, leafHash: leaf.toString('hex') });
        frontier.push(leaf, (level, index, hash) => nodes.push([level, index, hash.toString('hex')]));
        leaves.push(leaf);
      }
      await insertRecords(tx, ws, rows);
      await tx.execute(sql`
        INSERT INTO evidence_nodes (workspace_id, level, idx, hash)
        SELECT ${ws}, (v->>0)::smallint, (v->>1)::bigint, decode(v->>2, 'hex') FROM json_array_elements(${JSON.stringify(nodes)}::json) AS v`);
      await writeHead(tx, ws, frontier, clock.now());
    });
  }
  const [n] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM evidence_nodes WHERE workspace_id = $1', [ws]);
  expect(n!.n).toBe(700 - 6); // n − popcount(n) complete subtrees above the leaves
  await migrate(db);
});
afterAll(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`migration 0013: evidence nodes to tiles (${testDbKind()})`, () => {
  it('builds exactly the tiles a fresh log writes, and drops the nodes table', async () => {
    const expected = new Map<string, Buffer>();
    const f = new Frontier();
    const entries: { level: number; index: number; hash: Buffer }[] = [];
    for (const leaf of leaves) {
      entries.push({ level: 0, index: f.size, hash: leaf });
      f.push(leaf, (level, index, hash) => {
        if (level % TILE_HEIGHT === 0) entries.push({ level: level / TILE_HEIGHT, index, hash });
      });
    }
    for (const w of groupTileWrites(entries)) expected.set(tileId(w.tile), w.bytes);
    const rows = await db.query<{ level: number; idx: number | string; hashes: Uint8Array }>('SELECT level, idx, hashes FROM evidence_tiles WHERE workspace_id = $1 ORDER BY level, idx', [ws]);
    expect(rows.map((r) => `${r.level}/${Number(r.idx)}`)).toEqual(['0/0', '0/1', '0/2', '1/0']);
    for (const r of rows) expect(Buffer.from(r.hashes).equals(expected.get(`${r.level}/${Number(r.idx)}`)!), `tile ${r.level}/${r.idx}`).toBe(true);
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'evidence_nodes' AND table_schema = current_schema()`)).toEqual([]);
  });

  it('gives the same roots, inclusion and consistency proofs as the tree of the leaves', async () => {
    expect((await log.head(ws)).rootHash).toBe(mth(leaves).toString('hex'));
    for (const [m, n] of [[0, 700], [255, 700], [256, 512], [511, 600], [699, 700], [300, 301]] as const) {
      const p = await log.prove(ws, m, n);
      expect(verifyInclusion(leaves[m]!, m, n, p.hashes.map((h) => Buffer.from(h, 'hex')), mth(leaves.slice(0, n))), `leaf ${m} in ${n}`).toBe(true);
    }
    for (const [m, n] of [[1, 700], [256, 700], [300, 513], [512, 700]] as const) {
      const p = await log.consistency(ws, m, n);
      expect(verifyConsistency(m, n, mth(leaves.slice(0, m)), mth(leaves.slice(0, n)), p.hashes.map((h) => Buffer.from(h, 'hex'))), `${m} → ${n}`).toBe(true);
    }
  });

  it('verifies in full, and the log keeps growing from the migrated partial tiles', async () => {
    expect(await verifyStoredLog({ db, blobs: createBlobStore({ dir: join(dir, 'blobs') }), key }, ws, { batch: 300 })).toMatchObject({ treeSize: 700 });
    const more = await log.append(ws, Array.from({ length: 100 }, (_, i) => ({ kind: 'event' as const, source: 'okta', subject: `late${i}`, content: { i } })));
    leaves.push(...more.map((r) => Buffer.from(r.leafHash, 'hex')));
    await log.checkpoint(ws);
    expect(await verifyStoredLog({ db, blobs: createBlobStore({ dir: join(dir, 'blobs') }), key }, ws)).toMatchObject({ treeSize: 801, checkpoints: 1 });
    const p = await log.prove(ws, 650, 800);
    expect(verifyInclusion(leaves[650]!, 650, 800, p.hashes.map((h) => Buffer.from(h, 'hex')), mth(leaves.slice(0, 800)))).toBe(true);
  });

  it('deletes a workspace’s tiles with its log', async () => {
    await db.orm.execute(sql`DELETE FROM workspaces WHERE id = ${ws}`);
    expect(await db.query('SELECT count(*)::int AS n FROM evidence_tiles WHERE workspace_id = $1', [ws])).toEqual([{ n: 0 }]);
    expect(await db.query('SELECT count(*)::int AS n FROM evidence_records WHERE workspace_id = $1', [ws])).toEqual([{ n: 0 }]);
  });
});
