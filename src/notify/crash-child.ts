/**
 * The process the crash test kills (spawned with `node --import tsx`). It enqueues N alerts, each
 * in its own transaction, prints their delivery ids as one JSON line, then either waits (MODE=
 * enqueue) or starts dispatching one delivery at a time (MODE=dispatch) — until SIGKILL.
 *
 * Env: CRASH_DB_URL (PostgreSQL) or CRASH_DATA_DIR (PGlite folder), CRASH_RECEIVER, CRASH_N,
 * CRASH_MODE, CRASH_WORKSPACE, CRASH_LEASE_MS.
 */
import { alertsSchema } from '../core/config/schema.ts';
import { createDb } from '../db/client.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { systemClock } from '../lib/clock.ts';
import { createAlerter } from './alerter.ts';
import { createChannels } from './channels.ts';
import { createDispatcher } from './dispatcher.ts';
import { sampleFinding } from './testing.ts';

async function main() {
  const env = process.env;
  const n = Number(env.CRASH_N);
  const db = await createDb(env.CRASH_DB_URL ? { url: env.CRASH_DB_URL } : { dataDir: env.CRASH_DATA_DIR });
  const ws = (await createWorkspaceRepo(db.orm).ensure(env.CRASH_WORKSPACE!, 'Crash test')).id;
  const alerts = alertsSchema.parse({
    channels: [{ name: 'hook', type: 'webhook', url: env.CRASH_RECEIVER, secret: 'crash-test-secret-0123', timeoutMs: 1000 }],
    rules: [{ channel: 'hook', kinds: ['finding.opened'] }],
  });
  const alerter = createAlerter({ db, clock: systemClock, config: alerts });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    await db.orm.transaction(async (tx) => {
      const [d] = await alerter.raise(ws, { kind: 'finding.opened', payload: sampleFinding({ findingId: `fnd_crash_${i}` }) }, tx);
      ids.push(d!.id);
    });
  }
  process.stdout.write(`${JSON.stringify({ enqueued: ids })}\n`);
  if (env.CRASH_MODE === 'dispatch') {
    // One at a time, so "the receiver saw request k+1" means "request k's outcome is committed".
    createDispatcher({
      db,
      clock: systemClock,
      workspaceId: ws,
      channels: createChannels(alerts),
      batchSize: 1,
      concurrency: 1,
      leaseMs: Number(env.CRASH_LEASE_MS),
      pollMs: 50,
    }).start();
  }
  // Stay alive until killed.
  setInterval(() => {}, 60_000);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
