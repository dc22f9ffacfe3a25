/**
 * The outbox's promise, tested with a real crash: a child process enqueues deliveries and is
 * SIGKILLed — before it dispatches anything, or while a send is in flight — and a new dispatcher
 * (the restarted process) then gets every delivery accepted by the receiver exactly once, counted
 * by Vigil-Delivery-Id. Runs on a PGlite data folder, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertsSchema } from '../core/config/schema.ts';
import { createDb, type Database } from '../db/client.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { createThrowawayDatabase } from '../db/testing.ts';
import type { Clock } from '../lib/clock.ts';
import { createChannels } from './channels.ts';
import { createDispatcher } from './dispatcher.ts';
import { createOutboxRepo } from './outbox.ts';
import { startReceiver, type Receiver } from './testing.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const N = 8;
/** Deliveries the receiver accepts before it stops answering, in the mid-send crash. */
const K = 3;
const LEASE_MS = 6_000;
const WORKSPACE = 'crash-test';

interface Store {
  childEnv: Record<string, string>;
  open(): Promise<Database>;
  cleanup(): Promise<void>;
}

const stores: { name: string; make: () => Promise<Store> }[] = [
  {
    name: 'PGlite data folder',
    make: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
      const dataDir = join(dir, 'pgdata');
      return { childEnv: { CRASH_DATA_DIR: dataDir }, open: () => createDb({ dataDir }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];
if (process.env.TEST_DATABASE_URL) {
  stores.push({
    name: 'PostgreSQL',
    make: async () => {
      const { url, drop } = await createThrowawayDatabase(process.env.TEST_DATABASE_URL!);
      return { childEnv: { CRASH_DB_URL: url }, open: () => createDb({ url }), cleanup: drop };
    },
  });
}

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** Run the child until it has enqueued; then kill it at once, or once the receiver has `killAfter` requests. */
async function runAndKill(store: Store, receiver: Receiver, mode: 'enqueue' | 'dispatch', killAfter = 0): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      ...store.childEnv,
      CRASH_RECEIVER: receiver.url,
      CRASH_N: String(N),
      CRASH_MODE: mode,
      CRASH_WORKSPACE: WORKSPACE,
      CRASH_LEASE_MS: String(LEASE_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let stdout = '';
  const enqueued = await new Promise<string[]>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n')) resolve((JSON.parse(line!) as { enqueued: string[] }).enqueued);
    });
    void exited.then((how) => reject(new Error(`child exited (${how}) before enqueuing: ${stderr}`)));
  });
  if (mode === 'dispatch') await receiver.waitFor(killAfter, 20_000);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return enqueued;
}

/** The restarted process: a new dispatcher, later than the dead one's lease, until all is sent. */
async function restartAndDrain(store: Store, receiverUrl: string): Promise<Record<string, number>> {
  const db = await store.open();
  try {
    const ws = (await createWorkspaceRepo(db.orm).bySlug(WORKSPACE))!.id;
    // The restart happens after the killed process's lease has run out; a clock that far ahead
    // stands in for waiting it out.
    const later: Clock = { now: () => new Date(Date.now() + LEASE_MS + 1_000) };
    const alerts = alertsSchema.parse({
      channels: [{ name: 'hook', type: 'webhook', url: receiverUrl, secret: 'crash-test-secret-0123', timeoutMs: 1000 }],
    });
    const dispatcher = createDispatcher({ db, clock: later, workspaceId: ws, channels: createChannels(alerts) });
    const repo = createOutboxRepo(db, ws);
    const deadline = Date.now() + 20_000;
    while ((await repo.counts()).sent < N && Date.now() < deadline) await dispatcher.runOnce();
    return await repo.counts();
  } finally {
    await db.close();
  }
}

/** A receiver that counts the deliveries it accepted, and stops answering after `acceptFirst`. */
async function countingReceiver(acceptFirst: number) {
  const accepted: string[] = [];
  let restarted = false;
  const receiver = await startReceiver((req, n) => {
    if (!restarted && n >= acceptFirst) return 'hang';
    accepted.push(String(req.headers['vigil-delivery-id']));
    return { status: 200 };
  });
  return { receiver, accepted, restart: () => (restarted = true) };
}

const tally = (ids: string[]) => ids.reduce<Record<string, number>>((m, id) => ((m[id] = (m[id] ?? 0) + 1), m), {});

describe.each(stores)('a process killed with deliveries pending ($name)', ({ make }) => {
  it('sends each of them exactly once after restart, when killed before dispatching', async () => {
    const store = await make();
    cleanups.push(store.cleanup);
    const r = await countingReceiver(Infinity);
    cleanups.push(r.receiver.close);
    const enqueued = await runAndKill(store, r.receiver, 'enqueue');
    expect(enqueued).toHaveLength(N);
    expect(r.receiver.requests).toHaveLength(0);

    r.restart();
    const counts = await restartAndDrain(store, r.receiver.url);
    expect(counts).toMatchObject({ sent: N, pending: 0, sending: 0, failed: 0, dead: 0 });
    expect(tally(r.accepted)).toEqual(Object.fromEntries(enqueued.map((id) => [id, 1])));
  }, 60_000);

  it('sends each of them exactly once after restart, when killed while a send is in flight', async () => {
    const store = await make();
    cleanups.push(store.cleanup);
    const r = await countingReceiver(K);
    cleanups.push(r.receiver.close);
    // Killed once the receiver holds request K+1 unanswered: K were accepted and recorded as sent.
    const enqueued = await runAndKill(store, r.receiver, 'dispatch', K + 1);
    expect(r.accepted).toEqual(enqueued.slice(0, K));
    const inFlight = String(r.receiver.requests[K]!.headers['vigil-delivery-id']);

    r.restart();
    const counts = await restartAndDrain(store, r.receiver.url);
    expect(counts).toMatchObject({ sent: N, pending: 0, sending: 0, failed: 0, dead: 0 });
    // Every delivery accepted exactly once: the K sent before the crash were not sent again.
    expect(tally(r.accepted)).toEqual(Object.fromEntries(enqueued.map((id) => [id, 1])));
    // On the wire, only the unanswered one was seen twice — with the same Vigil-Delivery-Id.
    const wire = tally(r.receiver.requests.map((q) => String(q.headers['vigil-delivery-id'])));
    expect(wire).toEqual(Object.fromEntries(enqueued.map((id) => [id, id === inFlight ? 2 : 1])));
  }, 60_000);
});
