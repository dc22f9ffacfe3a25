import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createDb } from '../db/client.ts';
import { createTestDb, createThrowawayDatabase, testDbKind, type TestDb } from '../db/testing.ts';
import { startQueue, type Queue } from './queue.ts';

let db: TestDb | undefined;
let queue: Queue | undefined;
afterEach(async () => {
  await queue?.stop();
  await db?.close();
  queue = undefined;
  db = undefined;
});

async function until(cond: () => Promise<boolean>, ms: number, what: string) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe(`job queue (${testDbKind()})`, () => {
  it('runs every job sent, in this process, on the same database as everything else', async () => {
    db = await createTestDb();
    queue = await startQueue(db, { pollingIntervalSeconds: 0.5 });
    const done: string[] = [];
    await queue.work('collect', async (data) => {
      done.push(data.source);
    });
    for (let i = 0; i < 8; i++) await queue.send('collect', { workspaceId: 'ws', source: `s${i}` });
    await until(async () => done.length === 8, 20_000, '8 jobs');
    expect(done.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `s${i}`).sort());
  });

  it('keeps one queued job per singleton key, so schedulers in several processes cannot pile up duplicates', async () => {
    db = await createTestDb();
    queue = await startQueue(db);
    const a = await queue.send('collect', { workspaceId: 'ws', source: 'okta' });
    const b = await queue.send('collect', { workspaceId: 'ws', source: 'okta' });
    const c = await queue.send('collect', { workspaceId: 'ws', source: 'github' });
    expect(a).toBeTruthy();
    expect(b).toBeNull();
    expect(c).toBeTruthy();
  });
});

const workerScript = fileURLToPath(new URL('./__fixtures__/queue-worker.ts', import.meta.url));

describe.runIf(process.env.TEST_DATABASE_URL)('several worker processes on PostgreSQL', () => {
  it('complete every job exactly once when one worker is killed mid-job', async () => {
    const { url, drop } = await createThrowawayDatabase(process.env.TEST_DATABASE_URL!);
    const procs: ChildProcess[] = [];
    const main = await createDb({ url });
    try {
      await main.query('CREATE TABLE job_starts (job_id text, source text, worker text, at timestamptz DEFAULT now())');
      await main.query('CREATE TABLE job_done (job_id text, source text, worker text, at timestamptz DEFAULT now())');
      const sender = await startQueue(main, { supervise: false, expireInSeconds: 2, retryLimit: 5 });
      const starts = new Map<string, string[]>();
      for (const name of ['w1', 'w2', 'w3']) {
        const p = spawn(process.execPath, ['--import', 'tsx', workerScript], {
          env: { ...process.env, QUEUE_DB_URL: url, WORKER_NAME: name, JOB_MS: '600' },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        procs.push(p);
        starts.set(name, []);
        p.stdout!.on('data', (b: Buffer) => {
          for (const line of b.toString().split('\n')) if (line.startsWith('started ')) starts.get(name)!.push(line.slice(8));
        });
      }
      const ids: string[] = [];
      for (let i = 0; i < 24; i++) ids.push((await sender.send('collect', { workspaceId: 'ws', source: `job${i}` }))!);
      // Kill w1 right after it starts a job: that job is in flight when its worker dies.
      await until(async () => starts.get('w1')!.length >= 2, 30_000, 'w1 to start two jobs');
      procs[0]!.kill('SIGKILL');
      const killedMidJob = starts.get('w1')!.at(-1)!;
      await until(
        async () => (await main.query<{ n: number }>('SELECT count(DISTINCT job_id)::int AS n FROM job_done'))[0]!.n === 24,
        60_000,
        'all 24 jobs to complete',
      );
      const done = await main.query<{ job_id: string; n: number }>('SELECT job_id, count(*)::int AS n FROM job_done GROUP BY job_id');
      expect(done.map((d) => d.job_id).sort()).toEqual([...ids].sort());
      expect(done.every((d) => d.n === 1)).toBe(true);
      // The job that was running in the killed worker was started again elsewhere and finished there.
      const restarted = await main.query<{ worker: string }>('SELECT worker FROM job_starts WHERE job_id = $1 ORDER BY at', [killedMidJob]);
      expect(restarted.length).toBeGreaterThanOrEqual(2);
      expect(restarted[0]!.worker).toBe('w1');
      const finishedBy = await main.query<{ worker: string }>('SELECT worker FROM job_done WHERE job_id = $1', [killedMidJob]);
      expect(finishedBy[0]!.worker).not.toBe('w1');
      await sender.stop();
    } finally {
      for (const p of procs) p.kill('SIGKILL');
      await main.close();
      await drop();
    }
  }, 120_000);
});
