import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createDb } from './client.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { createTestDb, createThrowawayDatabase, testDbKind, type TestDb } from './testing.ts';
import { createWorkspaceRepo } from './repositories/workspaces.ts';
import * as schema from './schema/index.ts';
import { getTableName, isTable } from 'drizzle-orm';

let db: TestDb | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe(`migrations (${testDbKind()})`, () => {
  it('applies every migration once and is a no-op the second time', async () => {
    db = await createTestDb({ migrate: false });
    const first = await migrate(db);
    expect(first.applied).toEqual(loadMigrations().map((m) => m.version));
    const second = await migrate(db);
    expect(second.applied).toEqual([]);
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vigil_migrations');
    expect(rows[0]!.n).toBe(loadMigrations().length);
  });

  it('creates every table the drizzle schema declares', async () => {
    db = await createTestDb();
    const tables = Object.values(schema)
      .filter((t) => isTable(t))
      .map((t) => getTableName(t as Parameters<typeof getTableName>[0]));
    const rows = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
    );
    const present = new Set(rows.map((r) => r.table_name));
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) expect(present, `table ${t}`).toContain(t);
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    db = await createTestDb();
    const changed = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(db, changed)).rejects.toThrow(/was changed after it was applied/);
  });

  it('rolls back a failing migration and leaves earlier ones in place', async () => {
    db = await createTestDb();
    const bad = [...loadMigrations(), { version: 9999, name: 'broken', sql: 'CREATE TABLE x_ok (a int); SELEC oops;', checksum: 'x' }];
    await expect(migrate(db, bad)).rejects.toThrow(/migration 9999 \(broken\) failed/);
    const rows = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'x_ok'`);
    expect(rows).toHaveLength(0);
    const ws = await createWorkspaceRepo(db.orm).ensure('acme', 'Acme');
    expect(ws.slug).toBe('acme');
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('several processes starting on one PostgreSQL database', () => {
  it('migrate exactly once and leave a consistent schema', async () => {
    const { url, drop } = await createThrowawayDatabase(process.env.TEST_DATABASE_URL!);
    try {
      const script = `
        import { createDb } from './src/db/client.ts';
        const db = await createDb({ url: process.env.U });
        await db.close();`;
      const runs = Array.from({ length: 4 }, () =>
        new Promise<number>((resolve) => {
          const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
            env: { ...process.env, U: url },
            stdio: 'inherit',
          });
          p.on('exit', (code) => resolve(code ?? -1));
        }),
      );
      expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
      const check = await createDb({ url, migrate: false });
      const rows = await check.query<{ version: number }>('SELECT version FROM vigil_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
      await check.close();
    } finally {
      await drop();
    }
  });
});
