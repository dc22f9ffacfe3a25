/**
 * SQL for the evidence tables. Everything takes an `Executor` (the database or an open
 * transaction), so an append can join the caller's transaction. Bulk writes send one JSON
 * parameter per statement and expand it with json_to_recordset — a single round trip for a whole
 * batch on both drivers — except records on PostgreSQL, which go by COPY (`writeRecords`). The
 * tree is stored in tiles (tiles.ts). Times are read back formatted in SQL and hashes as hex, so
 * both drivers return the same strings; full verification reads bytes and epoch milliseconds.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type DbKind, type Executor } from '../db/client.ts';
import { copyInto, copyText } from '../db/copy.ts';
import { VigilError } from '../lib/errors.ts';
import { Frontier, HASH_BYTES, type NodeKey } from './merkle.ts';
import { TILE_WIDTH, TileSet, entriesAt, tileId, tilesFor, type TileKey, type TileWrite } from './tiles.ts';
import type { AttachmentRef, EvidenceKind, EvidenceRecord } from './records.ts';

const isoOf = (col: string) => sql.raw(`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

// Rows per INSERT statement: big enough to amortise the round trip, small enough to keep the JSON
// parameter a few megabytes at most.
const CHUNK = 2000;

export interface RecordRow {
  leafIndex: number;
  id: string;
  kind: EvidenceKind;
  source: string;
  subject: string;
  collectedAt: string;
  effectiveAt: string;
  contentHash: string;
  content: string;
  attachments: AttachmentRef[];
  leafHash: string;
}

async function rows<T>(ex: Executor, q: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await ex.execute(q));
}

/** Lock the workspace's log head for this transaction, creating it when the log is new. */
export async function lockHead(ex: Executor, workspaceId: string): Promise<Frontier> {
  await ex.execute(sql`INSERT INTO evidence_log_heads (workspace_id) VALUES (${workspaceId}) ON CONFLICT (workspace_id) DO NOTHING`);
  const [head] = await rows<{ tree_size: string | number; frontier: string }>(
    ex,
    sql`SELECT tree_size, encode(frontier, 'hex') AS frontier FROM evidence_log_heads WHERE workspace_id = ${workspaceId} FOR UPDATE`,
  );
  return Frontier.decode(Number(head!.tree_size), Buffer.from(head!.frontier, 'hex'));
}

/** The head without locking it: size and frontier; an absent log is empty. */
export async function readHead(ex: Executor, workspaceId: string): Promise<Frontier> {
  const [head] = await rows<{ tree_size: string | number; frontier: string }>(
    ex,
    sql`SELECT tree_size, encode(frontier, 'hex') AS frontier FROM evidence_log_heads WHERE workspace_id = ${workspaceId}`,
  );
  return head ? Frontier.decode(Number(head.tree_size), Buffer.from(head.frontier, 'hex')) : new Frontier();
}

export async function writeHead(ex: Executor, workspaceId: string, f: Frontier, now: Date): Promise<void> {
  await ex.execute(
    sql`UPDATE evidence_log_heads SET tree_size = ${f.size}, frontier = decode(${f.encode().toString('hex')}, 'hex'), updated_at = ${now.toISOString()}
        WHERE workspace_id = ${workspaceId}`,
  );
}

export async function insertRecords(ex: Executor, workspaceId: string, records: RecordRow[]): Promise<void> {
  for (let i = 0; i < records.length; i += CHUNK) {
    // The content is canonical JSON already, so it goes into the parameter as a JSON value, not as
    // a string: nothing to escape here nor to unescape in the server. A `json` column of
    // json_to_recordset is the member's text exactly as written, so the stored text is the hashed
    // text (verification re-hashes it, and a test proves it byte for byte). PostgreSQL refuses to
    // extract a member holding \u0000, so such rare content goes as a string instead.
    let json = '[';
    const end = Math.min(i + CHUNK, records.length);
    for (let j = i; j < end; j++) {
      const r = records[j]!;
      json +=
        `${j > i ? ',' : ''}{"l":${r.leafIndex},"i":${JSON.stringify(r.id)},"k":${JSON.stringify(r.kind)},"s":${JSON.stringify(r.source)},` +
        `"u":${JSON.stringify(r.subject)},"c":"${r.collectedAt}","e":"${r.effectiveAt}","h":"${r.contentHash}","f":"${r.leafHash}",` +
        `"a":${r.attachments.length ? JSON.stringify(r.attachments) : '[]'},${r.content.includes('\\u0000') ? `"q":${JSON.stringify(r.content)}` : `"t":${r.content}`}}`;
    }
    json += ']';
    await ex.execute(sql`
      INSERT INTO evidence_records (workspace_id, leaf_index, id, kind, source, subject, collected_at, effective_at, content_hash, content, attachments, leaf_hash)
      SELECT ${workspaceId}, l, i, k, s, u, c, e, decode(h, 'hex'), coalesce(q, t::text), a, decode(f, 'hex')
      FROM json_to_recordset(${json}::json) AS x(l bigint, i text, k text, s text, u text, c timestamptz, e timestamptz, h text, t json, q text, a jsonb, f text)`);
  }
}

const RECORD_COLUMNS = 'evidence_records (workspace_id, leaf_index, id, kind, source, subject, collected_at, effective_at, content_hash, content, attachments, leaf_hash)';

/** The same rows as `insertRecords`, written with COPY (src/db/copy.ts) in the executor's transaction. */
export async function copyRecords(ex: Executor, workspaceId: string, records: RecordRow[]): Promise<void> {
  const ws = copyText(workspaceId);
  for (let i = 0; i < records.length; i += CHUNK) {
    let payload = '';
    const end = Math.min(i + CHUNK, records.length);
    for (let j = i; j < end; j++) {
      const r = records[j]!;
      payload +=
        `${ws}\t${r.leafIndex}\t${copyText(r.id)}\t${copyText(r.kind)}\t${copyText(r.source)}\t${copyText(r.subject)}\t${r.collectedAt}\t${r.effectiveAt}\t` +
        `\\\\x${r.contentHash}\t${copyText(r.content)}\t${r.attachments.length ? copyText(JSON.stringify(r.attachments)) : '[]'}\t\\\\x${r.leafHash}\n`;
    }
    await copyInto(ex, RECORD_COLUMNS, payload);
  }
}

/**
 * Records written the way that is faster on the database: COPY on PostgreSQL (≈ 38 % less time
 * than the JSON statement), the JSON statement on PGlite (where COPY from a Blob measured ≈ 35 %
 * slower). See bench/NOTES.md.
 */
export function writeRecords(kind: DbKind, ex: Executor, workspaceId: string, records: RecordRow[]): Promise<void> {
  return kind === 'postgres' ? copyRecords(ex, workspaceId, records) : insertRecords(ex, workspaceId, records);
}

export async function insertBlobRefs(ex: Executor, workspaceId: string, refs: { sha256: string; recordId: string }[]): Promise<void> {
  if (refs.length === 0) return;
  await ex.execute(sql`
    INSERT INTO evidence_blob_refs (sha256, workspace_id, record_id)
    SELECT s, ${workspaceId}, r FROM json_to_recordset(${JSON.stringify(refs.map((x) => ({ s: x.sha256, r: x.recordId })))}::json) AS x(s text, r text)
    ON CONFLICT DO NOTHING`);
}

/** Hashes of the given complete subtrees (level 0: leaf hashes), from one read of the tiles holding them. */
export async function readNodes(ex: Executor, workspaceId: string, keys: NodeKey[]): Promise<TileSet> {
  return new TileSet(await readTiles(ex, workspaceId, tilesFor(keys)));
}

const asBuffer = (v: Uint8Array): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength));

/** The given tiles (absent ones are not in the map), in one round trip. */
export async function readTiles(ex: Executor, workspaceId: string, tiles: TileKey[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (tiles.length === 0) return out;
  const found = await rows<{ level: number | string; idx: number | string; hashes: Uint8Array }>(
    ex,
    sql`
      SELECT t.level, t.idx, t.hashes
      FROM json_array_elements(${JSON.stringify(tiles.map((t) => [t.level, t.index]))}::json) AS k
      JOIN evidence_tiles t ON t.workspace_id = ${workspaceId} AND t.level = (k->>0)::smallint AND t.idx = (k->>1)::bigint`,
  );
  for (const r of found) out.set(`${Number(r.level)}/${Number(r.idx)}`, asBuffer(r.hashes));
  return out;
}

/** Tiles of level L with index in [first, last], for each [L, first, last] given: range scans of the primary key. */
export async function readTileRanges(ex: Executor, workspaceId: string, ranges: [level: number, first: number, last: number][]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (ranges.length === 0) return out;
  const found = await rows<{ level: number | string; idx: number | string; hashes: Uint8Array }>(
    ex,
    sql`
      SELECT t.level, t.idx, t.hashes
      FROM json_array_elements(${JSON.stringify(ranges)}::json) AS r
      JOIN evidence_tiles t ON t.workspace_id = ${workspaceId} AND t.level = (r->>0)::smallint
        AND t.idx BETWEEN (r->>1)::bigint AND (r->>2)::bigint`,
  );
  for (const r of found) out.set(`${Number(r.level)}/${Number(r.idx)}`, asBuffer(r.hashes));
  return out;
}

/**
 * Add new hashes to tiles, in one statement: a write at offset 0 creates its tile, any other
 * extends the existing partial tile in place (`hashes || new`) — only if the tile has exactly
 * `offset` entries, so a tile that is not what the head implies is an error, never silently
 * overwritten or misaligned. The tile is never read back.
 */
export async function writeTiles(ex: Executor, workspaceId: string, writes: TileWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const json = JSON.stringify(writes.map((w) => ({ l: w.tile.level, i: w.tile.index, o: w.offset, h: w.bytes.toString('hex') })));
  const [r] = await rows<{ n: number | string }>(
    ex,
    sql`
      WITH x AS (SELECT * FROM json_to_recordset(${json}::json) AS x(l smallint, i bigint, o int, h text)),
      ext AS (
        UPDATE evidence_tiles t SET hashes = t.hashes || decode(x.h, 'hex')
        FROM x WHERE x.o > 0 AND t.workspace_id = ${workspaceId} AND t.level = x.l AND t.idx = x.i AND octet_length(t.hashes) = x.o * ${HASH_BYTES}
        RETURNING 1),
      ins AS (
        INSERT INTO evidence_tiles (workspace_id, level, idx, hashes)
        SELECT ${workspaceId}, x.l, x.i, decode(x.h, 'hex') FROM x WHERE x.o = 0
        ON CONFLICT DO NOTHING
        RETURNING 1)
      SELECT (SELECT count(*) FROM ext) + (SELECT count(*) FROM ins) AS n`,
  );
  if (Number(r!.n) !== writes.length) {
    const lengths = await readTiles(ex, workspaceId, writes.map((w) => w.tile));
    const bad = writes.find((w) => (lengths.get(tileId(w.tile))?.length ?? 0) !== w.offset * HASH_BYTES)!;
    const has = lengths.get(tileId(bad.tile));
    throw new VigilError(
      'IntegrityError',
      `the stored tree does not match the log head: tile ${tileId(bad.tile)} should hold ${bad.offset} hashes before this append, it ${has ? `holds ${has.length / HASH_BYTES}` : 'is missing'}`,
      { where: `evidence log of ${workspaceId}`, hint: 'run `vigil evidence verify --log` to find the damage' },
    );
  }
}

/**
 * The first tile holding more than a tree of `size` leaves allows (an extra tile, or a tile
 * extended past the tree), or undefined.
 */
export async function findOverlongTile(ex: Executor, workspaceId: string, size: number): Promise<{ level: number; index: number; entries: number; allowed: number } | undefined> {
  const counts: [number, number][] = [];
  for (let level = 0; entriesAt(size, level) > 0; level++) counts.push([level, entriesAt(size, level)]);
  const [r] = await rows<{ level: number | string; idx: number | string; len: number | string; allowed: number | string }>(
    ex,
    sql`
      SELECT t.level, t.idx, octet_length(t.hashes) AS len, greatest(0, least(${TILE_WIDTH}, coalesce((c->>1)::bigint, 0) - t.idx * ${TILE_WIDTH})) AS allowed
      FROM evidence_tiles t
      LEFT JOIN json_array_elements(${JSON.stringify(counts)}::json) AS c ON (c->>0)::smallint = t.level
      WHERE t.workspace_id = ${workspaceId}
        AND octet_length(t.hashes) > greatest(0, least(${TILE_WIDTH}, coalesce((c->>1)::bigint, 0) - t.idx * ${TILE_WIDTH})) * ${HASH_BYTES}
      ORDER BY t.level, t.idx LIMIT 1`,
  );
  if (!r) return undefined;
  return { level: Number(r.level), index: Number(r.idx), entries: Number(r.len) / HASH_BYTES, allowed: Number(r.allowed) };
}

interface RawRecord {
  leaf_index: string | number;
  id: string;
  kind: EvidenceKind;
  source: string;
  subject: string;
  collected_at: string;
  effective_at: string;
  content_hash: string;
  content: string | null;
  attachments: AttachmentRef[];
  leaf_hash: string;
  expired_at: string | null;
}

export function recordColumns(withContent: boolean) {
  return sql`leaf_index, id, kind, source, subject, ${isoOf('collected_at')} AS collected_at, ${isoOf('effective_at')} AS effective_at,
    encode(content_hash, 'hex') AS content_hash, ${withContent ? sql`content` : sql`NULL::text`} AS content, attachments,
    encode(leaf_hash, 'hex') AS leaf_hash, ${isoOf('expired_at')} AS expired_at`;
}

export function toRecord(r: RawRecord, workspaceId: string): EvidenceRecord {
  return {
    id: r.id,
    workspace: workspaceId,
    kind: r.kind,
    source: r.source,
    subject: r.subject,
    collectedAt: r.collected_at,
    effectiveAt: r.effective_at,
    contentHash: r.content_hash,
    attachments: r.attachments,
    leafIndex: Number(r.leaf_index),
    leafHash: r.leaf_hash,
    content: r.content,
    expiredAt: r.expired_at,
  };
}

export async function selectRecords(ex: Executor, workspaceId: string, where: ReturnType<typeof sql>, tail: ReturnType<typeof sql>, withContent = true): Promise<EvidenceRecord[]> {
  const found = await rows<RawRecord>(
    ex,
    sql`SELECT ${recordColumns(withContent)} FROM evidence_records WHERE workspace_id = ${workspaceId} AND ${where} ${tail}`,
  );
  return found.map((r) => toRecord(r, workspaceId));
}


/** A record as full verification reads it: times as milliseconds since the epoch. */
/**
 * A record as full verification reads it: its metadata as one JSON array (`VerifyMeta`) and its
 * content as text. Two columns instead of twelve: PGlite decodes every column of every row in
 * JavaScript, and this cut its read of a 1 KiB record to about a third; on PostgreSQL it measured
 * the same or slightly better.
 */
export interface VerifyRow {
  /** JSON text of a `VerifyMeta`. */
  m: string;
  content: string | null;
}

/**
 * leaf index, id, kind, source, subject, collected and effective time (epoch milliseconds), whether
 * either time has a part below the millisecond (which no append writes), content hash and leaf hash
 * (hex), expired, attachments.
 */
export type VerifyMeta = [number, string, EvidenceKind, string, string, number, number, boolean, string, string, boolean, AttachmentRef[]];

/** Records with leaf index in [from, to), in leaf order, for full verification. */
export function verifyRows(ex: Executor, workspaceId: string, from: number, to: number): Promise<VerifyRow[]> {
  return rows<VerifyRow>(
    ex,
    sql`SELECT json_build_array(leaf_index, id, kind, source, subject,
          (date_part('epoch', collected_at) * 1000)::bigint, (date_part('epoch', effective_at) * 1000)::bigint,
          date_trunc('milliseconds', collected_at) <> collected_at OR date_trunc('milliseconds', effective_at) <> effective_at,
          encode(content_hash, 'hex'), encode(leaf_hash, 'hex'), expired_at IS NOT NULL, attachments)::text AS m, content
        FROM evidence_records WHERE workspace_id = ${workspaceId} AND leaf_index >= ${from} AND leaf_index < ${to} ORDER BY leaf_index`,
  );
}

export { rows as queryRows };
