/**
 * The long-running part of Vigil: a scheduler that enqueues due collections, evaluations and
 * maintenance; workers that run them from the Postgres-backed queue; and the alert dispatcher.
 * `vigil start` runs all three in one process (on PGlite, the only way); `vigil worker` runs the
 * workers and dispatcher on any number of machines sharing a PostgreSQL server. The scheduler may
 * run in every process: the queue keeps one pending job per source, so nothing piles up.
 */
import { dirname } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { createChannels, closeChannels, createDispatcher, type Dispatcher } from '../notify/index.ts';
import { startQueue, type Queue } from '../engine/queue.ts';
import { listSources } from '../engine/sources.ts';
import { expireEvidence, resolveWitnesses, runScheduledCheckpoint } from '../evidence/index.ts';
import { sql } from 'drizzle-orm';
import { addDuration } from '../lib/duration.ts';
import type { App } from './app.ts';

export const DEFAULT_SOURCE_SCHEDULE = 'PT1H';
const FULL_EVALUATION_EVERY = 'PT1H';
const MAINTENANCE_EVERY = 'PT5M';

export interface RuntimeOptions {
  scheduler?: boolean;
  workers?: boolean;
  dispatcher?: boolean;
  /** How often the scheduler looks for due work (default 15 s). */
  tickMs?: number;
  log?: (line: string) => void;
}

/** When a source is next due, from its last run and its schedule (ISO 8601 duration or cron). */
export function nextRunAt(schedule: string | null, lastRunAt: Date | null, now: Date): Date {
  if (!lastRunAt) return now;
  const s = schedule ?? DEFAULT_SOURCE_SCHEDULE;
  if (s.startsWith('P')) return addDuration(lastRunAt, s);
  return CronExpressionParser.parse(s, { currentDate: lastRunAt, tz: 'UTC' }).next().toDate();
}

/**
 * The tables that grow with the inventory, its judgements and their history, whose statistics the
 * planner needs — the API's read models (findings queue, day summaries, evidence tiles) included:
 * on PGlite, which has no autovacuum, a table left out here never has statistics and its plans are
 * guesses.
 */
export const ANALYZED_TABLES = ['resources', 'events', 'check_results', 'evidence_records', 'evidence_tiles', 'findings', 'finding_events', 'check_result_days'] as const;
const ANALYZE_EVERY = 'PT1H';

/**
 * Keep the planner's statistics current: collections insert and rewrite many rows at once, and
 * the inventory's key lookups and the evaluator's reads pick bad plans (a sequential scan per
 * page) on stale statistics. PostgreSQL's autovacuum gets there eventually; PGlite has none.
 */
export async function analyzeBigTables(db: App['db']): Promise<void> {
  for (const table of ANALYZED_TABLES) await db.orm.execute(sql.raw(`ANALYZE ${table}`));
}

export interface Runtime {
  queue: Queue | undefined;
  dispatcher: Dispatcher | undefined;
  /** One scheduler pass (tests call it directly). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRuntime(app: App, options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? (() => {});
  const ws = app.workspace.id;
  const cfg = app.loaded.config;
  const queue = options.workers !== false || options.scheduler !== false ? await startQueue(app.db) : undefined;

  let lastAnalyze: Date | null = null;
  if (queue && options.workers !== false) {
    // The source is looked up at job time from vigil.yaml and the database (monitor.collect), so a
    // worker finds a source added through the API after it started, or by another process.
    await queue.work('collect', async (job) => {
      const { outcomes } = await app.monitor.collect(job.workspaceId, job.source);
      for (const o of outcomes) log(`collected ${o.source}: ${o.status}${o.error ? ` — ${o.error}` : ''}`);
    });
    await queue.work('evaluate', async (job) => {
      const runs = await app.monitor.evaluate(job.workspaceId, { onlyChanged: job.onlyChanged ?? false });
      log(`evaluated ${runs.filter((r) => r.outcome !== 'skipped').length} checks`);
    });
    await queue.work('maintenance', async (job) => {
      await app.monitor.sweep(job.workspaceId);
      await runScheduledCheckpoint({ log: app.evidence.log, clock: app.clock }, job.workspaceId, {
        every: cfg.evidence.checkpointEvery,
        witnesses: resolveWitnesses(cfg.evidence.witnesses, app.loaded.file ? dirname(app.loaded.file) : process.cwd()),
      });
      await expireEvidence({ db: app.db, clock: app.clock, blobs: app.evidence.blobs, log: app.evidence.log }, job.workspaceId, cfg.evidence.retention);
      // Hourly, not every five minutes: ANALYZE samples every big table.
      const now = app.clock.now();
      if (!lastAnalyze || addDuration(lastAnalyze, ANALYZE_EVERY) <= now) {
        lastAnalyze = now;
        await analyzeBigTables(app.db);
      }
    });
  }

  let dispatcher: Dispatcher | undefined;
  const channels = createChannels(cfg.alerts, { publicUrl: cfg.server.publicUrl });
  // Runs even with no channel in vigil.yaml: one may be added through the API at any time, and is
  // found by name (from the database) when its first delivery comes up.
  if (options.dispatcher !== false) {
    dispatcher = createDispatcher({
      db: app.db,
      clock: app.clock,
      workspaceId: ws,
      channels,
      findChannel: (name) => app.channelStore.channel(ws, name),
      onOutcome: (o) => {
        if (o.outcome !== 'sent') log(`alert ${o.kind} to ${o.channel}: ${o.outcome}${o.error ? ` — ${o.error}` : ''}`);
      },
    });
    dispatcher.start();
  }

  let lastFull: Date | null = null;
  let lastMaintenance: Date | null = null;
  async function tick() {
    if (!queue) return;
    const now = app.clock.now();
    for (const s of await listSources(app.db.orm, ws)) {
      if (!s.enabled) continue;
      if (nextRunAt(s.schedule, s.lastRunAt, now) <= now) await queue.send('collect', { workspaceId: ws, source: s.name });
    }
    if (!lastFull || addDuration(lastFull, FULL_EVALUATION_EVERY) <= now) {
      lastFull = now;
      await queue.send('evaluate', { workspaceId: ws });
    }
    if (!lastMaintenance || addDuration(lastMaintenance, MAINTENANCE_EVERY) <= now) {
      lastMaintenance = now;
      await queue.send('maintenance', { workspaceId: ws });
    }
  }

  let timer: NodeJS.Timeout | undefined;
  if (options.scheduler !== false) {
    const loop = () => {
      tick()
        .catch((e: unknown) => log(`scheduler: ${(e as Error).message}`))
        .finally(() => {
          timer = setTimeout(loop, options.tickMs ?? 15_000);
          timer.unref();
        });
    };
    loop();
  }

  return {
    queue,
    dispatcher,
    tick,
    async stop() {
      if (timer) clearTimeout(timer);
      await dispatcher?.stop();
      await closeChannels(channels.values());
      await queue?.stop();
    },
  };
}
