/**
 * Versioned migrations: `migrations/NNNN_name.sql`, applied in order at start, each in its own
 * transaction and recorded in `vigil_migrations` with a checksum. Applying twice is a no-op.
 * On PostgreSQL an advisory lock serialises processes that start at the same time, so a second
 * process waits and then finds nothing to do. A migration whose file changed after it was applied
 * is refused: migrations are append-only.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { VigilError } from '../lib/errors.ts';
import type { Database } from './client.ts';

export const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

// An arbitrary constant that names "Vigil migrations" among advisory locks.
const MIGRATION_LOCK = 7_447_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir: string = migrationsDir): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) {
      throw new VigilError('Internal', `migration file name must look like 0001_name.sql`, { where: join(dir, file) });
    }
    const version = Number(m[1]);
    const other = seen.get(version);
    if (other) throw new VigilError('Internal', `two migrations share version ${version}: ${other} and ${file}`, { where: dir });
    seen.set(version, file);
    const sql = readFileSync(join(dir, file), 'utf8');
    return { version, name: m[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

interface SqlRunner {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  exec(text: string): Promise<void>;
}

export interface MigrateResult {
  applied: number[];
  current: number;
}

export async function migrate(db: Database, migrations: Migration[] = loadMigrations()): Promise<MigrateResult> {
  if (db.driver.kind === 'pglite') {
    const client = db.driver.client;
    const runner: SqlRunner = {
      query: (t, p) => client.query(t, p) as Promise<{ rows: Record<string, unknown>[] }>,
      exec: async (t) => {
        await client.exec(t);
      },
    };
    return applyAll(runner, migrations);
  }
  const conn = await db.driver.pool.connect();
  try {
    const runner: SqlRunner = {
      query: (t, p) => conn.query(t, p),
      exec: async (t) => {
        await conn.query(t);
      },
    };
    await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return await applyAll(runner, migrations);
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    conn.release();
  }
}

async function applyAll(run: SqlRunner, migrations: Migration[]): Promise<MigrateResult> {
  await run.exec(`CREATE TABLE IF NOT EXISTS vigil_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const done = new Map<number, string>();
  for (const r of (await run.query('SELECT version, checksum FROM vigil_migrations')).rows) {
    done.set(Number(r.version), String(r.checksum));
  }
  const applied: number[] = [];
  for (const m of migrations) {
    const prior = done.get(m.version);
    if (prior !== undefined) {
      if (prior !== m.checksum) {
        throw new VigilError('Internal', `migration ${m.version} (${m.name}) was changed after it was applied`, {
          where: `src/db/migrations/${String(m.version).padStart(4, '0')}_${m.name}.sql`,
          hint: 'migrations are append-only: restore the file and add a new migration for the change',
        });
      }
      continue;
    }
    await run.exec('BEGIN');
    try {
      await run.exec(m.sql);
      await run.query('INSERT INTO vigil_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      await run.exec('COMMIT');
    } catch (e) {
      await run.exec('ROLLBACK');
      throw new VigilError('Internal', `migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
    }
    applied.push(m.version);
  }
  const current = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  return { applied, current };
}
