/**
 * Full verification of a workspace's stored log: streams every record in leaf order (in batches,
 * so memory stays flat however long the log is) and recomputes everything from the records alone —
 * content hashes, attachment hashes, leaf hashes, every complete-subtree node, the head, and the
 * root at every signed checkpoint, whose signatures are checked too. Stops at the first thing that
 * does not verify and names it (IntegrityError).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { VigilError } from '../lib/errors.ts';
import type { BlobStore } from './blob-store.ts';
import { originFor, type SigningKey } from './keys.ts';
import { Frontier, sha256, type NodeKey } from './merkle.ts';
import { openCheckpoint } from './note.ts';
import { envelopeLeafHash, type EvidenceRecord } from './records.ts';
import { queryRows, readHead, readNodesEndingIn, recordsByIndex, nodeKey } from './store.ts';

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
  /** Records read per query (default 5000). */
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
  const batch = options.batch ?? 5000;
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
  for (let lo = 0; lo < head.size; lo += batch) {
    const hi = Math.min(lo + batch, head.size);
    const recs = await recordsByIndex(db.orm, workspaceId, lo, hi);
    const made: { key: NodeKey; hash: Buffer }[] = [];
    for (let i = 0; i < hi - lo; i++) {
      const r = recs[i];
      const leafIndex = lo + i;
      if (!r || r.leafIndex !== leafIndex) fail(`leaf ${leafIndex} has no record: it was deleted`, `${where}, leaf ${leafIndex}`);
      const leaf = await checkRecord(r!, leafIndex);
      frontier.push(leaf, (level, index, hash) => made.push({ key: { level, index }, hash }));
      checkRoot(frontier);
    }
    // Every node the records produce must be the node stored: proofs are built from those.
    const stored = await readNodesEndingIn(db.orm, workspaceId, lo, hi);
    if (stored.size > made.length) {
      fail(`the stored tree has nodes over leaves ${lo}–${hi - 1} that the records do not produce: nodes were inserted`, `${where}, leaves ${lo}–${hi - 1}`);
    }
    for (const m of made) {
      const s = stored.get(nodeKey(m.key));
      if (!s || !s.equals(m.hash)) {
        const first = m.key.index * 2 ** m.key.level;
        const last = first + 2 ** m.key.level - 1;
        fail(
          `the stored tree node over leaves ${first}–${last} ${s ? 'differs from' : 'is missing for'} the records at those leaves: records were reordered or replaced, or the node was altered`,
          `${where}, leaves ${first}–${last}`,
        );
      }
    }
    options.onProgress?.(hi, head.size);
  }

  const [extra] = await queryRows<{ id: string; leaf_index: string | number }>(
    db.orm,
    sql`SELECT id, leaf_index FROM evidence_records WHERE workspace_id = ${workspaceId} AND leaf_index >= ${head.size} ORDER BY leaf_index LIMIT 1`,
  );
  if (extra) fail(`record ${extra.id} at leaf ${extra.leaf_index} is beyond the log's ${head.size} leaves: it was inserted outside the log`, `${where}, leaf ${extra.leaf_index}`);
  if (!frontier.encode().equals(head.encode())) fail('the log head does not match the records: the next append would extend a wrong tree', `${where}, head`);

  return { workspaceId, treeSize: head.size, rootHash: frontier.root().toString('hex'), records: head.size, expired, attachments, checkpoints: cps.length };

  async function checkRecord(r: EvidenceRecord, leafIndex: number): Promise<Buffer> {
    const at = `record ${r.id} (leaf ${leafIndex})`;
    if (r.content === null) {
      if (r.expiredAt === null) fail('its content is missing but it was never expired: the content was deleted', at);
      expired++;
    } else if (sha256(r.content).toString('hex') !== r.contentHash) {
      fail('its content does not match its content hash: the content was changed', at);
    }
    const leaf = envelopeLeafHash(r);
    if (leaf.toString('hex') !== r.leafHash) {
      fail('its fields do not hash to its leaf hash: a field (time, kind, source, subject, hashes or attachments) was changed', at);
    }
    if (r.content !== null && checkBlobs) {
      for (const a of r.attachments) {
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
    return leaf;
  }
}
