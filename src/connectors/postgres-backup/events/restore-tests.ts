/**
 * Restore tests: one event per collection — the backup restored (file, age at the test: the RPO
 * evidence), how long the restore took (the RTO evidence), and each table compared with the source.
 */
import { z } from 'zod';
import { defineEvents, type RunContext } from '../../sdk/index.ts';
import type { PostgresBackupConfig } from '../config.ts';
import { runRestoreTest } from '../restore-test.ts';

export const tableComparisonSchema = z.object({
  table: z.string().describe('schema.table'),
  sourceRows: z.number().int().describe('Rows in the source (in the dumped snapshot, in dump mode).'),
  restoredRows: z.number().int().nullable().describe('Rows in the restored table; null when the restore lacks the table.'),
  sourceChecksum: z.string().describe("md5 over the sorted md5s of the source rows' text."),
  restoredChecksum: z.string().nullable().describe('The same over the restored rows; null when the table is missing.'),
  match: z.boolean().describe('Same row count and checksum.'),
});

export type TableComparison = z.output<typeof tableComparisonSchema>;

export const restoreTestSchema = z.object({
  id: z.string().describe('`<host:port>/<database>@<time>`: unique per database and test.'),
  server: z.string().describe('host:port of the server holding the database and the scratch database.'),
  database: z.string().describe('The database whose backup was tested.'),
  mode: z.enum(['dump', 'folder']).describe('`dump`: Vigil took the backup now; `folder`: the newest file of the backup job was restored.'),
  backupFile: z.string().nullable().describe('File name of the backup restored; null when no backup was found.'),
  backupTakenAt: z.iso.datetime().nullable().describe('When the backup was taken (dump: its snapshot; folder: the file modification time).'),
  backupAgeSeconds: z.number().int().nullable().describe('Age of the backup at the test, in seconds: the data a restore now would lose (RPO evidence).'),
  backupBytes: z.number().int().nullable().describe('Size of the backup file in bytes.'),
  testedAt: z.iso.datetime().describe('When the test started (UTC).'),
  restoreSeconds: z.number().nullable().describe('How long pg_restore took, in seconds (RTO evidence); null when no restore was attempted.'),
  outcome: z.enum(['passed', 'failed']).describe('`passed`: restored, every table present (and, in dump mode, identical to the source snapshot).'),
  error: z.string().nullable().describe('Why the test failed: no backup, pg_restore errors, missing or differing tables, a timeout.'),
  exact: z.boolean().describe('Whether the comparison was against the very snapshot dumped (dump mode); in folder mode the source has moved on since the backup.'),
  tablesCompared: z.number().int().describe('Tables compared with the source.'),
  tablesDiffering: z.number().int().describe('Tables whose row count or checksum differs (or that are missing).'),
  tables: z.array(tableComparisonSchema).describe('Each table: rows and checksum in the source and in the restore.'),
});

export type RestoreTestRow = z.output<typeof restoreTestSchema>;

export const restoreTests = defineEvents({
  name: 'restore-tests',
  description: 'A restore of the latest backup into a scratch database, compared table by table with the source, with its backup age (RPO) and restore duration (RTO).',
  schema: restoreTestSchema,
  key: 'id',
  time: 'testedAt',
  async *list(ctx: RunContext<PostgresBackupConfig>) {
    const row = await runRestoreTest(ctx);
    yield { rows: [row], cursor: row.testedAt };
  },
});
