/**
 * The job queue: pg-boss on Vigil's own database. On PostgreSQL, any number of `vigil worker`
 * processes on any number of machines share it (a job is fetched by one worker with SKIP LOCKED;
 * a job whose worker died is failed on expiry and retried, so none is lost). On PGlite it runs
 * inside the one `vigil start` process through the same adapter.
 *
 * pg-boss talks to the database only through `executeSql`, so both drivers plug in the same way:
 * PGlite's `query` speaks the extended protocol (one statement), so parameterless multi-statement
 * SQL — pg-boss's schema migrations — goes through `exec`.
 */
import PgBoss from 'pg-boss';
import type { Database } from '../db/client.ts';

export const jobNames = ['collect', 'evaluate', 'maintenance'] as const;
export type JobName = (typeof jobNames)[number];

export interface CollectJob {
  workspaceId: string;
  source: string;
}
export interface EvaluateJob {
  workspaceId: string;
  /** Only checks whose inputs changed since their last run. */
  onlyChanged?: boolean;
}
export interface MaintenanceJob {
  workspaceId: string;
}
export interface JobData {
  collect: CollectJob;
  evaluate: EvaluateJob;
  maintenance: MaintenanceJob;
}

export interface QueueOptions {
  /** How long a job may run before it counts as dead and is retried (default 15 minutes). */
  expireInSeconds?: number;
  retryLimit?: number;
  pollingIntervalSeconds?: number;
  /** Run pg-boss maintenance (expiring dead jobs, archiving) in this process (default true). */
  supervise?: boolean;
}

/**
 * The identity of a job for de-duplication: the queues are 'stately' (one queued and one running
 * job per key), and jobs without a key would all share one, so every job gets one.
 */
export function singletonKeyOf<N extends JobName>(name: N, data: JobData[N]): string {
  switch (name) {
    case 'collect':
      return `${data.workspaceId}:${(data as CollectJob).source}`;
    case 'evaluate':
      return `${data.workspaceId}:${(data as EvaluateJob).onlyChanged ? 'changed' : 'all'}`;
    default:
      return data.workspaceId;
  }
}

export function bossAdapter(db: Database): PgBoss.Db {
  if (db.driver.kind === 'pglite') {
    const client = db.driver.client;
    return {
      async executeSql(text: string, values: unknown[] = []) {
        if (!values.length) {
          const results = await client.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        }
        return client.query(text, values);
      },
    };
  }
  const pool = db.driver.pool;
  return {
    executeSql: (text: string, values: unknown[] = []) => pool.query(text, values as unknown[]),
  };
}

export interface Queue {
  boss: PgBoss;
  send<N extends JobName>(name: N, data: JobData[N], options?: { singletonKey?: string; startAfter?: Date }): Promise<string | null>;
  work<N extends JobName>(name: N, handler: (data: JobData[N], jobId: string) => Promise<void>, options?: { pollingIntervalSeconds?: number }): Promise<string>;
  stop(): Promise<void>;
}

export async function startQueue(db: Database, options: QueueOptions = {}): Promise<Queue> {
  const boss = new PgBoss({
    db: bossAdapter(db),
    schema: 'pgboss',
    supervise: options.supervise ?? true,
    schedule: false,
    migrate: true,
    // Expired (dead-worker) jobs are found on each maintenance pass.
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, options.expireInSeconds ?? 60)),
    monitorStateIntervalSeconds: 60,
  });
  // pg-boss reports background errors as events; an unhandled 'error' event would kill the process.
  boss.on('error', (e) => {
    if (!stopping) console.error(`job queue: ${(e as Error).message}`);
  });
  let stopping = false;
  await boss.start();
  for (const name of jobNames) {
    // stately: at most one queued and one running job per singleton key (a source, a workspace),
    // so a scheduler in every process cannot pile up duplicates.
    const existing = await boss.getQueue(name);
    if (!existing) {
      try {
        await boss.createQueue(name, {
          name,
          policy: 'stately',
          retryLimit: options.retryLimit ?? 3,
          retryDelay: 5,
          retryBackoff: true,
          expireInSeconds: options.expireInSeconds ?? 900,
        });
      } catch (e) {
        // Another process created it between our check and our create.
        if (!(await boss.getQueue(name))) throw e;
      }
    }
  }
  return {
    boss,
    async send(name, data, opts = {}) {
      return boss.send(name, data as object, {
        singletonKey: opts.singletonKey ?? singletonKeyOf(name, data),
        ...(opts.startAfter ? { startAfter: opts.startAfter } : {}),
      });
    },
    async work(name, handler, opts = {}) {
      return boss.work<JobData[typeof name]>(
        name,
        { batchSize: 1, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? options.pollingIntervalSeconds ?? 2 },
        async (jobs) => {
          for (const job of jobs) await handler(job.data, job.id);
        },
      );
    },
    async stop() {
      stopping = true;
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
