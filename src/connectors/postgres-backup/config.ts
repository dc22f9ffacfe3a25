/**
 * What a user writes under `config:` for a PostgreSQL restore-test source: the database, whether
 * Vigil takes the backup itself (pg_dump) or restores the newest file from the folder your backup
 * job writes to, and the client programs to use.
 */
import { z } from 'zod';
import { secret } from '../sdk/index.ts';

export const configSchema = z
  .strictObject({
    connectionString: secret(
      'The database to test, as postgres://user:password@host:5432/dbname (sslmode and other libpq parameters as query parameters). The user needs read access to every table and CREATEDB, to create and drop the scratch database on the same server.',
    ).refine((s) => /^postgres(ql)?:\/\//.test(s), 'a postgres:// or postgresql:// URL'),
    mode: z
      .enum(['dump', 'folder'])
      .default('dump')
      .describe('`dump`: take a backup now with pg_dump (custom format) and restore it. `folder`: restore the newest backup file in `folder`, as your backup job wrote it.'),
    folder: z.string().min(1).optional().describe('For `folder` mode: the folder holding the backup files (pg_dump custom or directory-less archives).'),
    match: z
      .string()
      .default('\\.(dump|backup|pgdump|custom)$')
      .refine((s) => {
        try {
          new RegExp(s);
          return true;
        } catch {
          return false;
        }
      }, 'a valid regular expression')
      .describe('For `folder` mode: a regular expression file names must match; the newest match (by modification time) is restored.'),
    keepDumpIn: z
      .string()
      .min(1)
      .optional()
      .describe('For `dump` mode: a folder to keep each dump in (named <database>-<time>.dump); by default the dump is deleted after the test.'),
    schemas: z.array(z.string().min(1)).default([]).describe('Only these schemas are dumped and compared; empty means every schema except the system ones.'),
    pgDump: z.string().min(1).default('pg_dump').describe('The pg_dump program: a name looked up on PATH, or a path. Use a version at least as new as the server.'),
    pgRestore: z.string().min(1).default('pg_restore').describe('The pg_restore program: a name looked up on PATH, or a path.'),
    scratchPrefix: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,30}$/, 'lower-case letters, digits and _, starting with a letter or _')
      .default('vigil_restore_')
      .describe('Name prefix of the scratch database (a time and a random suffix follow); it is dropped after every test.'),
    timeoutMinutes: z.number().int().min(1).max(24 * 60).default(60).describe('Give up on a dump or restore that takes longer; the test then fails.'),
  })
  .superRefine((c, ctx) => {
    if (c.mode === 'folder' && !c.folder) ctx.addIssue({ code: 'custom', path: ['folder'], message: 'folder mode needs the folder the backup job writes to' });
    if (c.mode === 'dump' && c.folder) ctx.addIssue({ code: 'custom', path: ['folder'], message: 'folder is for folder mode; set mode: folder, or remove it' });
  });

export type PostgresBackupConfig = z.output<typeof configSchema>;
