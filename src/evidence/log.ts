/**
 * The evidence log of each workspace: append, checkpoint, prove, read.
 *
 * An append validates and hashes everything it can before touching the database, then, inside one
 * transaction, locks the workspace's log head, extends the tree from the head's frontier in memory,
 * and writes the records, the new hashes of the tree's tiles (tiles.ts) and the new head together.
 * So appends to one log are serialised (across processes too), and a record is in the tree exactly
 * when its transaction committed. Pass an open transaction to append evidence atomically with your own rows.
 */
import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/client.ts';
import type { WitnessDelivery } from '../db/schema/evidence-checkpoints.ts';
import type { Clock } from '../lib/clock.ts';
import { VigilError, invalidInput, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { BlobStore } from './blob-store.ts';
import { originFor, type SigningKey } from './keys.ts';
import { consistencyRanges, hashRange, inclusionRanges, rangeKeys, verifyConsistency, verifyInclusion, type Frontier, type NodeKey, type Range } from './merkle.ts';
import { formatCheckpoint, signNote } from './note.ts';
import {
  canonicalContent,
  checkAttachmentRef,
  checkText,
  envelopeLeafHash,
  envelopeTime,
  isEvidenceKind,
  type AppendedRecord,
  type AttachmentRef,
  type EvidenceEnvelope,
  type EvidenceKind,
  type EvidenceRecord,
  type NewRecord,
} from './records.ts';
import { insertBlobRefs, lockHead, queryRows, readHead, readNodes, selectRecords, writeHead, writeRecords, writeTiles, type RecordRow } from './store.ts';
import { TILE_HEIGHT, groupTileWrites } from './tiles.ts';

export interface SignedCheckpoint {
  id: string;
  workspaceId: string;
  origin: string;
  treeSize: number;
  /** Hex root hash (the note carries it in base64). */
  rootHash: string;
  signedAt: string;
  /** The C2SP signed note, as witnesses and bundles carry it. */
  note: string;
  /** The `checkpoint` record that logged this checkpoint, at leaf `treeSize`. */
  recordId: string | null;
  witnesses: WitnessDelivery[];
}

export interface InclusionProof {
  recordId: string;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  /** RFC 9162 inclusion path, hex, leaf side first. */
  hashes: string[];
  /** The stored signed checkpoint of this tree size, when there is one. */
  checkpoint: SignedCheckpoint | null;
}

export interface ConsistencyProof {
  oldSize: number;
  newSize: number;
  oldRoot: string;
  newRoot: string;
  /** RFC 9162 consistency path, hex. */
  hashes: string[];
}

export interface ListFilter {
  kind?: EvidenceKind;
  subject?: string;
  source?: string;
  /** Effective at or after this time. */
  from?: Date | string;
  /** Effective before this time. */
  to?: Date | string;
  /** Only records after this leaf index (for paging). */
  after?: number;
  /** At most this many (default 100, at most 5000). */
  limit?: number;
  includeContent?: boolean;
}

export interface EvidenceLogDeps {
  db: Database;
  clock: Clock;
  blobs: BlobStore;
  /** Needed only to sign checkpoints. */
  key?: SigningKey;
}

export type EvidenceLog = ReturnType<typeof createEvidenceLog>;

/** A record validated, canonicalized and hashed, with its id, ready to append (see `prepare`). */
export interface Prepared {
  envelope: EvidenceEnvelope;
  content: string;
  /** Bytes of attachments given as data, to restore a blob retention removed meanwhile. */
  data: Map<string, Uint8Array>;
}

/**
 * The rows an append writes, computed in memory: leaf hashes, the records, the tile writes (the
 * new hashes at tree levels 0, 8, 16, …) and blob uses. Extends `frontier` in place. Apart from
 * `write` so the bench can time it on its own.
 */
export function layOut(frontier: Frontier, prepared: Prepared[]) {
  const rows: RecordRow[] = [];
  const entries: { level: number; index: number; hash: Buffer }[] = [];
  const refs: { sha256: string; recordId: string }[] = [];
  const appended: AppendedRecord[] = [];
  const onNode = (level: number, index: number, hash: Buffer) => {
    if (level % TILE_HEIGHT === 0) entries.push({ level: level / TILE_HEIGHT, index, hash });
  };
  for (const p of prepared) {
    const leaf = envelopeLeafHash(p.envelope);
    const leafIndex = frontier.size;
    entries.push({ level: 0, index: leafIndex, hash: leaf });
    frontier.push(leaf, onNode);
    const leafHash = leaf.toString('hex');
    const e = p.envelope;
    // Object literals with every field named, not spreads: a spread copy of the envelope cost
    // more per record than its leaf hash.
    const out: AppendedRecord = {
      id: e.id,
      workspace: e.workspace,
      kind: e.kind,
      source: e.source,
      subject: e.subject,
      collectedAt: e.collectedAt,
      effectiveAt: e.effectiveAt,
      contentHash: e.contentHash,
      attachments: e.attachments,
      leafIndex,
      leafHash,
    };
    appended.push(out);
    rows.push({
      leafIndex,
      id: e.id,
      kind: e.kind,
      source: e.source,
      subject: e.subject,
      collectedAt: e.collectedAt,
      effectiveAt: e.effectiveAt,
      contentHash: e.contentHash,
      content: p.content,
      attachments: e.attachments,
      leafHash,
    });
    for (const a of e.attachments) refs.push({ sha256: a.sha256, recordId: e.id });
  }
  return { rows, tiles: groupTileWrites(entries), refs, appended };
}

export function createEvidenceLog({ db, clock, blobs, key }: EvidenceLogDeps) {
  async function prepare(workspaceId: string, records: NewRecord[]): Promise<Prepared[]> {
    const now = clock.now();
    const nowIso = now.toISOString();
    const out: Prepared[] = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const where = `records[${i}]`;
      if (!isEvidenceKind(r.kind)) throw invalidInput(`unknown evidence kind "${String(r.kind)}"`, { where: `${where}.kind` });
      const collectedAt = r.collectedAt === undefined || r.collectedAt === null ? nowIso : envelopeTime(r.collectedAt, `${where}.collectedAt`);
      const effectiveAt = r.effectiveAt === undefined ? collectedAt : envelopeTime(r.effectiveAt, `${where}.effectiveAt`);
      const content = canonicalContent(r.content, `${where}.content`);
      const attachments: AttachmentRef[] = [];
      const data = new Map<string, Uint8Array>();
      for (const [j, a] of (r.attachments ?? []).entries()) {
        const aw = `${where}.attachments[${j}]`;
        if ('data' in a) {
          const stored = await blobs.put(a.data);
          data.set(stored.sha256, a.data);
          attachments.push(checkAttachmentRef({ ...stored, name: a.name, mediaType: a.mediaType }, aw));
        } else {
          const ref = checkAttachmentRef(a, aw);
          const head = await blobs.head(ref.sha256);
          if (!head || head.size !== ref.size) throw notFound(`attachment blob ${ref.sha256} (${ref.size} bytes) is not in the blob store`, { where: aw });
          attachments.push(ref);
        }
      }
      out.push({
        envelope: {
          id: newId('ev', now.getTime()),
          workspace: workspaceId,
          kind: r.kind,
          source: checkText(r.source, `${where}.source`),
          subject: checkText(r.subject, `${where}.subject`, 2048),
          collectedAt,
          effectiveAt,
          contentHash: content.hash,
          attachments,
        },
        content: content.text,
        data,
      });
    }
    return out;
  }

  async function write(ex: Executor, workspaceId: string, prepared: Prepared[]): Promise<AppendedRecord[]> {
    const frontier = await lockHead(ex, workspaceId);
    const { rows, tiles, refs, appended } = layOut(frontier, prepared);
    await writeRecords(db.kind, ex, workspaceId, rows);
    await writeTiles(ex, workspaceId, tiles);
    if (refs.length) await claimBlobs(ex, workspaceId, prepared, refs);
    await writeHead(ex, workspaceId, frontier, clock.now());
    return appended;
  }

  /**
   * Record the uses of blobs, cancelling any pending release of them, then make sure each blob is
   * still there: retention may have deleted it between our put and this transaction (see
   * retention.ts collectBlobs — the release row is what orders the two).
   */
  async function claimBlobs(ex: Executor, workspaceId: string, prepared: Prepared[], refs: { sha256: string; recordId: string }[]): Promise<void> {
    await insertBlobRefs(ex, workspaceId, refs);
    const hashes = [...new Set(refs.map((r) => r.sha256))];
    await ex.execute(sql`DELETE FROM evidence_blob_releases WHERE sha256 IN (SELECT json_array_elements_text(${JSON.stringify(hashes)}::json))`);
    for (const h of hashes) {
      if (await blobs.head(h)) continue;
      const bytes = prepared.map((p) => p.data.get(h)).find((d) => d !== undefined);
      if (!bytes) throw notFound(`attachment blob ${h} was deleted by retention while this append was in progress`, { where: 'blob store', hint: 'store the file again and retry' });
      await blobs.put(bytes);
    }
  }

  /**
   * Append records; when it resolves (and `tx`, if given, commits) they are in the tree for good.
   * With `tx`, the log's lock is held until your transaction ends: keep that transaction short.
   * Attachments given as bytes are written to the blob store first (a rollback leaves them as
   * unreferenced blobs, which is harmless).
   */
  async function append(workspaceId: string, records: NewRecord[], tx?: Executor): Promise<AppendedRecord[]> {
    if (records.length === 0) return [];
    const prepared = await prepare(workspaceId, records);
    if (tx) return write(tx, workspaceId, prepared);
    return db.orm.transaction((t) => write(t, workspaceId, prepared));
  }

  /**
   * Append records prepared earlier with `prepare` (e.g. to store their ids beside rows written in
   * the same transaction first, and append only those the caller kept). Must run in `tx`, the
   * caller's transaction, like `append` with a transaction.
   */
  async function appendPrepared(workspaceId: string, prepared: Prepared[], tx: Executor): Promise<AppendedRecord[]> {
    if (prepared.length === 0) return [];
    for (const p of prepared) {
      if (p.envelope.workspace !== workspaceId) throw new VigilError('Internal', `record ${p.envelope.id} was prepared for workspace ${p.envelope.workspace}, not ${workspaceId}`);
    }
    return write(tx, workspaceId, prepared);
  }

  /** Hashes for a set of ranges, reading every complete subtree they need in one query. */
  async function rangeHashes(ex: Executor, workspaceId: string, ranges: Range[]): Promise<Buffer[]> {
    const keys: NodeKey[] = ranges.flatMap(([lo, hi]) => rangeKeys(lo, hi));
    const nodes = await readNodes(ex, workspaceId, keys);
    const get = (k: NodeKey) => {
      const h = nodes.node(k);
      if (!h) {
        throw new VigilError('IntegrityError', `the stored tree is missing the hash of leaves [${k.index * 2 ** k.level}, ${(k.index + 1) * 2 ** k.level})`, {
          where: `evidence log of ${workspaceId}`,
          hint: 'run `vigil evidence verify --log` to find the damage',
        });
      }
      return h;
    };
    return ranges.map(([lo, hi]) => hashRange(lo, hi, get));
  }

  const checkpointColumns = sql`id, workspace_id, tree_size, encode(root_hash, 'hex') AS root_hash,
    to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS signed_at, note, record_id, witnesses`;

  interface RawCheckpoint {
    id: string;
    workspace_id: string;
    tree_size: string | number;
    root_hash: string;
    signed_at: string;
    note: string;
    record_id: string | null;
    witnesses: WitnessDelivery[];
  }
  const toCheckpoint = (r: RawCheckpoint): SignedCheckpoint => ({
    id: r.id,
    workspaceId: r.workspace_id,
    origin: originFor(r.workspace_id),
    treeSize: Number(r.tree_size),
    rootHash: r.root_hash,
    signedAt: r.signed_at,
    note: r.note,
    recordId: r.record_id,
    witnesses: r.witnesses,
  });

  async function checkpoints(workspaceId: string, filter: { treeSize?: number; minSize?: number; limit?: number } = {}): Promise<SignedCheckpoint[]> {
    const where = filter.treeSize !== undefined ? sql`AND tree_size = ${filter.treeSize}` : filter.minSize !== undefined ? sql`AND tree_size >= ${filter.minSize}` : sql``;
    const found = await queryRows<RawCheckpoint>(
      db.orm,
      sql`SELECT ${checkpointColumns} FROM evidence_checkpoints WHERE workspace_id = ${workspaceId} ${where}
          ORDER BY tree_size DESC, signed_at DESC LIMIT ${Math.min(filter.limit ?? 100, 10_000)}`,
    );
    return found.map(toCheckpoint);
  }

  async function latestCheckpoint(workspaceId: string): Promise<SignedCheckpoint | undefined> {
    return (await checkpoints(workspaceId, { limit: 1 }))[0];
  }

  /** Sign a checkpoint of the log as it is now, store it, and log it as a `checkpoint` record. */
  async function checkpoint(workspaceId: string): Promise<SignedCheckpoint> {
    if (!key) throw new VigilError('Internal', 'this evidence log was opened without the signing key, so it cannot sign checkpoints');
    const origin = originFor(workspaceId);
    const signer = key.signer(origin);
    return db.orm.transaction(async (tx) => {
      const frontier = await lockHead(tx, workspaceId);
      const signedAt = clock.now().toISOString();
      const root = frontier.root();
      const note = signNote(formatCheckpoint({ origin, treeSize: frontier.size, rootHash: root, time: signedAt }), [signer]);
      const id = newId('ckp', clock.now().getTime());
      const [logged] = await write(tx, workspaceId, await prepare(workspaceId, [
        {
          kind: 'checkpoint',
          source: 'vigil:evidence',
          subject: origin,
          collectedAt: signedAt,
          content: { checkpoint: id, treeSize: frontier.size, rootHash: root.toString('hex'), signedAt, note },
        },
      ]));
      await tx.execute(sql`
        INSERT INTO evidence_checkpoints (id, workspace_id, tree_size, root_hash, signed_at, note, record_id)
        VALUES (${id}, ${workspaceId}, ${frontier.size}, decode(${root.toString('hex')}, 'hex'), ${signedAt}, ${note}, ${logged!.id})`);
      return { id, workspaceId, origin, treeSize: frontier.size, rootHash: root.toString('hex'), signedAt, note, recordId: logged!.id, witnesses: [] };
    });
  }

  async function recordIndex(workspaceId: string, ref: string | number): Promise<{ leafIndex: number; recordId: string }> {
    const where = typeof ref === 'number' ? sql`leaf_index = ${ref}` : sql`id = ${ref}`;
    const [r] = await queryRows<{ leaf_index: string | number; id: string }>(
      db.orm,
      sql`SELECT leaf_index, id FROM evidence_records WHERE workspace_id = ${workspaceId} AND ${where}`,
    );
    if (!r) throw notFound(`no evidence record ${typeof ref === 'number' ? `at leaf ${ref}` : ref} in this workspace`, { where: 'evidence log' });
    return { leafIndex: Number(r.leaf_index), recordId: r.id };
  }

  /**
   * Inclusion proof of a record (by id or leaf index) in the tree of `treeSize` leaves. Without a
   * size: against the latest checkpoint that covers the record, else against the current tree
   * (then `checkpoint` is null: sign one and prove again to get a proof anyone can check).
   */
  async function prove(workspaceId: string, ref: string | number, treeSize?: number): Promise<InclusionProof> {
    const { leafIndex, recordId } = await recordIndex(workspaceId, ref);
    const head = await readHead(db.orm, workspaceId);
    let size = treeSize;
    if (size === undefined) {
      const latest = await latestCheckpoint(workspaceId);
      size = latest && latest.treeSize > leafIndex ? latest.treeSize : head.size;
    }
    if (!Number.isSafeInteger(size) || size <= leafIndex || size > head.size) {
      throw invalidInput(`cannot prove leaf ${leafIndex} in a tree of size ${size}: the log has ${head.size} leaves`, { where: 'treeSize' });
    }
    const ranges = inclusionRanges(leafIndex, size);
    const [root, leaf, ...path] = await rangeHashes(db.orm, workspaceId, [[0, size], [leafIndex, leafIndex + 1], ...ranges]);
    if (!verifyInclusion(leaf!, leafIndex, size, path, root!)) {
      throw new VigilError('IntegrityError', `the stored tree does not prove leaf ${leafIndex}: its nodes are inconsistent`, { where: `evidence log of ${workspaceId}` });
    }
    const [cp] = await checkpoints(workspaceId, { treeSize: size, limit: 1 });
    if (cp && cp.rootHash !== root!.toString('hex')) {
      throw new VigilError('IntegrityError', `the stored tree at size ${size} does not match signed checkpoint ${cp.id}`, { where: `evidence log of ${workspaceId}` });
    }
    return { recordId, leafIndex, treeSize: size, leafHash: leaf!.toString('hex'), rootHash: root!.toString('hex'), hashes: path.map((h) => h.toString('hex')), checkpoint: cp ?? null };
  }

  /** Consistency proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize`. */
  async function consistency(workspaceId: string, oldSize: number, newSize?: number): Promise<ConsistencyProof> {
    const head = await readHead(db.orm, workspaceId);
    const n = newSize ?? head.size;
    if (!(Number.isSafeInteger(oldSize) && oldSize >= 0 && oldSize <= n && n <= head.size)) {
      throw invalidInput(`cannot prove consistency from size ${oldSize} to size ${n}: the log has ${head.size} leaves`, { where: 'sizes' });
    }
    const [oldRoot, newRoot, ...path] = await rangeHashes(db.orm, workspaceId, [[0, oldSize], [0, n], ...consistencyRanges(oldSize, n)]);
    if (!verifyConsistency(oldSize, n, oldRoot!, newRoot!, path)) {
      throw new VigilError('IntegrityError', `the stored tree does not prove consistency from ${oldSize} to ${n}`, { where: `evidence log of ${workspaceId}` });
    }
    return { oldSize, newSize: n, oldRoot: oldRoot!.toString('hex'), newRoot: newRoot!.toString('hex'), hashes: path.map((h) => h.toString('hex')) };
  }

  async function get(workspaceId: string, id: string): Promise<EvidenceRecord | undefined> {
    const [r] = await selectRecords(db.orm, workspaceId, sql`id = ${id}`, sql``);
    return r;
  }

  async function list(workspaceId: string, filter: ListFilter = {}): Promise<EvidenceRecord[]> {
    const conds = [sql`TRUE`];
    if (filter.kind) conds.push(sql`kind = ${filter.kind}`);
    if (filter.subject) conds.push(sql`subject = ${filter.subject}`);
    if (filter.source) conds.push(sql`source = ${filter.source}`);
    if (filter.from !== undefined) conds.push(sql`effective_at >= ${envelopeTime(filter.from, 'from')}`);
    if (filter.to !== undefined) conds.push(sql`effective_at < ${envelopeTime(filter.to, 'to')}`);
    if (filter.after !== undefined) conds.push(sql`leaf_index > ${filter.after}`);
    const limit = Math.max(1, Math.min(filter.limit ?? 100, 5000));
    return selectRecords(db.orm, workspaceId, sql.join(conds, sql` AND `), sql`ORDER BY leaf_index LIMIT ${limit}`, filter.includeContent ?? false);
  }

  /** Size and root of the log now (unsigned). */
  async function head(workspaceId: string): Promise<{ treeSize: number; rootHash: string }> {
    const f = await readHead(db.orm, workspaceId);
    return { treeSize: f.size, rootHash: f.root().toString('hex') };
  }

  /** Record the outcome of sending a checkpoint to the witnesses. */
  async function recordWitnesses(checkpointId: string, deliveries: WitnessDelivery[]): Promise<void> {
    await db.orm.execute(sql`UPDATE evidence_checkpoints SET witnesses = ${JSON.stringify(deliveries)}::jsonb WHERE id = ${checkpointId}`);
  }

  return { append, prepare, appendPrepared, checkpoint, prove, consistency, get, list, head, checkpoints, latestCheckpoint, recordWitnesses };
}
