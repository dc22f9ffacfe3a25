import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreTestSchema } from '../../connectors/postgres-backup/events/restore-tests.ts';
import { seed, type Seeded } from '../access/hr-test-data.ts';
import { restoreTest } from './restore-test.ts';

let store: Seeded;
beforeAll(async () => {
  store = await seed({ slug: 'restore' });
});
afterAll(() => store.close());
let ws = 0;
const workspace = () => seed({ db: store.db, slug: `restore-${++ws}` });

/** A restore-test event as the postgres-backup connector writes it. */
function test(testedAt: string, over: Record<string, unknown> = {}) {
  const base = {
    id: `db.internal:5432/app@${testedAt}`,
    server: 'db.internal:5432',
    database: 'app',
    mode: 'folder',
    backupFile: 'nightly.dump',
    backupTakenAt: new Date(Date.parse(testedAt) - 6 * 3_600_000).toISOString(),
    backupAgeSeconds: 6 * 3600,
    backupBytes: 123_456,
    testedAt,
    restoreSeconds: 95.2,
    outcome: 'passed',
    error: null,
    exact: false,
    tablesCompared: 12,
    tablesDiffering: 0,
    tables: [],
  };
  return restoreTestSchema.parse({ ...base, ...over });
}

const put = (s: Seeded, rows: Record<string, unknown>[]) => s.putEvents('postgres-backup.restore-tests', 'app-restore', 'id', 'testedAt', rows);
const NOW = '2026-06-01T12:00:00Z';

describe('backup.restore-test', () => {
  it('passes a database whose latest test restored within RTO and RPO, naming both', async () => {
    const s = await workspace();
    await put(s, [test('2026-05-01T03:00:00.000Z')]);
    const [r] = await s.run(restoreTest, NOW);
    expect(r).toMatchObject({
      resource: 'postgres-backup.restore-tests/db.internal:5432/app',
      status: 'pass',
      source: 'app-restore',
      reason: 'app on db.internal:5432: restored nightly.dump (6 h old) in 2 min on 2026-05-01 03:00 UTC; 12 tables present — within the 4 h RTO and 1 d RPO',
      evidence: ['ev-postgres-backup.restore-tests-db.internal:5432/app@2026-05-01T03:00:00.000Z'],
    });
    expect(r!.details).toMatchObject({ latestOutcome: 'passed', restoreSeconds: 95.2, backupAgeSeconds: 21600, rtoSeconds: 14400, rpoSeconds: 86400 });
  });

  it('fails a corrupt latest backup even after earlier passes, with the reason pg_restore gave', async () => {
    const s = await workspace();
    await put(s, [test('2026-04-01T03:00:00.000Z'), test('2026-05-01T03:00:00.000Z', { outcome: 'failed', error: 'pg_restore failed (exit 1): pg_restore: error: could not read from input file: end of file', restoreSeconds: 0.4, tablesCompared: 0 })]);
    const [r] = await s.run(restoreTest, NOW);
    expect(r!.status).toBe('fail');
    expect(r!.reason).toBe('app on db.internal:5432: the latest restore test (2026-05-01 03:00 UTC) failed: pg_restore failed (exit 1): pg_restore: error: could not read from input file: end of file');
    expect(r!.status === 'fail' && r!.remediation).toBe('find out why nightly.dump does not restore cleanly, fix the backup job, and run the restore test again.');
    expect(r!.evidence).toHaveLength(2);
  });

  it('fails a backup older than the RPO and a restore slower than the RTO; the boundaries themselves pass', async () => {
    const s = await workspace();
    await put(s, [test('2026-05-01T03:00:00.000Z', { backupAgeSeconds: 86_401, backupTakenAt: '2026-04-30T02:59:59.000Z', restoreSeconds: 14_401 })]);
    const [r] = await s.run(restoreTest, NOW);
    expect(r!.reason).toBe(
      'app on db.internal:5432: the restore took 4 h, 1 s beyond the 4 h RTO; the backup restored (nightly.dump, taken 2026-04-30 02:59 UTC) was 1 d old, 1 s beyond the 1 d RPO',
    );
    const edge = await workspace();
    await put(edge, [test('2026-05-01T03:00:00.000Z', { backupAgeSeconds: 86_400, restoreSeconds: 14_400 })]);
    expect((await edge.run(restoreTest, NOW))[0]!.status).toBe('pass');
  });

  it('fails when the last successful test is older than the interval, and when none ever passed', async () => {
    const s = await workspace();
    await put(s, [test('2025-05-31T12:00:00.000Z')]);
    expect((await s.run(restoreTest, '2026-05-31T12:00:00Z'))[0]!.status).toBe('pass');
    const [late] = await s.run(restoreTest, '2026-05-31T12:00:01Z');
    expect(late!.reason).toBe('app on db.internal:5432: the last successful restore test was 365 d ago (2025-05-31 12:00 UTC), more than the 365 d allowed');
    const never = await workspace();
    await put(never, [test('2026-05-01T03:00:00.000Z', { outcome: 'failed', error: 'no backup file matching /\\.dump$/ in /backups', backupFile: null, backupTakenAt: null, backupAgeSeconds: null, restoreSeconds: null, tablesCompared: 0 })]);
    const [r] = await never.run(restoreTest, NOW);
    expect(r!.reason).toBe('app on db.internal:5432: the latest restore test (2026-05-01 03:00 UTC) failed: no backup file matching /\\.dump$/ in /backups; no restore test has ever passed');
    expect(r!.status === 'fail' && r!.remediation).toContain('make the backup job write its files where the restore test looks');
  });

  it('judges each database on its own, and only tests up to now', async () => {
    const s = await workspace();
    await put(s, [test('2026-05-01T03:00:00.000Z'), test('2026-05-02T03:00:00.000Z', { id: 'db.internal:5432/billing@x', database: 'billing', outcome: 'failed', error: 'the restored database lacks 1 of 3 tables: public.invoices' }), test('2026-07-01T03:00:00.000Z', { outcome: 'failed', error: 'in the future' })]);
    const results = await s.run(restoreTest, NOW);
    expect(results.map((r) => [r.resource, r.status])).toEqual([
      ['postgres-backup.restore-tests/db.internal:5432/app', 'pass'],
      ['postgres-backup.restore-tests/db.internal:5432/billing', 'fail'],
    ]);
  });
});
