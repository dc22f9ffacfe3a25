/**
 * The change version behind kept answers (migration 0015) and the cache that uses it: each
 * committed transaction writing what the overview reads counts once for its workspace — however
 * many rows, in whichever of the six tables — while a rolled-back one, a read, or a write to a table
 * the overview does not read counts nothing; and a kept answer is served only while the version is
 * the same and its own expiry has not passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { createTestDb, testDbKind, type TestDb } from '../../db/testing.ts';
import { fixedClock } from '../../lib/clock.ts';
import { createReadCache } from './read-cache.ts';

let db: TestDb;
let ws: string;
let other: string;
const clock = fixedClock('2026-03-02T09:00:00Z');

const versionOf = async (id: string) =>
  Number(rowsOf<{ v: string }>(await db.orm.execute(sql`SELECT version::text AS v FROM workspace_changes WHERE workspace_id = ${id}`))[0]?.v ?? 0);

beforeAll(async () => {
  db = await createTestDb();
  const repo = createWorkspaceRepo(db.orm);
  ws = (await repo.ensure('rc', 'Read cache')).id;
  other = (await repo.ensure('rc-other', 'Other')).id;
});
afterAll(async () => {
  await db?.close();
});

const result = (w: string, i: number) =>
  sql`INSERT INTO check_results (workspace_id, check_id, resource, status, severity, reason, valid_from, judged_at)
      VALUES (${w}, 'rc.check', ${`r-${i}`}, 'pass', 'low', 'ok', now(), now())`;

describe(`workspace change version (${testDbKind()})`, () => {
  it('counts one per committed transaction and workspace, however many rows it writes', async () => {
    const before = await versionOf(ws);
    await db.orm.transaction(async (tx) => {
      for (let i = 0; i < 50; i++) await tx.execute(result(ws, i));
      await tx.execute(sql`UPDATE check_results SET reason = 'still ok' WHERE workspace_id = ${ws}`);
    });
    expect(await versionOf(ws)).toBe(before + 1);
    await db.orm.execute(sql`DELETE FROM check_results WHERE workspace_id = ${ws} AND resource = 'r-0'`);
    expect(await versionOf(ws)).toBe(before + 2);
  });

  it('counts a write to each table the overview reads, and not one elsewhere, rolled back or read only', async () => {
    let v = await versionOf(ws);
    const writes = [
      sql`INSERT INTO findings (id, workspace_id, check_id, resource, controls, severity, title, reason, status, opened_at, due_at, updated_at)
          VALUES ('fnd_rc1', ${ws}, 'rc.check', 'r-1', ARRAY['RC-1'], 'high', 't', 'r', 'open', now(), now() + interval '30 days', now())`,
      sql`INSERT INTO sources (workspace_id, name, type) VALUES (${ws}, 'rc-src', 'okta')`,
      sql`INSERT INTO controls (workspace_id, id, title, description, area, owner_role, frequency, origin) VALUES (${ws}, 'RC-1', 't', 'd', 'access', 'IT', 'daily', 'yaml')`,
      sql`INSERT INTO control_requirements (workspace_id, control_id, framework, requirement_id, strength) VALUES (${ws}, 'RC-1', 'soc2', 'CC6.1', 'direct')`,
      sql`INSERT INTO setting_overrides (workspace_id, section, name, value) VALUES (${ws}, 'findings.sla', 'high', '"P20D"'::jsonb)`,
    ];
    for (const w of writes) {
      await db.orm.execute(w);
      expect(await versionOf(ws)).toBe(++v);
    }
    await db.orm.execute(sql`UPDATE findings SET status = 'resolved' WHERE workspace_id = ${ws}`);
    expect(await versionOf(ws)).toBe(++v);

    // Rolled back: nothing counted.
    await expect(
      db.orm.transaction(async (tx) => {
        await tx.execute(result(ws, 900));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    // Reads, and writes to tables the overview does not read (the evidence log, events): nothing.
    await db.orm.execute(sql`SELECT count(*) FROM findings WHERE workspace_id = ${ws}`);
    await db.orm.execute(sql`INSERT INTO event_cursors (workspace_id, source, stream, cursor) VALUES (${ws}, 'rc-src', 'rc', 'c1')`);
    expect(await versionOf(ws)).toBe(v);
    // The other workspace's version moves only with its own writes.
    const o = await versionOf(other);
    await db.orm.transaction(async (tx) => {
      await tx.execute(result(ws, 901));
      await tx.execute(result(other, 901));
    });
    expect([await versionOf(ws), await versionOf(other)]).toEqual([v + 1, o + 1]);
  });

  it('lets a workspace be deleted with its rows', async () => {
    const repo = createWorkspaceRepo(db.orm);
    const gone = (await repo.ensure('rc-gone', 'Gone')).id;
    await db.orm.execute(result(gone, 1));
    expect(await versionOf(gone)).toBeGreaterThan(0);
    await db.orm.execute(sql`DELETE FROM workspaces WHERE id = ${gone}`);
    expect(rowsOf(await db.orm.execute(sql`SELECT 1 FROM workspace_changes WHERE workspace_id = ${gone}`))).toEqual([]);
  });
});

describe(`read cache (${testDbKind()})`, () => {
  it('serves the kept answer while nothing changed, and computes again after a write or its expiry', async () => {
    const cache = createReadCache(db, ws, () => clock.now());
    let computed = 0;
    // Each answer holds for three hours of the clock.
    const compute = async () => ({ value: ++computed, validUntil: new Date(clock.now().getTime() + 3 * 3_600_000) });
    expect(await cache.get('k', compute)).toBe(1);
    expect(await cache.get('k', compute)).toBe(1);
    // Another key is kept apart.
    expect(await cache.get('k2', compute)).toBe(2);
    expect(await cache.get('k', compute)).toBe(1);

    // A write from another connection (another process) is seen by the next request.
    await db.orm.execute(result(ws, 100));
    expect(await cache.get('k', compute)).toBe(3);
    expect(await cache.get('k', compute)).toBe(3);

    // Its expiry passes: computed again, though nothing was written.
    clock.advance(3 * 3_600_000 - 1);
    expect(await cache.get('k', compute)).toBe(3);
    clock.advance(1);
    expect(await cache.get('k', compute)).toBe(4);
    expect(await cache.get('k', compute)).toBe(4);
  });

  it('computes once for requests that arrive together, and keeps no failed computation', async () => {
    const cache = createReadCache(db, ws, () => clock.now());
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async () => {
      computed++;
      await gate;
      return { value: 'answer', validUntil: null };
    };
    const all = Promise.all(Array.from({ length: 8 }, () => cache.get('burst', slow)));
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect(await all).toEqual(Array(8).fill('answer'));
    expect(computed).toBe(1);

    let tries = 0;
    const failing = async (): Promise<{ value: string; validUntil: null }> => {
      tries++;
      throw new Error('database went away');
    };
    await expect(cache.get('f', failing)).rejects.toThrow('database went away');
    await expect(cache.get('f', failing)).rejects.toThrow('database went away');
    expect(tries).toBe(2);
  });

  it('never keeps an answer computed while a write committed as current', async () => {
    const cache = createReadCache(db, ws, () => clock.now());
    let computed = 0;
    // The write commits after the version was read but before the computation ends.
    const racing = async () => {
      computed++;
      if (computed === 1) await db.orm.execute(result(ws, 200));
      return { value: computed, validUntil: null };
    };
    expect(await cache.get('race', racing)).toBe(1);
    expect(await cache.get('race', racing)).toBe(2);
    expect(await cache.get('race', racing)).toBe(2);
  });
});
