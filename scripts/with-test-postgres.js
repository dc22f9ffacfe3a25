#!/usr/bin/env node
// Runs a command with TEST_DATABASE_URL pointing at a throwaway database on the local PostgreSQL
// server (PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards.
// Test files create their own databases beside it, so parallel test files never share one.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const admin = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `vigil_run_${randomBytes(4).toString('hex')}`;
const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: with-test-postgres.js <command> [args…]');
  process.exit(2);
}

async function sql(text) {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

try {
  await sql(`CREATE DATABASE ${name}`);
} catch (e) {
  console.error(`cannot create a test database on ${admin.replace(/:[^:@/]*@/, ':***@')}: ${e.message}`);
  console.error('is PostgreSQL running? (pg_ctlcluster <version> main start)');
  process.exit(6);
}
const url = new URL(admin);
url.pathname = `/${name}`;
console.error(`TEST_DATABASE_URL=${url} (throwaway)`);
const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, TEST_DATABASE_URL: url.toString() }, shell: false });
const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
try {
  await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  // Test files drop their own databases; clean up any a crashed run left behind.
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  const { rows } = await c.query(
    `SELECT datname FROM pg_database WHERE datname LIKE 'vigil_t_%' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = pg_database.datname)`,
  );
  for (const r of rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
  await c.end();
} catch (e) {
  console.error(`warning: could not drop ${name}: ${e.message}`);
}
process.exit(code);
