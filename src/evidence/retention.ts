/**
 * Retention: content and attachments of a record are kept for a period per kind
 * (`evidence.retention`, default P15M — a 12-month audit period plus fieldwork), counted from the
 * later of its effective and collected times. Expiring deletes the content and the attachments
 * (a blob only once no live record uses it), keeps the metadata and leaf hash — so every proof still
 * verifies — and appends a `retention.expiry` record listing what was expired, in the same
 * transaction. The engine's scheduler calls `expireEvidence` (daily is plenty).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import type { Clock } from '../lib/clock.ts';
import { addDuration, parseDuration } from '../lib/duration.ts';
import type { BlobStore } from './blob-store.ts';
import type { EvidenceLog } from './log.ts';
import { evidenceKinds, type EvidenceKind } from './records.ts';
import { queryRows } from './store.ts';

export const DEFAULT_RETENTION = 'P15M';


// Expiry records are themselves metadata about the log; expiring them would only add more.
const NEVER_EXPIRED: readonly EvidenceKind[] = ['retention.expiry'];

export interface ExpiryResult {
  /** Records whose content was deleted. */
  expired: number;
  /** Blobs removed from the blob store. */
  blobsDeleted: number;
  /** Ids of the `retention.expiry` records appended. */
  expiryRecords: string[];
}

export async function expireEvidence(
  { db, clock, blobs, log }: { db: Database; clock: Clock; blobs: BlobStore; log: EvidenceLog },
  workspaceId: string,
  retention: Record<string, string> = { default: DEFAULT_RETENTION },
  { batch = 500 }: { batch?: number } = {},
): Promise<ExpiryResult> {
  const result: ExpiryResult = { expired: 0, blobsDeleted: 0, expiryRecords: [] };
  const now = clock.now();
  for (const kind of evidenceKinds) {
    if (NEVER_EXPIRED.includes(kind)) continue;
    const keep = retention[kind] ?? retention.default ?? DEFAULT_RETENTION;
    parseDuration(keep, `evidence.retention.${retention[kind] ? kind : 'default'}`);
    const cutoff = addDuration(now, keep, -1).toISOString();
    for (;;) {
      const done = await db.orm.transaction(async (tx) => {
        const due = await queryRows<{ id: string; leaf_index: string | number; content_hash: string }>(
          tx,
          sql`SELECT id, leaf_index, encode(content_hash, 'hex') AS content_hash FROM evidence_records
              WHERE workspace_id = ${workspaceId} AND expired_at IS NULL AND kind = ${kind}
                AND effective_at < ${cutoff} AND collected_at < ${cutoff}
              ORDER BY leaf_index LIMIT ${batch} FOR UPDATE`,
        );
        if (due.length === 0) return true;
        const ids = JSON.stringify(due.map((d) => d.id));
        await tx.execute(sql`
          UPDATE evidence_records SET content = NULL, expired_at = ${now.toISOString()}
          WHERE workspace_id = ${workspaceId} AND id IN (SELECT json_array_elements_text(${ids}::json))`);
        const refs = await queryRows<{ sha256: string }>(
          tx,
          sql`DELETE FROM evidence_blob_refs WHERE workspace_id = ${workspaceId} AND record_id IN (SELECT json_array_elements_text(${ids}::json)) RETURNING sha256`,
        );
        if (refs.length) {
          await tx.execute(sql`
            INSERT INTO evidence_blob_releases (sha256, released_at)
            SELECT DISTINCT s, ${now.toISOString()}::timestamptz FROM json_array_elements_text(${JSON.stringify(refs.map((r) => r.sha256))}::json) AS s
            ON CONFLICT (sha256) DO UPDATE SET released_at = EXCLUDED.released_at`);
        }
        const [logged] = await log.append(
          workspaceId,
          [
            {
              kind: 'retention.expiry',
              source: 'vigil:retention',
              subject: kind,
              collectedAt: now,
              content: {
                kind,
                keep,
                cutoff,
                records: due.map((d) => ({ id: d.id, leafIndex: Number(d.leaf_index), contentHash: d.content_hash })),
              },
            },
          ],
          tx,
        );
        result.expired += due.length;
        result.expiryRecords.push(logged!.id);
        return due.length < batch;
      });
      if (done) break;
    }
  }
  result.blobsDeleted = await collectBlobs({ db, blobs });
  return result;
}

/**
 * Delete released blobs that no record (in any workspace) uses. Each runs in a transaction holding
 * the release row: an append that uses the same blob deletes that row in its own transaction, so
 * either the append waits for the deletion and then finds (and restores) the missing blob, or the
 * collector waits for the append and then sees its use.
 */
export async function collectBlobs({ db, blobs }: { db: Database; blobs: BlobStore }): Promise<number> {
  const due = await queryRows<{ sha256: string }>(db.orm, sql`SELECT sha256 FROM evidence_blob_releases ORDER BY released_at LIMIT 10000`);
  let deleted = 0;
  for (const { sha256: hash } of due) {
    await db.orm.transaction(async (tx) => {
      const [held] = await queryRows<{ sha256: string }>(tx, sql`SELECT sha256 FROM evidence_blob_releases WHERE sha256 = ${hash} FOR UPDATE`);
      if (!held) return;
      const [used] = await queryRows<{ one: number }>(tx, sql`SELECT 1 AS one FROM evidence_blob_refs WHERE sha256 = ${hash} LIMIT 1`);
      if (!used && (await blobs.delete(hash))) deleted++;
      await tx.execute(sql`DELETE FROM evidence_blob_releases WHERE sha256 = ${hash}`);
    });
  }
  return deleted;
}
