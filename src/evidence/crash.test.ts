import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../db/client.ts';
import { createThrowawayDatabase } from '../db/testing.ts';
import { createBlobStore } from './blob-store.ts';
import { loadSigningKey, originFor } from './keys.ts';
import { createEvidenceLog } from './log.ts';
import { verifyConsistency } from './merkle.ts';
import { openCheckpoint } from './note.ts';
import { verifyStoredLog } from './verify-log.ts';
import { systemClock } from '../lib/clock.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
let drop: (() => Promise<void>) | undefined;
afterAll(async () => {
  await drop?.();
  rmSync(dir, { recursive: true, force: true });
});

const root = resolve(import.meta.dirname, '../..');

describe('a crash in the middle of appends', () => {
  it('loses no acknowledged record, and the reopened tree is consistent with the last checkpoint', async () => {
    let target = join(dir, 'pgdata');
    if (process.env.TEST_DATABASE_URL) {
      const t = await createThrowawayDatabase(process.env.TEST_DATABASE_URL);
      drop = t.drop;
      target = t.url;
    }
    const child = spawn(process.execPath, [join(root, 'bin/run-ts.js'), join(root, 'src/evidence/crash-child.ts'), target, dir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: string[] = [];
    const checkpoints: { size: number; id: string }[] = [];
    let workspace = '';
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
    for await (const line of createInterface({ input: child.stdout! })) {
      const [tag, a, b] = line.split(' ');
      if (tag === 'workspace') workspace = a!;
      if (tag === 'ack') acked.push(a!);
      if (tag === 'checkpoint') checkpoints.push({ size: Number(a), id: b! });
      // Mid-stream: after plenty of acknowledged appends and a few checkpoints, with appends still running.
      if (acked.length >= 400 && checkpoints.length >= 3 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');

    const db: Database = await createDb(target.startsWith('postgres') ? { url: target } : { dataDir: target });
    try {
      const key = loadSigningKey(dir);
      const blobs = createBlobStore({ dir: join(dir, 'blobs') });
      const log = createEvidenceLog({ db, clock: systemClock, blobs, key });
      // Every acknowledged record is there.
      for (const id of acked) expect(await log.get(workspace, id), id).toBeDefined();
      const head = await log.head(workspace);
      expect(head.treeSize).toBeGreaterThanOrEqual(acked.length);
      // The whole log still verifies from its records, and it extends the last checkpoint printed.
      await verifyStoredLog({ db, blobs, key }, workspace);
      const last = checkpoints.at(-1)!;
      const [stored] = await log.checkpoints(workspace, { treeSize: last.size });
      const body = openCheckpoint(stored!.note, key.verifier(originFor(workspace)), last.id);
      const proof = await log.consistency(workspace, last.size, head.treeSize);
      expect(verifyConsistency(last.size, head.treeSize, body.rootHash, Buffer.from(head.rootHash, 'hex'), proof.hashes.map((h) => Buffer.from(h, 'hex')))).toBe(true);
      // And it keeps growing from where it stopped.
      const [next] = await log.append(workspace, [{ kind: 'event', source: 'after', subject: 'restart', content: {} }]);
      expect(next!.leafIndex).toBe(head.treeSize);
    } finally {
      await db.close();
    }
  }, 120_000);
});
