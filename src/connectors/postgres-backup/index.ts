/**
 * PostgreSQL restore test: on its schedule, restore the latest backup of a database into a scratch
 * database on the same server and prove the data came back — the evidence a backup control needs
 * and a backup job's "success" alone does not give.
 */
import { defineConnector } from '../sdk/index.ts';
import { configSchema } from './config.ts';
import { canCreateDatabases, connect } from './database.ts';
import { restoreTests } from './events/restore-tests.ts';
import { targetOf, toolVersion } from './tools.ts';

export const postgresBackup = defineConnector({
  id: 'postgres-backup',
  title: 'PostgreSQL restore test',
  description: 'Restores the latest backup of a PostgreSQL database (taken with pg_dump, or the newest file of your backup job) into a scratch database and compares every table with the source, recording backup age (RPO) and restore time (RTO).',
  configSchema,
  auth: {
    description: 'A PostgreSQL login in the connection string (password, or libpq parameters for TLS). pg_dump and pg_restore receive it through libpq environment variables, never on the command line.',
    permissions: ['CONNECT and SELECT on every table of the database (pg_read_all_data covers it)', 'CREATEDB, to create and drop the scratch database'],
  },
  async testConnection(ctx) {
    const target = targetOf(ctx.config.connectionString);
    const where = `database ${target.database} on ${target.server}`;
    const tools = [ctx.config.mode === 'dump' ? await toolVersion(ctx.config.pgDump, ctx.signal) : null, await toolVersion(ctx.config.pgRestore, ctx.signal)].filter(Boolean);
    const client = await connect(ctx.config.connectionString, where);
    try {
      const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
      const createdb = await canCreateDatabases(client);
      return {
        summary: `connected to ${target.database} on ${target.server} (PostgreSQL ${version}); ${tools.join(', ')}; ${createdb ? 'may create the scratch database' : 'may NOT create the scratch database: grant CREATEDB'}`,
        details: { server: target.server, database: target.database, serverVersion: version, createdb },
      };
    } finally {
      await client.end().catch(() => {});
    }
  },
  resources: [],
  events: [restoreTests],
});

export default postgresBackup;
