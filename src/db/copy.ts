/**
 * Bulk load with COPY on the connection behind an `Executor` — the database or an open
 * transaction — so a COPY joins the caller's transaction like any other statement. Each driver
 * streams COPY its own way: node-postgres through pg-copy-streams (`COPY … FROM STDIN`), PGlite
 * through a Blob given with the query (`COPY … FROM '/dev/blob'`).
 *
 * The payload is COPY's text format: one row per line, columns separated by tabs, `\N` for NULL;
 * `copyText` escapes a value for it.
 */
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { VigilError } from '../lib/errors.ts';
import type { Executor } from './client.ts';

interface PgliteLike {
  query(text: string, params: unknown[], options: { blob: Blob }): Promise<unknown>;
}

/** The driver connection a drizzle database or transaction runs its queries on. */
function connectionOf(ex: Executor): unknown {
  // drizzle keeps it on its session (`client`: a pg Pool or PoolClient, a PGlite or a PGlite
  // transaction); it is not part of drizzle's typed API, hence the cast.
  return (ex as unknown as { session?: { client?: unknown } }).session?.client;
}

const TARGET = /^[a-z_][a-z0-9_]*\s*\(\s*[a-z_][a-z0-9_]*(\s*,\s*[a-z_][a-z0-9_]*)*\s*\)$/;

/**
 * COPY `payload` (text format) into `target`, e.g. `evidence_records (workspace_id, leaf_index)`,
 * on the executor's connection: inside its transaction when it is one.
 */
export async function copyInto(ex: Executor, target: string, payload: string): Promise<void> {
  if (!TARGET.test(target)) throw new VigilError('Internal', `COPY target must be "table (column, …)" in lower case, got "${target}"`, { where: 'copyInto' });
  const conn = connectionOf(ex);
  if (conn instanceof pg.Pool) {
    const client = await conn.connect();
    try {
      await copyStream(client, target, payload);
    } finally {
      client.release();
    }
    return;
  }
  if (conn instanceof pg.Client) {
    await copyStream(conn, target, payload);
    return;
  }
  if (conn && typeof (conn as PgliteLike).query === 'function') {
    await (conn as PgliteLike).query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([payload]) });
    return;
  }
  throw new VigilError('Internal', 'cannot COPY: the executor has no PostgreSQL or PGlite connection behind it', { where: 'copyInto' });
}

async function copyStream(client: pg.ClientBase, target: string, payload: string): Promise<void> {
  const stream = client.query(copyStreams.from(`COPY ${target} FROM STDIN`));
  await pipeline(async function* () {
    yield Buffer.from(payload, 'utf8');
  }, stream as unknown as Writable);
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A text value as COPY's text format writes it: backslash, tab, newline and carriage return escaped. */
export function copyText(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A bytea value for COPY's text format (hex input form, its backslash escaped). */
export const copyBytea = (bytes: Uint8Array): string => `\\\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
