/**
 * `vigil evidence export`: the records whose effective time falls in [from, to), with their
 * content, attachments and an inclusion proof each against one signed checkpoint, plus that
 * checkpoint, the public key and a signed statement of what the bundle holds. Streams page by page.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { VigilError, invalidInput } from '../../lib/errors.ts';
import type { BlobStore } from '../blob-store.ts';
import { originFor, type SigningKey } from '../keys.ts';
import type { EvidenceLog, SignedCheckpoint } from '../log.ts';
import { hashRange, inclusionRanges, rangeKeys, type NodeKey } from '../merkle.ts';
import { formatVerifierKey, signNote } from '../note.ts';
import { envelopeJson, envelopeTime } from '../records.ts';
import { queryRows, readNodes, selectRecords } from '../store.ts';
import { openWriter } from './files.ts';
import { ATTACHMENT_DIR, FILES, README, formatStatement, indexLine, type RecordLine } from './format.ts';

export interface ExportOptions {
  from: Date | string;
  to: Date | string;
  /** A folder (created; must be empty) or a path ending in .zip. */
  out: string;
  /** Records per query and proof batch (default 500). */
  page?: number;
  onProgress?: (records: number) => void;
}

export interface ExportResult {
  out: string;
  from: string;
  to: string;
  records: number;
  expired: number;
  attachments: number;
  checkpoint: { id: string; treeSize: number; rootHash: string; signedAt: string };
  publicKey: string;
}

export async function exportBundle(
  { db, blobs, key, log }: { db: Database; blobs: BlobStore; key: SigningKey; log: EvidenceLog },
  workspaceId: string,
  options: ExportOptions,
): Promise<ExportResult> {
  const from = envelopeTime(options.from, '--from');
  const to = envelopeTime(options.to, '--to');
  if (from >= to) throw invalidInput(`the period is empty: --from ${from} is not before --to ${to}`, { where: '--from/--to' });
  const page = options.page ?? 500;
  const origin = originFor(workspaceId);
  const inPeriod = sql`effective_at >= ${from} AND effective_at < ${to}`;

  // One checkpoint for the whole bundle: the latest, or a new one if it misses a record of the period.
  const [last] = await queryRows<{ max: string | number | null }>(
    db.orm,
    sql`SELECT max(leaf_index) AS max FROM evidence_records WHERE workspace_id = ${workspaceId} AND ${inPeriod}`,
  );
  const maxIndex = last?.max === null || last?.max === undefined ? -1 : Number(last.max);
  let cp: SignedCheckpoint | undefined = await log.latestCheckpoint(workspaceId);
  if (!cp || cp.treeSize <= maxIndex) cp = await log.checkpoint(workspaceId);
  const size = cp.treeSize;
  const root = Buffer.from(cp.rootHash, 'hex');

  const writer = await openWriter(options.out);
  try {
    const publicKey = formatVerifierKey(origin, key.publicKey);
    await writer.text(FILES.checkpoint, cp.note);
    await writer.text(FILES.publicKey, `${publicKey}\n`);
    await writer.text(FILES.readme, README);
    const records = writer.stream(FILES.records);
    const index = writer.stream(FILES.index);
    const digest = createHash('sha256');
    const written = new Set<string>();
    let count = 0;
    let expired = 0;
    let after = -1;
    const write = (s: NodeJS.WritableStream, text: string) =>
      s.write(text) ? Promise.resolve() : new Promise<void>((r) => s.once('drain', () => r()));

    for (;;) {
      const recs = await selectRecords(db.orm, workspaceId, sql`${inPeriod} AND leaf_index > ${after} AND leaf_index < ${size}`, sql`ORDER BY leaf_index LIMIT ${page}`);
      if (recs.length === 0) break;
      // All the proofs of a page from one read of the tiles holding the nodes they need.
      const ranges = recs.map((r) => inclusionRanges(r.leafIndex, size));
      const keys: NodeKey[] = ranges.flat().flatMap(([lo, hi]) => rangeKeys(lo, hi));
      const nodes = await readNodes(db.orm, workspaceId, keys);
      const get = (k: NodeKey) => nodes.node(k) ?? missing(k);
      for (let i = 0; i < recs.length; i++) {
        const r = recs[i]!;
        const line: RecordLine = {
          leafIndex: r.leafIndex,
          leaf: envelopeJson(r),
          content: r.content,
          proof: ranges[i]!.map(([lo, hi]) => hashRange(lo, hi, get).toString('hex')),
        };
        await write(records, `${JSON.stringify(line)}\n`);
        const il = indexLine(r.leafIndex, r.leafHash, r.id);
        digest.update(il);
        await write(index, il);
        if (r.content === null) expired++;
        else {
          for (const a of r.attachments) {
            if (written.has(a.sha256)) continue;
            written.add(a.sha256);
            await writer.blob(`${ATTACHMENT_DIR}${a.sha256}`, blobs, a.sha256, a.size);
          }
        }
        count++;
      }
      after = recs[recs.length - 1]!.leafIndex;
      options.onProgress?.(count);
    }

    const statement = formatStatement({
      origin,
      treeSize: size,
      rootHash: root.toString('base64'),
      from,
      to,
      records: count,
      indexDigest: digest.digest('base64'),
    });
    await writer.text(FILES.statement, signNote(statement, [key.signer(origin)]));
    await writer.close();
    return {
      out: options.out,
      from,
      to,
      records: count,
      expired,
      attachments: written.size,
      checkpoint: { id: cp.id, treeSize: size, rootHash: cp.rootHash, signedAt: cp.signedAt },
      publicKey,
    };
  } catch (e) {
    await writer.abort();
    throw e;
  }

  function missing(k: NodeKey): never {
    throw new VigilError('IntegrityError', `the stored tree is missing node ${k.level}/${k.index}`, { hint: 'run `vigil evidence verify --log`' });
  }
}
