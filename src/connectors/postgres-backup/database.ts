/**
 * What the restore test asks of the server, through the `pg` client: connect (errors mapped to
 * Vigil's tags), list the tables, checksum each table, and create and drop the scratch database.
 *
 * A table's checksum is the md5 of the md5s of its rows' text, sorted — independent of physical
 * order, so a restored table with the same rows gives the same sum. Row text depends on session
 * settings (time zone, date and float formats), so both sides use the same ones.
 */
import pg from 'pg';
import { VigilError } from '../../lib/errors.ts';

export interface TableSum {
  table: string;
  rows: number;
  checksum: string;
}

const SESSION = [
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'postgres'",
  'SET extra_float_digits = 1',
  "SET bytea_output = 'hex'",
];

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

function mapConnectError(e: unknown, where: string): unknown {
  const code = (e as { code?: string }).code;
  const message = (e as Error).message;
  if (code === '28P01' || code === '28000') {
    return new VigilError('AuthFailed', `PostgreSQL refused the login: ${message}`, { where, hint: 'check the user and password in connectionString', cause: e });
  }
  if (code === '3D000') return new VigilError('InvalidConfig', `the database does not exist: ${message}`, { where, hint: 'check the database name in connectionString', cause: e });
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'EAI_AGAIN') {
    return new VigilError('Unreachable', `could not connect to PostgreSQL: ${message}`, { where, hint: 'check the host and port in connectionString and that the server is running', cause: e });
  }
  return e;
}

export async function connect(connectionString: string, where: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 15_000 });
  // A connection lost mid-test surfaces on the query that needed it; an unhandled 'error' would crash.
  client.on('error', () => {});
  try {
    await client.connect();
    for (const s of SESSION) await client.query(s);
    return client;
  } catch (e) {
    await client.end().catch(() => {});
    throw mapConnectError(e, where);
  }
}

export async function listTables(client: pg.Client, schemas: readonly string[]): Promise<string[]> {
  const r = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        AND (cardinality($1::text[]) = 0 OR n.nspname = ANY($1::text[]))
      ORDER BY 1, 2`,
    [schemas],
  );
  return r.rows.map((t) => `${t.schema}.${t.name}`);
}

const ident = (table: string) => {
  const dot = table.indexOf('.');
  return `${quoteIdent(table.slice(0, dot))}.${quoteIdent(table.slice(dot + 1))}`;
};

export async function tableSums(client: pg.Client, tables: readonly string[]): Promise<TableSum[]> {
  const out: TableSum[] = [];
  for (const table of tables) {
    const r = await client.query<{ n: string; sum: string }>(
      `SELECT count(*)::text AS n, md5(coalesce(string_agg(h, '' ORDER BY h), '')) AS sum
         FROM (SELECT md5(t::text) AS h FROM ONLY ${ident(table)} t) x`,
    );
    out.push({ table, rows: Number(r.rows[0]!.n), checksum: r.rows[0]!.sum });
  }
  return out;
}

export async function canCreateDatabases(client: pg.Client): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>('SELECT rolcreatedb OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user');
  return r.rows[0]?.ok === true;
}

export const noCreateDb = (where: string, said: string, cause?: unknown) =>
  new VigilError('PermissionDenied', 'the user may not create the scratch database to restore into', {
    where,
    hint: 'grant CREATEDB to the user in connectionString (ALTER ROLE … CREATEDB); the scratch database is dropped after every test',
    details: { providerMessage: said },
    cause,
  });

export async function createScratch(client: pg.Client, name: string, where: string): Promise<void> {
  try {
    // template0: a clean database, so nothing added to template1 collides with what the dump creates.
    await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
  } catch (e) {
    if ((e as { code?: string }).code === '42501') throw noCreateDb(where, (e as Error).message, e);
    throw e;
  }
}

export async function dropScratch(client: pg.Client, name: string): Promise<void> {
  // FORCE ends sessions a crashed restore left behind (PostgreSQL 13+); older servers get the plain form.
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } catch (e) {
    if ((e as { code?: string }).code !== '42601') throw e;
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  }
}
