/**
 * The restore test against the PostgreSQL server on this machine: real pg_dump, pg_restore and
 * scratch databases (skipped, loudly, only when no server answers outside CI).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { isVigilError, type VigilError } from '../../lib/errors.ts';
import { createRunContext, readEvents, runTestConnection, type LogEntry } from '../sdk/index.ts';
import { assertEveryFieldDescribed } from '../sdk/testing/index.ts';
import { restoreTestSchema, type RestoreTestRow } from './events/restore-tests.ts';
import { postgresBackup } from './index.ts';
import { PG_ADMIN_URL, createSourceDb, leftoverScratch, localPostgresAvailable, sql, type SourceDb } from './local-pg.testing.ts';
import { targetOf } from './tools.ts';

const available = await localPostgresAvailable();
if (!available) console.warn(`postgres-backup: no PostgreSQL server at ${PG_ADMIN_URL}; the restore tests are skipped`);

const PREFIX = `vigil_rt_${process.pid}_`;
const NOW = new Date('2026-03-01T12:00:00Z');
let source: SourceDb;
const dir = mkdtempSync(join(tmpdir(), 'vigil-restore-test-'));

beforeAll(async () => {
  if (available) source = await createSourceDb();
});
afterAll(async () => {
  await source?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function test(config: Record<string, unknown>, logs: LogEntry[] = []): Promise<RestoreTestRow> {
  const ctx = createRunContext({ connector: postgresBackup, config: { connectionString: source.url, scratchPrefix: PREFIX, ...config }, clock: fixedClock(NOW), onLog: (e) => logs.push(e) });
  const rows: RestoreTestRow[] = [];
  const outcome = await readEvents(ctx, postgresBackup.events[0]!, null, (p) => void rows.push(...(p.rows as RestoreTestRow[])));
  expect(outcome).toMatchObject({ status: 'complete', rows: 1, cursor: NOW.toISOString() });
  expect(restoreTestSchema.safeParse(rows[0]).success).toBe(true);
  expect(await leftoverScratch(PREFIX)).toEqual([]);
  return rows[0]!;
}

describe('postgres-backup: the schema and config', () => {
  it('describes every field, and passes the connection to the tools through libpq variables', () => {
    assertEveryFieldDescribed(postgresBackup.configSchema, 'config');
    assertEveryFieldDescribed(restoreTestSchema, 'restore-tests');
    expect(targetOf('postgres://us%40er:p%3Ass@db.internal:5433/my%20db?sslmode=require')).toEqual({
      server: 'db.internal:5433',
      database: 'my db',
      env: { PGHOST: 'db.internal', PGPORT: '5433', PGUSER: 'us@er', PGPASSWORD: 'p:ss', PGDATABASE: 'my db', PGSSLMODE: 'require' },
    });
  });

  it('refuses folder mode without a folder and a connection string that is not a postgres URL', () => {
    expect(() => createRunContext({ connector: postgresBackup, config: { connectionString: 'postgres://u@h/db', mode: 'folder' } })).toThrow(/folder: folder mode needs the folder/);
    expect(() => createRunContext({ connector: postgresBackup, config: { connectionString: 'mysql://u@h/db' } })).toThrow(/connectionString: a postgres:\/\/ or postgresql:\/\/ URL/);
  });
});

describe.skipIf(!available)('postgres-backup: restore tests on the local server', () => {
  it('dumps, restores into a scratch database and finds every table identical to the dumped snapshot', async () => {
    const keep = join(dir, 'kept');
    rmSync(keep, { recursive: true, force: true });
    mkdirSync(keep);
    const row = await test({ keepDumpIn: keep });
    expect(row).toMatchObject({
      server: '127.0.0.1:5432',
      database: source.name,
      mode: 'dump',
      backupFile: `${source.name}-20260301120000.dump`,
      backupTakenAt: NOW.toISOString(),
      backupAgeSeconds: 0,
      testedAt: NOW.toISOString(),
      outcome: 'passed',
      error: null,
      exact: true,
      tablesCompared: 3,
      tablesDiffering: 0,
    });
    expect(row.restoreSeconds).toBeGreaterThan(0);
    expect(row.backupBytes).toBeGreaterThan(1000);
    expect(row.tables.map((t) => [t.table, t.sourceRows, t.restoredRows, t.match])).toEqual([
      ['ledger.entries', 3, 3, true],
      ['public.events_no_pk', 3, 3, true],
      ['public.items', 201, 201, true],
    ]);
    expect(row.tables.every((t) => /^[0-9a-f]{32}$/.test(t.sourceChecksum) && t.restoredChecksum === t.sourceChecksum)).toBe(true);
    expect(readdirSync(keep)).toEqual([row.backupFile]);
  });

  it('compares only the configured schemas', async () => {
    const row = await test({ schemas: ['ledger'] });
    expect(row.tables.map((t) => t.table)).toEqual(['ledger.entries']);
    expect(row.outcome).toBe('passed');
  });

  it("restores the backup job's newest file, records its age, and reports (without failing on) rows added since", async () => {
    const folder = join(dir, 'jobs');
    mkdirSync(folder, { recursive: true });
    const kept = join(dir, 'kept');
    const dump = readdirSync(kept)[0]!;
    copyFileSync(join(kept, dump), join(folder, 'nightly-2026-02-26.dump'));
    copyFileSync(join(kept, dump), join(folder, 'nightly-2026-02-27.dump'));
    writeFileSync(join(folder, 'README.txt'), 'not a backup');
    const old = new Date('2026-02-26T02:00:00Z');
    const newer = new Date('2026-02-27T02:00:00Z');
    utimesSync(join(folder, 'nightly-2026-02-26.dump'), old, old);
    utimesSync(join(folder, 'nightly-2026-02-27.dump'), newer, newer);
    utimesSync(join(folder, 'README.txt'), NOW, NOW);
    await sql(source.url, "INSERT INTO items (name, created) VALUES ('added after the backup', now())");
    const row = await test({ mode: 'folder', folder });
    expect(row).toMatchObject({
      mode: 'folder',
      backupFile: 'nightly-2026-02-27.dump',
      backupTakenAt: '2026-02-27T02:00:00.000Z',
      backupAgeSeconds: 2 * 86_400 + 10 * 3600,
      outcome: 'passed',
      exact: false,
      tablesDiffering: 1,
    });
    expect(row.tables.find((t) => t.table === 'public.items')).toMatchObject({ sourceRows: 202, restoredRows: 201, match: false });
  });

  it('fails a corrupt backup file with what pg_restore said, and still drops the scratch database', async () => {
    const folder = join(dir, 'corrupt');
    mkdirSync(folder, { recursive: true });
    const good = readFileSync(join(dir, 'kept', readdirSync(join(dir, 'kept'))[0]!));
    writeFileSync(join(folder, 'nightly.dump'), good.subarray(0, Math.floor(good.length / 2)));
    const logs: LogEntry[] = [];
    const row = await test({ mode: 'folder', folder }, logs);
    expect(row).toMatchObject({ outcome: 'failed', backupFile: 'nightly.dump', tablesCompared: 0 });
    expect(row.error).toMatch(/^pg_restore failed \(exit 1\): pg_restore: error: /);
    expect(logs.some((l) => l.level === 'warn' && l.message.startsWith('restore test of nightly.dump failed: pg_restore failed'))).toBe(true);
    writeFileSync(join(folder, 'nightly.dump'), 'PGDMP but not really a dump');
    expect((await test({ mode: 'folder', folder })).error).toMatch(/^pg_restore failed \(exit 1\): pg_restore: error: (unsupported version|input file|.*archive)/);
  });

  it('fails when the folder holds no backup at all', async () => {
    const folder = join(dir, 'empty');
    mkdirSync(folder, { recursive: true });
    const row = await test({ mode: 'folder', folder });
    expect(row).toMatchObject({ outcome: 'failed', backupFile: null, backupAgeSeconds: null, restoreSeconds: null, error: `no backup file matching /\\.(dump|backup|pgdump|custom)$/ in ${folder}` });
  });

  it('fails the collection clearly when pg_dump is missing, and when the folder does not exist', async () => {
    const ctx = createRunContext({ connector: postgresBackup, config: { connectionString: source.url, pgDump: '/nonexistent/bin/pg_dump', scratchPrefix: PREFIX } });
    const e = (await readEvents(ctx, postgresBackup.events[0]!, null, () => {}).catch((x: unknown) => x)) as VigilError;
    expect(isVigilError(e) && e._tag).toBe('InvalidConfig');
    expect(e.message).toBe('/nonexistent/bin/pg_dump was not found');
    expect(e.hint).toContain('postgresql-client');
    const noFolder = createRunContext({ connector: postgresBackup, config: { connectionString: source.url, mode: 'folder', folder: join(dir, 'nope') } });
    const f = (await readEvents(noFolder, postgresBackup.events[0]!, null, () => {}).catch((x: unknown) => x)) as VigilError;
    expect(f.message).toBe('the backup folder does not exist');
  });

  it('tests the connection: server version, the tools, and whether the scratch database may be created', async () => {
    const info = await runTestConnection(createRunContext({ connector: postgresBackup, config: { connectionString: source.url } }));
    expect(info.summary).toMatch(new RegExp(`^connected to ${source.name} on 127\\.0\\.0\\.1:5432 \\(PostgreSQL \\d+[.\\d]*.*\\); pg_dump \\(PostgreSQL\\) .*, pg_restore \\(PostgreSQL\\) .*; may create the scratch database$`));
    const role = `vigil_nocreatedb_${process.pid}`;
    await sql(PG_ADMIN_URL, `CREATE ROLE ${role} LOGIN PASSWORD 'rt-pass-6b1e0f'`);
    try {
      await sql(source.url, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
      const url = new URL(source.url);
      url.username = role;
      url.password = 'rt-pass-6b1e0f';
      const limited = createRunContext({ connector: postgresBackup, config: { connectionString: url.toString(), schemas: ['public'], scratchPrefix: PREFIX } });
      expect((await runTestConnection(limited)).summary).toContain('may NOT create the scratch database: grant CREATEDB');
      const outcome = await readEvents(limited, postgresBackup.events[0]!, null, () => {});
      expect(outcome.status).toBe('permission_missing');
      expect(limited.gaps()).toEqual([expect.objectContaining({ kind: 'permission_missing', what: 'restore-tests', message: 'the role lacks CREATEDB' })]);
      // With CREATEDB, what the role may not read stops the dump: a missing permission too.
      await sql(PG_ADMIN_URL, `ALTER ROLE ${role} CREATEDB`);
      const dumping = createRunContext({ connector: postgresBackup, config: { connectionString: url.toString(), schemas: ['public'], scratchPrefix: PREFIX } });
      expect((await readEvents(dumping, postgresBackup.events[0]!, null, () => {})).status).toBe('permission_missing');
      expect(dumping.gaps()[0]!.message).toContain('permission denied for sequence items_id_seq');
      expect(JSON.stringify([limited.gaps(), dumping.gaps()])).not.toContain('rt-pass-6b1e0f');
    } finally {
      await sql(source.url, `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
      await sql(PG_ADMIN_URL, `DROP ROLE ${role}`);
    }
  });
});
