/**
 * One restore test: get the latest backup (dump it now, or find the newest file), restore it into
 * a scratch database on the same server, compare every table's row count and checksum with the
 * source, and drop the scratch database — whatever happens on the way.
 *
 * A backup that does not restore, restores without some tables, or (in dump mode) differs from
 * the snapshot it was taken from is a *failed test*, recorded as such: that is the finding. What
 * stops the test from being made at all (no pg_dump, no connection, no CREATEDB) is an error of
 * the collection instead, so the check goes stale rather than judging on nothing.
 *
 * In dump mode the source is checksummed inside the very snapshot pg_dump dumps (an exported
 * snapshot, held open in a REPEATABLE READ transaction), so the comparison is exact. In folder mode
 * the backup is older than the live data: counts and sums are recorded, and only missing tables fail.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { VigilError } from '../../lib/errors.ts';
import type { RunContext } from '../sdk/index.ts';
import { newestBackup, type BackupFile } from './backup-file.ts';
import type { PostgresBackupConfig } from './config.ts';
import { canCreateDatabases, connect, createScratch, dropScratch, listTables, noCreateDb, tableSums, type TableSum } from './database.ts';
import type { RestoreTestRow, TableComparison } from './events/restore-tests.ts';
import { firstErrors, runTool, targetOf, withDatabase, type Target } from './tools.ts';

const stampOf = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('T', '').slice(0, 14);
const seconds = (ms: number) => Math.round(ms) / 1000;

interface Taken {
  backup: BackupFile | undefined;
  sums: TableSum[];
  cleanup?: () => Promise<void>;
}

async function takeDump(ctx: RunContext<PostgresBackupConfig>, target: Target, signal: AbortSignal, where: string): Promise<Taken> {
  const cfg = ctx.config;
  const source = await connect(cfg.connectionString, where);
  let dir: string | undefined;
  try {
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await source.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id;
    const takenAt = ctx.clock.now();
    const name = `${target.database.replace(/[^A-Za-z0-9_.-]/g, '_')}-${stampOf(takenAt)}.dump`;
    if (!cfg.keepDumpIn) dir = await mkdtemp(join(tmpdir(), 'vigil-pgdump-'));
    const path = join(cfg.keepDumpIn ?? dir!, name);
    const args = ['--format=custom', `--file=${path}`, `--snapshot=${snapshot}`, '--no-password', ...cfg.schemas.map((s) => `--schema=${s}`)];
    const r = await runTool(cfg.pgDump, args, target.env, signal);
    if (r.code !== 0 && /permission denied/i.test(r.stderr)) {
      throw new VigilError('PermissionDenied', `pg_dump may not read everything it dumps: ${firstErrors(r.stderr)}`, {
        where,
        hint: 'grant the user SELECT on every table and sequence (pg_read_all_data does), or limit `schemas`',
        details: { providerMessage: firstErrors(r.stderr) },
      });
    }
    if (r.code !== 0) {
      throw new VigilError('ProviderError', `pg_dump failed (exit ${r.code}): ${firstErrors(r.stderr)}`, {
        where,
        hint: 'a pg_dump older than the server refuses to dump it; otherwise the message says what the user may not read',
      });
    }
    const sums = await tableSums(source, await listTables(source, cfg.schemas));
    await source.query('COMMIT');
    const bytes = (await stat(path)).size;
    ctx.log.info(`dumped ${target.database} (${bytes} bytes, ${sums.length} tables) in snapshot ${snapshot}`);
    return { backup: { path, name, takenAt, bytes }, sums, ...(dir ? { cleanup: () => rm(dir!, { recursive: true, force: true }) } : {}) };
  } catch (e) {
    if (dir) await rm(dir, { recursive: true, force: true });
    throw e;
  } finally {
    await source.end().catch(() => {});
  }
}

async function findBackup(ctx: RunContext<PostgresBackupConfig>, where: string): Promise<Taken> {
  const cfg = ctx.config;
  const backup = await newestBackup(cfg.folder!, cfg.match);
  const source = await connect(cfg.connectionString, where);
  try {
    return { backup, sums: await tableSums(source, await listTables(source, cfg.schemas)) };
  } finally {
    await source.end().catch(() => {});
  }
}

function compare(source: readonly TableSum[], restored: readonly TableSum[]): TableComparison[] {
  const byName = new Map(restored.map((t) => [t.table, t]));
  return source.map((s) => {
    const r = byName.get(s.table);
    return {
      table: s.table,
      sourceRows: s.rows,
      restoredRows: r?.rows ?? null,
      sourceChecksum: s.checksum,
      restoredChecksum: r?.checksum ?? null,
      match: r !== undefined && r.rows === s.rows && r.checksum === s.checksum,
    };
  });
}

function verdict(tables: readonly TableComparison[], exact: boolean): string | null {
  const missing = tables.filter((t) => t.restoredRows === null);
  if (missing.length) return `the restored database lacks ${missing.length} of ${tables.length} tables: ${missing.map((t) => t.table).join(', ')}`;
  const differing = tables.filter((t) => !t.match);
  if (exact && differing.length) {
    const what = differing.map((t) => (t.sourceRows !== t.restoredRows ? `${t.table} (${t.sourceRows} rows, restored ${t.restoredRows})` : `${t.table} (same ${t.sourceRows} rows, different content)`));
    return `${differing.length} of ${tables.length} tables differ from the snapshot that was dumped: ${what.join(', ')}`;
  }
  return null;
}

export async function runRestoreTest(ctx: RunContext<PostgresBackupConfig>): Promise<RestoreTestRow> {
  const cfg = ctx.config;
  const target = targetOf(cfg.connectionString);
  const where = `database ${target.database} on ${target.server}`;
  const testedAt = ctx.clock.now();
  const timeout = AbortSignal.timeout(cfg.timeoutMinutes * 60_000);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const exact = cfg.mode === 'dump';
  const base = { id: `${target.server}/${target.database}@${testedAt.toISOString()}`, server: target.server, database: target.database, mode: cfg.mode, testedAt: testedAt.toISOString(), exact };
  const empty = { backupFile: null, backupTakenAt: null, backupAgeSeconds: null, backupBytes: null, restoreSeconds: null, tablesCompared: 0, tablesDiffering: 0, tables: [] };

  const admin = await connect(cfg.connectionString, where);
  try {
    // Before a dump that may take an hour: the restore needs a database of its own.
    if (!(await canCreateDatabases(admin))) throw noCreateDb(where, 'the role lacks CREATEDB');
    const taken = cfg.mode === 'dump' ? await takeDump(ctx, target, signal, where) : await findBackup(ctx, where);
    try {
      if (!taken.backup) {
        const error = `no backup file matching /${cfg.match}/ in ${cfg.folder}`;
        ctx.log.warn(`restore test failed: ${error}`);
        return { ...base, ...empty, outcome: 'failed', error };
      }
      const b = taken.backup;
      const scratch = `${cfg.scratchPrefix}${stampOf(testedAt)}_${randomBytes(3).toString('hex')}`;
      await createScratch(admin, scratch, where);
      let restoreSeconds: number | null = null;
      let error: string | null = null;
      let tables: TableComparison[] = [];
      try {
        // The restore duration is measured on the monotonic clock: it is the RTO evidence.
        const started = performance.now();
        const r = await runTool(cfg.pgRestore, ['--no-owner', '--no-privileges', '--no-password', `--dbname=${scratch}`, b.path], { ...target.env, PGDATABASE: scratch }, signal);
        restoreSeconds = seconds(performance.now() - started);
        if (r.code !== 0) error = `pg_restore failed (exit ${r.code}): ${firstErrors(r.stderr)}`;
        else {
          const restored = await connect(withDatabase(cfg.connectionString, scratch), where);
          try {
            const present = new Set(await listTables(restored, cfg.schemas));
            tables = compare(taken.sums, await tableSums(restored, taken.sums.map((t) => t.table).filter((t) => present.has(t))));
          } finally {
            await restored.end().catch(() => {});
          }
          error = verdict(tables, exact);
        }
      } catch (e) {
        if (!(timeout.aborted && !ctx.signal.aborted)) throw e;
        error = `the restore did not finish within ${cfg.timeoutMinutes} minutes`;
      } finally {
        await dropScratch(admin, scratch);
      }
      const row: RestoreTestRow = {
        ...base,
        backupFile: basename(b.path),
        backupTakenAt: b.takenAt.toISOString(),
        backupAgeSeconds: Math.max(0, Math.round((testedAt.getTime() - b.takenAt.getTime()) / 1000)),
        backupBytes: b.bytes,
        restoreSeconds,
        outcome: error ? 'failed' : 'passed',
        error,
        tablesCompared: tables.length,
        tablesDiffering: tables.filter((t) => !t.match).length,
        tables,
      };
      if (error) ctx.log.warn(`restore test of ${b.name} failed: ${error}`);
      else ctx.log.info(`restored ${b.name} in ${restoreSeconds} s; ${tables.length} tables compared, ${row.tablesDiffering} differ`);
      return row;
    } finally {
      await taken.cleanup?.();
    }
  } finally {
    await admin.end().catch(() => {});
  }
}
