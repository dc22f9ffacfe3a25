/**
 * SQL for the evidence tables. Everything takes an `Executor` (the database or an open
 * transaction), so an append can join the caller's transaction. Bulk writes send one JSON
 * parameter per statement and expand it with json_to_recordset: a single round trip for a whole
 * batch on both PGlite and PostgreSQL, without a COPY path per driver. Times are read back
 * formatted in SQL and hashes as hex, so both drivers return the same strings.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../db/client.ts';
import { Frontier, type NodeKey } from './merkle.ts';
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

export interface NodeRow {
  level: number;
  idx: number;
  hash: string;
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

export async function insertNodes(ex: Executor, workspaceId: string, nodes: NodeRow[]): Promise<void> {
  for (let i = 0; i < nodes.length; i += CHUNK * 2) {
    const json = JSON.stringify(nodes.slice(i, i + CHUNK * 2).map((n) => [n.level, n.idx, n.hash]));
    await ex.execute(sql`
      INSERT INTO evidence_nodes (workspace_id, level, idx, hash)
      SELECT ${workspaceId}, (v->>0)::smallint, (v->>1)::bigint, decode(v->>2, 'hex')
      FROM json_array_elements(${json}::json) AS v`);
  }
}

export async function insertBlobRefs(ex: Executor, workspaceId: string, refs: { sha256: string; recordId: string }[]): Promise<void> {
  if (refs.length === 0) return;
  await ex.execute(sql`
    INSERT INTO evidence_blob_refs (sha256, workspace_id, record_id)
    SELECT s, ${workspaceId}, r FROM json_to_recordset(${JSON.stringify(refs.map((x) => ({ s: x.sha256, r: x.recordId })))}::json) AS x(s text, r text)
    ON CONFLICT DO NOTHING`);
}

export const nodeKey = (k: NodeKey) => `${k.level}/${k.index}`;

/** Hashes of the given complete subtrees (level 0: leaf hashes), in one round trip. */
export async function readNodes(ex: Executor, workspaceId: string, keys: NodeKey[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (keys.length === 0) return out;
  const leaves = [...new Set(keys.filter((k) => k.level === 0).map((k) => k.index))];
  const inner = [...new Map(keys.filter((k) => k.level > 0).map((k) => [nodeKey(k), [k.level, k.index]])).values()];
  const found = await rows<{ level: number | string; idx: number | string; hash: string }>(
    ex,
    sql`
      SELECT n.level, n.idx, encode(n.hash, 'hex') AS hash
      FROM json_array_elements(${JSON.stringify(inner)}::json) AS k
      JOIN evidence_nodes n ON n.workspace_id = ${workspaceId} AND n.level = (k->>0)::smallint AND n.idx = (k->>1)::bigint
      UNION ALL
      SELECT 0, r.leaf_index, encode(r.leaf_hash, 'hex')
      FROM json_array_elements_text(${JSON.stringify(leaves)}::json) AS k
      JOIN evidence_records r ON r.workspace_id = ${workspaceId} AND r.leaf_index = k::bigint`,
  );
  for (const r of found) out.set(`${Number(r.level)}/${Number(r.idx)}`, Buffer.from(r.hash, 'hex'));
  return out;
}

/**
 * Every stored node whose subtree ends at a leaf in [lo, hi): for each level one index range, read
 * as a range scan of the primary key. Full verification compares these with the nodes it rebuilds.
 */
export async function readNodesEndingIn(ex: Executor, workspaceId: string, lo: number, hi: number): Promise<Map<string, Buffer>> {
  const ranges: [number, number, number][] = [];
  for (let level = 1; 2 ** level <= hi; level++) {
    const s = 2 ** level;
    // Node (level, i) ends at leaf (i + 1)·s − 1, which is in [lo, hi) for i in [ceil((lo + 1) / s) − 1, floor(hi / s) − 1].
    const first = Math.ceil((lo + 1) / s) - 1;
    const last = Math.floor(hi / s) - 1;
    if (last >= first) ranges.push([level, first, last]);
  }
  const out = new Map<string, Buffer>();
  if (ranges.length === 0) return out;
  const found = await rows<{ level: number | string; idx: number | string; hash: string }>(
    ex,
    sql`
      SELECT n.level, n.idx, encode(n.hash, 'hex') AS hash
      FROM json_array_elements(${JSON.stringify(ranges)}::json) AS r
      JOIN evidence_nodes n ON n.workspace_id = ${workspaceId} AND n.level = (r->>0)::smallint
        AND n.idx BETWEEN (r->>1)::bigint AND (r->>2)::bigint`,
  );
  for (const r of found) out.set(`${Number(r.level)}/${Number(r.idx)}`, Buffer.from(r.hash, 'hex'));
  return out;
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

/** Records with leaf index in [from, to), in leaf order. */
export function recordsByIndex(ex: Executor, workspaceId: string, from: number, to: number, withContent = true): Promise<EvidenceRecord[]> {
  return selectRecords(ex, workspaceId, sql`leaf_index >= ${from} AND leaf_index < ${to}`, sql`ORDER BY leaf_index`, withContent);
}

export { rows as queryRows };
