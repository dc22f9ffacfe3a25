/**
 * createDb: the one way Vigil opens its database. PGlite (embedded PostgreSQL) in the data folder
 * by default; a PostgreSQL server when a `postgres://` URL is given. Same dialect, same migrations,
 * same queries: everything above this file sees only `Database`.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { VigilError } from '../lib/errors.ts';
import * as schema from './schema/index.ts';
import { migrate } from './migrate.ts';
import { acquireDataDirLock } from './pglite-lock.ts';

export type Schema = typeof schema;
export type Orm = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Orm['transaction']>[0]>[0];
/** Anything that can run a query: the database or an open transaction. */
export type Executor = Orm | Tx;

export type DbKind = 'pglite' | 'postgres';

export interface Database {
  readonly kind: DbKind;
  readonly orm: Orm;
  /** The driver underneath, for the few paths that need it (bulk COPY). */
  readonly driver: { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; pool: pg.Pool };
  /** Run raw SQL with positional parameters ($1, $2, …) and return its rows. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** `postgres://…` selects a server; omitted selects PGlite. */
  url?: string | undefined;
  /** PGlite data folder; omitted (with no url) means an in-memory database. */
  dataDir?: string | undefined;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
}

export async function createDb(options: CreateDbOptions = {}): Promise<Database> {
  const db = options.url ? openPostgres(options.url, options.poolSize ?? 10) : await openPglite(options.dataDir);
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (e) {
      await db.close();
      throw e;
    }
  }
  return db;
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const release = dataDir ? acquireDataDirLock(`${dataDir.replace(/\/+$/, '')}.lock`) : () => {};
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir ? { dataDir } : {});
  } catch (e) {
    release();
    throw new VigilError('Unreachable', `could not open the embedded database: ${(e as Error).message}`, {
      where: dataDir ?? 'memory',
      hint: 'PGlite keeps its data in one process; if `vigil start` is running on this folder, stop it or run the command against it.',
      cause: e,
    });
  }
  const orm = drizzlePglite(client, { schema }) as unknown as Orm;
  return {
    kind: 'pglite',
    orm,
    driver: { kind: 'pglite', client },
    async query<T>(text: string, params: unknown[] = []) {
      const r = await client.query<T>(text, params);
      return r.rows;
    },
    async close() {
      if (!client.closed) await client.close();
      release();
    },
  };
}

function openPostgres(url: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const orm = drizzlePg({ client: pool, schema }) as unknown as Orm;
  let closed = false;
  return {
    kind: 'postgres',
    orm,
    driver: { kind: 'postgres', pool },
    async query<T>(text: string, params: unknown[] = []) {
      try {
        const r = await pool.query(text, params);
        return r.rows as T[];
      } catch (e) {
        throw wrapConnectError(e, url);
      }
    },
    async close() {
      if (!closed) {
        closed = true;
        await pool.end();
      }
    },
  };
}

function wrapConnectError(e: unknown, url: string): unknown {
  const code = (e as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '3D000' || code === '28P01') {
    return new VigilError('Unreachable', `could not connect to PostgreSQL: ${(e as Error).message}`, {
      where: redactUrl(url),
      hint: 'check DATABASE_URL: host, port, database name and credentials',
      cause: e,
    });
  }
  return e;
}

/** A connection string safe to print: the password is replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** Rows of a drizzle `execute()` result, whichever driver ran it. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
