/**
 * Answers computed once and served until what they show changes: the overview reads five
 * frameworks' coverage, every check's status, the findings and 90 days of trend, which costs tens
 * of milliseconds, while it changes only when an evaluation, a finding, a source, a control or a
 * setting does — or when the clock passes a day or an SLA boundary.
 *
 * An entry is kept under the workspace's change version (`workspace_changes`, counted by the
 * database at the commit of every transaction that writes what the overview reads, migration 0015)
 * and until the instant its computation said it expires. Each request reads the version (one
 * primary-key probe) before using an entry, so a write committed by any process — another server,
 * a worker, the CLI — is seen by the next request. The version is read before computing: an answer
 * computed while a write committed is kept under the older version and computed again next time,
 * never kept as current. Requests that arrive while an answer is being computed for the same
 * version share that computation, so a burst after a change computes it once.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { rowsOf } from '../../db/client.ts';

export interface Computed<T> {
  value: T;
  /** When the answer stops being true by the clock alone (a day ends, an SLA state changes); null: never. */
  validUntil: Date | null;
}

interface Entry {
  version: string;
  validUntil: number;
  value: Promise<unknown>;
}

export interface ReadCache {
  /** The kept answer for `key` if it is still current, else `compute()`'s (kept for the next request). */
  get<T>(key: string, compute: () => Promise<Computed<T>>): Promise<T>;
  /** The workspace's change version, as the database counts it. */
  version(): Promise<string>;
}

/** At most this many answers are kept per server (one per key: the overview has two, the findings summary one). */
const MAX_ENTRIES = 16;

export function createReadCache(db: Database, workspaceId: string, now: () => Date): ReadCache {
  const entries = new Map<string, Entry>();

  async function version(): Promise<string> {
    const rows = rowsOf<{ v: string }>(await db.orm.execute(sql`SELECT version::text AS v FROM workspace_changes WHERE workspace_id = ${workspaceId}`));
    return rows[0]?.v ?? '0';
  }

  return {
    version,
    async get<T>(key: string, compute: () => Promise<Computed<T>>): Promise<T> {
      const v = await version();
      const hit = entries.get(key);
      if (hit && hit.version === v && now().getTime() < hit.validUntil) return hit.value as Promise<T>;
      const entry: Entry = { version: v, validUntil: Number.POSITIVE_INFINITY, value: Promise.resolve() };
      entry.value = compute().then(
        (r) => {
          entry.validUntil = r.validUntil ? r.validUntil.getTime() : Number.POSITIVE_INFINITY;
          return r.value;
        },
        (e: unknown) => {
          if (entries.get(key) === entry) entries.delete(key);
          throw e;
        },
      );
      entries.delete(key);
      entries.set(key, entry);
      while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      return entry.value as Promise<T>;
    },
  };
}
