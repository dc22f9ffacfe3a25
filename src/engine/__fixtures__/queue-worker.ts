// A worker process for the queue tests: takes `collect` jobs from the database in QUEUE_DB_URL,
// logs each start and completion in tables, and prints "started <job id>" so a test can kill it
// mid-job.
import { createDb } from '../../db/client.ts';
import { startQueue } from '../queue.ts';

const db = await createDb({ url: process.env.QUEUE_DB_URL!, migrate: false, poolSize: 4 });
const worker = process.env.WORKER_NAME ?? String(process.pid);
const queue = await startQueue(db, { expireInSeconds: 2, retryLimit: 5, pollingIntervalSeconds: 0.5 });
await queue.work(
  'collect',
  async (data, jobId) => {
    await db.query('INSERT INTO job_starts (job_id, source, worker) VALUES ($1, $2, $3)', [jobId, data.source, worker]);
    process.stdout.write(`started ${jobId}\n`);
    await new Promise((r) => setTimeout(r, Number(process.env.JOB_MS ?? 400)));
    await db.query('INSERT INTO job_done (job_id, source, worker) VALUES ($1, $2, $3)', [jobId, data.source, worker]);
  },
  { pollingIntervalSeconds: 0.5 },
);
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await queue.stop();
  await db.close();
  process.exit(0);
});
