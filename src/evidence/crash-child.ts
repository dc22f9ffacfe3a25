/**
 * The process the crash test kills: appends to the evidence log in a loop and prints every record
 * id once `append` has returned (so it is acknowledged), and every checkpoint it signs. Run as
 * `node bin/run-ts.js src/evidence/crash-child.ts <pglite-dir | postgres-url> <key-dir>`.
 */
import { createDb } from '../db/client.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { systemClock } from '../lib/clock.ts';
import { createBlobStore } from './blob-store.ts';
import { ensureSigningKey, loadSigningKey } from './keys.ts';
import { createEvidenceLog } from './log.ts';

const [target, keyDir] = process.argv.slice(2);
if (!target || !keyDir) {
  console.error('usage: crash-child.ts <pglite-dir | postgres-url> <key-dir>');
  process.exit(2);
}
const db = await createDb(target.startsWith('postgres') ? { url: target } : { dataDir: target });
ensureSigningKey(keyDir);
const log = createEvidenceLog({ db, clock: systemClock, blobs: createBlobStore({ dir: `${keyDir}/blobs` }), key: loadSigningKey(keyDir) });
const ws = await createWorkspaceRepo(db.orm).ensure('crash', 'Crash test');
console.log(`workspace ${ws.id}`);
for (let batch = 0; ; batch++) {
  const size = 1 + (batch % 17);
  const out = await log.append(
    ws.id,
    Array.from({ length: size }, (_, i) => ({ kind: 'event' as const, source: 'crash', subject: `b${batch}`, content: { batch, i, pad: 'x'.repeat(200) } })),
  );
  // One write per batch: a line is either whole or absent when the process dies.
  process.stdout.write(out.map((r) => `ack ${r.id}\n`).join(''));
  if (batch % 7 === 3) {
    const cp = await log.checkpoint(ws.id);
    process.stdout.write(`checkpoint ${cp.treeSize} ${cp.id}\n`);
  }
}
