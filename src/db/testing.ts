/**
 * Test databases. `createTestDb()` gives each test file a fresh, migrated database: PGlite in
 * memory by default, or — when TEST_DATABASE_URL is set — a throwaway database created on that
 * PostgreSQL server and dropped on close. Repository tests call this and so run on both.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createDb, type Database } from './client.ts';

export interface TestDb extends Database {
  /** The URL of the throwaway PostgreSQL database, when running on a server. */
  readonly url?: string;
}

export const testDbKind = (): 'pglite' | 'postgres' => (process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite');

export async function createTestDb(options: { migrate?: boolean } = {}): Promise<TestDb> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return createDb({ migrate: options.migrate ?? true });
  const { url, drop } = await createThrowawayDatabase(base);
  const db = await createDb({ url, migrate: options.migrate ?? true, poolSize: 5 });
  return {
    ...db,
    url,
    async close() {
      await db.close();
      await drop();
    },
  };
}

/** Create an empty database beside the one `baseUrl` names; `drop()` removes it. */
export async function createThrowawayDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `vigil_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
