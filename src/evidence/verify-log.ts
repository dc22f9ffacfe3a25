/**
 * Full verification of a workspace's stored log: streams every record in leaf order (in batches,
 * so memory stays flat however long the log is) and recomputes everything from the records alone —
 * content hashes, attachment hashes, leaf hashes, every stored hash of the tree's tiles (none wrong,
 * missing or extra), the head, and the root at every signed checkpoint, whose signatures are
 * checked too. Stops at the first thing that does not verify and names it (IntegrityError).
 */
import { hash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { VigilError } from '../lib/errors.ts';
import type { BlobStore } from './blob-store.ts';
import { originFor, type SigningKey } from './keys.ts';
import { Frontier, HASH_BYTES } from './merkle.ts';
import { openCheckpoint } from './note.ts';
import { envelopeLeafHash } from './records.ts';
import { findOverlongTile, queryRows, readHead, readTileRanges, verifyRows, type VerifyMeta } from './store.ts';
import { TILE_HEIGHT, TILE_WIDTH, entryLeaves, tileId } from './tiles.ts';

export interface VerifyLogReport {
  workspaceId: string;
  treeSize: number;
  rootHash: string;
  records: number;
  expired: number;
  attachments: number;
  checkpoints: number;
}

export interface VerifyLogOptions {
  /** Records read per query (default 4096: whole level-0 tiles). */
  batch?: number;
  /** Re-hash every attachment still kept (default true). */
  attachments?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export async function verifyStoredLog(
  { db, blobs, key }: { db: Database; blobs: BlobStore; key: SigningKey },
  workspaceId: string,
  options: VerifyLogOptions = {},
): Promise<VerifyLogReport> {
  const batch = options.batch ?? 4096;
  const checkBlobs = options.attachments ?? true;
  const where = `evidence log of ${workspaceId}`;
  const fail = (message: string, at: string, hint?: string): never => {
    throw new VigilError('IntegrityError', message, { where: at, ...(hint ? { hint } : {}) });
  };

  const origin = originFor(workspaceId);
  const verifier = key.verifier(origin);
  const head = await readHead(db.orm, workspaceId);

  // Every signed checkpoint, checked now; its root is compared when the stream reaches its size.
  const cps = await queryRows<{ id: string; tree_size: string | number; root_hash: string; note: string }>(
    db.orm,
    sql`SELECT id, tree_size, encode(root_hash, 'hex') AS root_hash, note FROM evidence_checkpoints WHERE workspace_id = ${workspaceId} ORDER BY tree_size, signed_at`,
  );
  const bySize = new Map<number, { id: string; root: string }[]>();
  for (const c of cps) {
    const at = `checkpoint ${c.id}`;
    const body = openCheckpoint(c.note, verifier, at);
    const size = Number(c.tree_size);
    if (body.origin !== origin || body.treeSize !== size || body.rootHash.toString('hex') !== c.root_hash) {
      fail(`the signed note of checkpoint ${c.id} does not say what its row says (size ${size}, root ${c.root_hash.slice(0, 16)}…)`, at);
    }
    if (size > head.size) fail(`checkpoint ${c.id} is of size ${size}, beyond the log's ${head.size} leaves: records were removed from the end`, at);
    bySize.set(size, [...(bySize.get(size) ?? []), { id: c.id, root: c.root_hash }]);
  }
  const checkRoot = (f: Frontier) => {
    for (const c of bySize.get(f.size) ?? []) {
      if (f.root().toString('hex') !== c.root) {
        fail(
          `the records do not rebuild the tree signed by checkpoint ${c.id} (size ${f.size}): a record before leaf ${f.size} was changed, reordered, inserted or deleted`,
          `checkpoint ${c.id}`,
          'compare with the checkpoints your witnesses hold, and export the affected period to see which records differ',
        );
      }
    }
  };

  const frontier = new Frontier();
  checkRoot(frontier);
  const verifiedBlobs = new Set<string>();
  let expired = 0;
  let attachments = 0;
  // The next page is read while this one is hashed (two pages in memory at most): on PostgreSQL
  // the read is most of the time, and it runs on another connection meanwhile.
  const page = (lo: number) => {
    const p = verifyRows(db.orm, workspaceId, lo, Math.min(lo + batch, head.size));
    p.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    return p;
  };
  let next = head.size > 0 ? page(0) : undefined;
  for (let lo = 0; lo < head.size; lo += batch) {
    const hi = Math.min(lo + batch, head.size);
    const recs = await next!;
    next = hi < head.size ? page(hi) : undefined;
    // The hashes the records produce at tile levels (tree levels 0, 8, 16, …), per tile level in order.
    const made: Buffer[][] = [[]];
    const firstAt: number[] = [lo];
    const onNode = (level: number, index: number, hash: Buffer) => {
      if (level % TILE_HEIGHT !== 0) return;
      const l = level / TILE_HEIGHT;
      if (!made[l]) {
        made[l] = [];
        firstAt[l] = index;
      }
      made[l]!.push(hash);
    };
    for (let i = 0; i < hi - lo; i++) {
      const row = recs[i];
      const leafIndex = lo + i;
      const r = row ? (JSON.parse(row.m) as VerifyMeta) : undefined;
      if (!r || r[0] !== leafIndex) fail(`leaf ${leafIndex} has no record: it was deleted`, `${where}, leaf ${leafIndex}`);
      const leaf = checkRecord(r!, row!.content, leafIndex);
      if (checkBlobs && row!.content !== null && r![11].length > 0) await checkAttachments(r!, leafIndex);
      made[0]!.push(leaf);
      frontier.push(leaf, onNode);
      checkRoot(frontier);
    }
    // Every hash the records produce at a tile level must be the tile's entry: proofs are built from those.
    const ranges: [number, number, number][] = [];
    for (let l = 0; l < made.length; l++) {
      ranges.push([l, Math.floor(firstAt[l]! / TILE_WIDTH), Math.floor((firstAt[l]! + made[l]!.length - 1) / TILE_WIDTH)]);
    }
    const tiles = await readTileRanges(db.orm, workspaceId, ranges);
    for (let l = 0; l < made.length; l++) {
      for (let k = 0; k < made[l]!.length; k++) {
        const entry = firstAt[l]! + k;
        const id = `${l}/${Math.floor(entry / TILE_WIDTH)}`;
        const bytes = tiles.get(id);
        const at = (entry % TILE_WIDTH) * HASH_BYTES;
        if (bytes && bytes.length % HASH_BYTES !== 0) {
          fail(`stored tile ${id} is not a whole number of hashes (${bytes.length} bytes): the tile was altered`, `${where}, tile ${id}`);
        }
        const stored = bytes && bytes.length >= at + HASH_BYTES ? bytes.subarray(at, at + HASH_BYTES) : undefined;
        if (!stored || !stored.equals(made[l]![k]!)) {
          const leaves = entryLeaves(l, entry);
          fail(
            `the stored tree hash over ${leaves} (tile ${id}, entry ${entry % TILE_WIDTH}) ${stored ? 'differs from' : 'is missing for'} the records at those leaves: ` +
              (stored ? 'records were reordered or replaced, or the tile was altered' : 'the tile was truncated or deleted'),
            `${where}, ${leaves}`,
          );
        }
      }
    }
    options.onProgress?.(hi, head.size);
  }

  const [extra] = await queryRows<{ id: string; leaf_index: string | number }>(
    db.orm,
    sql`SELECT id, leaf_index FROM evidence_records WHERE workspace_id = ${workspaceId} AND leaf_index >= ${head.size} ORDER BY leaf_index LIMIT 1`,
  );
  if (extra) fail(`record ${extra.id} at leaf ${extra.leaf_index} is beyond the log's ${head.size} leaves: it was inserted outside the log`, `${where}, leaf ${extra.leaf_index}`);
  const long = await findOverlongTile(db.orm, workspaceId, head.size);
  if (long) {
    const id = tileId(long);
    const first = long.index * TILE_WIDTH + long.allowed;
    fail(
      `stored tile ${id} holds ${long.entries} hashes where the log's ${head.size} leaves allow ${long.allowed}: hashes over ${entryLeaves(long.level, first)} and after were added outside the log`,
      `${where}, tile ${id}`,
    );
  }
  if (!frontier.encode().equals(head.encode())) fail('the log head does not match the records: the next append would extend a wrong tree', `${where}, head`);

  return { workspaceId, treeSize: head.size, rootHash: frontier.root().toString('hex'), records: head.size, expired, attachments, checkpoints: cps.length };

  // Synchronous, with the record's name built only on failure: it runs once per record.
  function checkRecord(r: VerifyMeta, content: string | null, leafIndex: number): Buffer {
    const [, id, kind, source, subject, collectedMs, effectiveMs, subMs, contentHash, leafHash, isExpired, atts] = r;
    const at = () => `record ${id} (leaf ${leafIndex})`;
    if (content === null) {
      if (!isExpired) fail('its content is missing but it was never expired: the content was deleted', at());
      expired++;
    } else if (hash('sha256', content, 'hex') !== contentHash) {
      fail('its content does not match its content hash: the content was changed', at());
    }
    if (subMs) fail('a time of it has a part below the millisecond, which no append writes: a time was changed', at());
    const leaf = envelopeLeafHash({
      id,
      workspace: workspaceId,
      kind,
      source,
      subject,
      collectedAt: isoTime(collectedMs, at),
      effectiveAt: isoTime(effectiveMs, at),
      contentHash,
      attachments: atts,
    });
    if (leaf.toString('hex') !== leafHash) {
      fail('its fields do not hash to its leaf hash: a field (time, kind, source, subject, hashes or attachments) was changed', at());
    }
    return leaf;
  }

  async function checkAttachments(r: VerifyMeta, leafIndex: number): Promise<void> {
    const at = `record ${r[1]} (leaf ${leafIndex})`;
    for (const a of r[11]) {
      attachments++;
      if (verifiedBlobs.has(a.sha256)) continue;
      let data: Buffer;
      try {
        data = await blobs.get(a.sha256);
      } catch (e) {
        return fail(`its attachment "${a.name}" (${a.sha256.slice(0, 16)}…) ${(e as VigilError)._tag === 'NotFound' ? 'is missing from the blob store' : 'was changed in the blob store'}`, at);
      }
      if (data.length !== a.size) fail(`its attachment "${a.name}" has ${data.length} bytes, not ${a.size}`, at);
      verifiedBlobs.add(a.sha256);
    }
  }
}

// Records of a batch mostly share their times (one collection time per append), and formatting
// a date costs more than hashing the envelope: remember the last one.
let lastMs = Number.NaN;
let lastIso = '';

/** An epoch-milliseconds time as the envelope writes it. */
function isoTime(ms: number, at: () => string): string {
  if (ms === lastMs) return lastIso;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new VigilError('IntegrityError', `its time ${ms} ms is not a valid date`, { where: at() });
  lastMs = ms;
  lastIso = d.toISOString();
  return lastIso;
}
