/**
 * For tests that need a real PostgreSQL server (the restore test cannot be simulated): the local
 * server named by PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), and a
 * throwaway source database filled with tables that exercise the checksum — no primary key,
 * duplicate rows, NULLs, time zones, bytea, arrays, a second schema.
 */
import pg from 'pg';
import { createThrowawayDatabase } from '../../db/testing.ts';

export const PG_ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Whether the server answers; on CI it must (the pipeline starts it), so a miss there is an error. */
export async function localPostgresAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  c.on('error', () => {});
  try {
    await c.connect();
    return true;
  } catch (e) {
    if (process.env.CI) throw new Error(`the restore tests need the PostgreSQL server at ${PG_ADMIN_URL}: ${(e as Error).message}`);
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export async function sql(url: string, text: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

export interface SourceDb {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createSourceDb(): Promise<SourceDb> {
  const { url, drop } = await createThrowawayDatabase(PG_ADMIN_URL);
  await sql(
    url,
    `CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2), created timestamptz NOT NULL, blob bytea, tags text[]);
     INSERT INTO items (name, price, created, blob, tags)
       SELECT 'item ' || g, g * 1.25, timestamptz '2026-01-01 00:00:00+02' + g * interval '1 hour', decode(md5(g::text), 'hex'), ARRAY['a', g::text]
       FROM generate_series(1, 200) g;
     INSERT INTO items (name, price, created) VALUES ('no price', NULL, now());
     CREATE TABLE events_no_pk (kind text, at date);
     INSERT INTO events_no_pk VALUES ('login', '2026-02-01'), ('login', '2026-02-01'), ('logout', NULL);
     CREATE SCHEMA ledger;
     CREATE TABLE ledger.entries (account text, amount double precision);
     INSERT INTO ledger.entries VALUES ('cash', 0.1), ('cash', 1e-7), ('bank', 12345.678);`,
  );
  return { url, name: new URL(url).pathname.slice(1), drop };
}

/** Scratch databases left on the server with this prefix (there must be none after a test). */
export async function leftoverScratch(prefix: string): Promise<string[]> {
  const rows = await sql(PG_ADMIN_URL, `SELECT datname FROM pg_database WHERE datname LIKE '${prefix.replace(/_/g, '\\_')}%'`);
  return rows.map((r) => String(r.datname));
}
