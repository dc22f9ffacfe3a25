/**
 * Test helpers for the evidence log: a migrated test database with a workspace, a blob folder, a
 * fresh signing key and a log over them. Used by this folder's tests and by other engineers' tests
 * that append evidence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { createTestDb, type TestDb } from '../db/testing.ts';
import { fixedClock } from '../lib/clock.ts';
import { createBlobStore, type BlobStore } from './blob-store.ts';
import { generateSigningKey, type SigningKey } from './keys.ts';
import { createEvidenceLog, type EvidenceLog } from './log.ts';

export interface EvidenceFixture {
  db: TestDb;
  dir: string;
  blobs: BlobStore;
  key: SigningKey;
  clock: ReturnType<typeof fixedClock>;
  log: EvidenceLog;
  workspaceId: string;
  close(): Promise<void>;
}

export async function createEvidenceFixture(start = '2026-01-15T09:00:00.000Z'): Promise<EvidenceFixture> {
  const db = await createTestDb();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-evidence-'));
  const blobs = createBlobStore({ dir: join(dir, 'blobs') });
  const { key } = generateSigningKey();
  const clock = fixedClock(start);
  const ws = await createWorkspaceRepo(db.orm).ensure('acme', 'Acme');
  return {
    db,
    dir,
    blobs,
    key,
    clock,
    log: createEvidenceLog({ db, clock, blobs, key }),
    workspaceId: ws.id,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
