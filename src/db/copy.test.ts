import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from './client.ts';
import { copyBytea, copyInto, copyText } from './copy.ts';
import { createTestDb, testDbKind, type TestDb } from './testing.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  await db.query('CREATE TABLE copy_t (k int PRIMARY KEY, t text, b bytea)');
});
afterAll(async () => {
  await db?.close();
});

const line = (k: number, t: string | null, b: Uint8Array) => `${k}\t${t === null ? '\\N' : copyText(t)}\t${copyBytea(b)}\n`;

describe(`COPY on the executor's connection (${testDbKind()})`, () => {
  it('loads rows exactly, whatever the text holds', async () => {
    const tricky = 'tab\there, newline\nthere, cr\r, backslash \\ and \\N, "quotes", é 😀';
    await copyInto(db.orm, 'copy_t (k, t, b)', line(1, tricky, Buffer.from([0, 1, 0xfe, 0xff])) + line(2, null, Buffer.alloc(0)));
    const rows = await db.query<{ k: number; t: string | null; b: Uint8Array }>('SELECT k, t, b FROM copy_t WHERE k IN (1, 2) ORDER BY k');
    expect(rows.map((r) => [r.k, r.t, Buffer.from(r.b).toString('hex')])).toEqual([
      [1, tricky, '0001feff'],
      [2, null, ''],
    ]);
  });

  it('runs inside the caller’s transaction: rolled back with it, or committed with it', async () => {
    await expect(
      db.orm.transaction(async (tx) => {
        await copyInto(tx, 'copy_t (k, t, b)', line(10, 'rolled back', Buffer.from('x')));
        expect(rowsOf<{ n: number }>(await tx.execute(sql`SELECT count(*)::int AS n FROM copy_t WHERE k = 10`))).toEqual([{ n: 1 }]);
        throw new Error('caller failed');
      }),
    ).rejects.toThrow('caller failed');
    expect(await db.query('SELECT k FROM copy_t WHERE k = 10')).toEqual([]);
    await db.orm.transaction((tx) => copyInto(tx, 'copy_t (k, t, b)', line(11, 'kept', Buffer.from('y'))));
    expect(await db.query('SELECT t FROM copy_t WHERE k = 11')).toEqual([{ t: 'kept' }]);
  });

  it('fails the statement on a bad row, naming the problem', async () => {
    await expect(copyInto(db.orm, 'copy_t (k, t, b)', 'not-a-number\tx\t\\\\x00\n')).rejects.toThrow(/integer/);
    await expect(copyInto(db.orm, 'copy_t (k, t, b)', line(1, 'duplicate key', Buffer.alloc(0)))).rejects.toThrow(/duplicate key|unique/);
  });

  it('refuses a target that is not "table (columns)"', async () => {
    await expect(copyInto(db.orm, 'copy_t; DROP TABLE copy_t', '')).rejects.toThrow(/COPY target must be/);
  });
});
