/**
 * The evidence log's public API. Other folders import from here only.
 *
 *   const { log } = openEvidence({ db, clock, dataDir });
 *   await log.append(workspaceId, [{ kind: 'event', source, subject, effectiveAt, content }], tx?);
 *
 * Scheduler entry points (the engine calls them with the config's `evidence` section):
 *
 *   runScheduledCheckpoint({ log, clock }, workspaceId, {           // every minute or so
 *     every: config.evidence.checkpointEvery,
 *     witnesses: resolveWitnesses(config.evidence.witnesses, dirname(configFile)),
 *   });
 *   expireEvidence({ db, clock, blobs, log }, workspaceId, config.evidence.retention); // daily
 */
import { join } from 'node:path';
import type { Database } from '../db/client.ts';
import type { Clock } from '../lib/clock.ts';
import { createBlobStore, type BlobStore } from './blob-store.ts';
import { ensureSigningKey, loadSigningKey, type SigningKey } from './keys.ts';
import { createEvidenceLog, type EvidenceLog } from './log.ts';

export { canonicalize, parseCanonical, type JsonValue } from './canonical-json.ts';
export { createBlobStore, type BlobInfo, type BlobStore } from './blob-store.ts';
export { ensureSigningKey, generateSigningKey, keyPath, loadSigningKey, originFor, type SigningKey } from './keys.ts';
export {
  createEvidenceLog,
  type ConsistencyProof,
  type EvidenceLog,
  type EvidenceLogDeps,
  type InclusionProof,
  type ListFilter,
  type SignedCheckpoint,
} from './log.ts';
export { verifyConsistency, verifyInclusion } from './merkle.ts';
export { formatVerifierKey, openCheckpoint, parseVerifierKey } from './note.ts';
export {
  evidenceKinds,
  isEvidenceKind,
  type AppendedRecord,
  type AttachmentRef,
  type EvidenceEnvelope,
  type EvidenceKind,
  type EvidenceRecord,
  type NewAttachment,
  type NewRecord,
} from './records.ts';
export { DEFAULT_RETENTION, collectBlobs, expireEvidence, type ExpiryResult } from './retention.ts';
export { verifyStoredLog, type VerifyLogReport } from './verify-log.ts';
export { publish, resolveWitnesses, runScheduledCheckpoint, sendToWitnesses, splitNotes, type ScheduledCheckpoint, type Witness } from './witness.ts';
export { exportBundle, type ExportOptions, type ExportResult } from './bundle/export.ts';
export { verifyBundle, type BundleReport, type VerifyBundleOptions } from './bundle/verify.ts';

export const blobDir = (dataDir: string) => join(dataDir, 'blobs');

export interface Evidence {
  log: EvidenceLog;
  blobs: BlobStore;
  key: SigningKey;
}

/** The log over the data folder's blob store and signing key (created if missing). */
export function openEvidence({ db, clock, dataDir }: { db: Database; clock: Clock; dataDir: string }): Evidence {
  ensureSigningKey(dataDir);
  const key = loadSigningKey(dataDir);
  const blobs = createBlobStore({ dir: blobDir(dataDir) });
  return { log: createEvidenceLog({ db, clock, blobs, key }), blobs, key };
}
