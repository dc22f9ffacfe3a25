import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/client.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { createTestDb, testDbKind, type TestDb } from '../db/testing.ts';
import { ANALYZED_TABLES, analyzeBigTables } from './runtime.ts';

let db: TestDb;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.close();
});

describe(`maintenance statistics (${testDbKind()})`, () => {
  it('gives the planner row counts for the big tables after a bulk load', async () => {
    const ws = await createWorkspaceRepo(db.orm).ensure('acme', 'Acme');
    await db.orm.execute(sql`
      INSERT INTO resources (workspace_id, source, type, key, data, data_hash, first_seen_at, last_seen_at, changed_at)
      SELECT ${ws.id}, 'aws', 'aws.s3-buckets', 'b' || i, jsonb_build_object('name', 'b' || i), md5(i::text), now(), now(), now()
      FROM generate_series(1, 2000) AS i`);
    const estimate = async () => rowsOf<{ n: number }>(await db.orm.execute(sql`SELECT reltuples::int AS n FROM pg_class WHERE relname = 'resources'`))[0]!.n;
    expect(await estimate()).toBeLessThan(2000);
    await analyzeBigTables(db);
    expect(await estimate()).toBe(2000);
    const analyzed = rowsOf<{ relname: string }>(await db.orm.execute(sql`SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL`)).map((r) => r.relname);
    expect(analyzed).toEqual(expect.arrayContaining([...ANALYZED_TABLES]));
  });
});
