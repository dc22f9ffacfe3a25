/**
 * The restore test end to end on this machine's PostgreSQL server: the postgres-backup connector
 * restores real backups into scratch databases, and backup.restore-test judges what it recorded —
 * passing a good, fresh backup, and failing visibly a corrupt one and one older than the RPO.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { postgresBackup } from '../../connectors/postgres-backup/index.ts';
import { PG_ADMIN_URL, createSourceDb, localPostgresAvailable, type SourceDb } from '../../connectors/postgres-backup/local-pg.testing.ts';
import { createRunContext, readEvents, type Row } from '../../connectors/sdk/index.ts';
import { seed, type Seeded } from '../access/hr-test-data.ts';
import { restoreTest } from './restore-test.ts';

const available = await localPostgresAvailable();
if (!available) console.warn(`backup.restore-test: no PostgreSQL server at ${PG_ADMIN_URL}; the end-to-end restore tests are skipped`);

const NOW = '2026-06-01T12:00:00Z';
const dir = mkdtempSync(join(tmpdir(), 'vigil-restore-check-'));
let source: SourceDb;
let store: Seeded;
let ws = 0;

beforeAll(async () => {
  if (!available) return;
  source = await createSourceDb();
  store = await seed({ slug: 'restore-e2e' });
});
afterAll(async () => {
  await source?.drop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Run one restore test with the connector and judge it in a fresh workspace. */
async function testAndJudge(config: Record<string, unknown>) {
  const ctx = createRunContext({ connector: postgresBackup, config: { connectionString: source.url, scratchPrefix: `vigil_rc_${process.pid}_`, ...config }, clock: fixedClock(NOW) });
  const rows: Row[] = [];
  await readEvents(ctx, postgresBackup.events[0]!, null, (p) => void rows.push(...p.rows));
  const s = await seed({ db: store.db, slug: `restore-e2e-${++ws}` });
  await s.putEvents('postgres-backup.restore-tests', 'app-db', 'id', 'testedAt', rows);
  const [result] = await s.run(restoreTest, NOW);
  return { row: rows[0]!, result: result! };
}

describe.skipIf(!available)('backup.restore-test over real restores on the local PostgreSQL', () => {
  it('passes a fresh dump restored identically, recording its restore time and a zero backup age', async () => {
    mkdirSync(join(dir, 'kept'));
    const { row, result } = await testAndJudge({ keepDumpIn: join(dir, 'kept') });
    expect(row).toMatchObject({ outcome: 'passed', backupAgeSeconds: 0, tablesCompared: 3, tablesDiffering: 0, exact: true });
    expect(row.restoreSeconds as number).toBeGreaterThan(0);
    expect(result.status).toBe('pass');
    expect(result.reason).toMatch(new RegExp(`^${source.name} on 127\\.0\\.0\\.1:5432: restored ${source.name}-20260601120000\\.dump \\(0 min old\\) in \\d+ min on 2026-06-01 12:00 UTC; 3 tables identical to the source — within the 4 h RTO and 1 d RPO$`));
    expect(result.details).toMatchObject({ restoreSeconds: row.restoreSeconds, backupAgeSeconds: 0 });
  });

  it('fails a backup older than the RPO, although it restores', async () => {
    const folder = join(dir, 'old');
    mkdirSync(folder);
    copyFileSync(join(dir, 'kept', readdirSync(join(dir, 'kept'))[0]!), join(folder, 'nightly.dump'));
    const taken = new Date('2026-05-29T01:00:00Z');
    utimesSync(join(folder, 'nightly.dump'), taken, taken);
    const { row, result } = await testAndJudge({ mode: 'folder', folder });
    expect(row).toMatchObject({ outcome: 'passed', backupAgeSeconds: 3 * 86_400 + 11 * 3600 });
    expect(result.status).toBe('fail');
    expect(result.reason).toBe(`${source.name} on 127.0.0.1:5432: the backup restored (nightly.dump, taken 2026-05-29 01:00 UTC) was 3 d 11 h old, 2 d 11 h beyond the 1 d RPO`);
  });

  it('fails a corrupt backup with what pg_restore said', async () => {
    const folder = join(dir, 'corrupt');
    mkdirSync(folder);
    const good = readFileSync(join(dir, 'kept', readdirSync(join(dir, 'kept'))[0]!));
    writeFileSync(join(folder, 'nightly.dump'), good.subarray(0, good.length - 200));
    const { row, result } = await testAndJudge({ mode: 'folder', folder });
    expect(row.outcome).toBe('failed');
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(new RegExp(`^${source.name} on 127\\.0\\.0\\.1:5432: the latest restore test \\(2026-06-01 12:00 UTC\\) failed: pg_restore failed \\(exit 1\\): pg_restore: error: .+; no restore test has ever passed$`));
  });
});
