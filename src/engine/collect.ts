/**
 * A collection run of one source: test nothing, just read. Each resource is streamed page by page
 * into the inventory (a row is written only when its content changed), and its full listing goes
 * to a JSONL attachment of one `resource.snapshot` evidence record — so an auditor can see exactly
 * what Vigil saw, while memory stays flat. Events are appended page by page with their evidence
 * and the stream's cursor in one transaction, so a crash never loses or doubles a page.
 *
 * Source health is recorded whatever happens: last success, last error with the provider's
 * message, and what could not be read. Nothing already stored is removed by a failing run: rows
 * are marked deleted only after a complete listing.
 */
import { hash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../db/client.ts';
import { eventCursors } from '../db/schema/event-cursors.ts';
import { resourceSnapshots } from '../db/schema/resource-snapshots.ts';
import { resources } from '../db/schema/resources.ts';
import { sourceRuns } from '../db/schema/source-runs.ts';
import { sources, type MissingRead, type SourceRow } from '../db/schema/sources.ts';
import type { Clock } from '../lib/clock.ts';
import { invalidInput, isVigilError, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { getConnector } from '../connectors/registry.ts';
import { createRunContext, readEvents, readResource, type AnyConnector, type EngineRunContext, type ReadOutcome, type Row } from '../connectors/sdk/index.ts';
import type { LogEntry } from '../connectors/sdk/log.ts';
import { canonicalize } from '../evidence/canonical-json.ts';
import type { BlobStore } from '../evidence/blob-store.ts';
import type { EvidenceLog } from '../evidence/log.ts';
import type { SourceConfig } from '../core/config/schema.ts';
import { typeName, type ConnectorLookup } from './sources.ts';

export interface CollectDeps {
  db: Database;
  clock: Clock;
  evidence: EvidenceLog;
  blobs: BlobStore;
  /** How a source's `type` finds its connector (default: the registry). */
  lookup?: ConnectorLookup;
}

export interface ItemOutcome {
  name: string;
  kind: 'resource' | 'events';
  status: 'complete' | 'permission_missing' | 'not_applicable' | 'error';
  rows: number;
  changed?: number;
  deleted?: number;
  message?: string;
}

export interface CollectOutcome {
  source: string;
  runId: string;
  status: 'ok' | 'partial' | 'failed';
  error?: string;
  errorTag?: string;
  items: ItemOutcome[];
  /** The health before this run, so callers can alert on a change. */
  previousStatus: SourceRow['status'] | undefined;
}

export interface CollectOptions {
  signal?: AbortSignal;
  onProgress?(message: string): void;
  onLog?(entry: LogEntry): void;
  /** Extra run-context settings (tests shorten HTTP timeouts). */
  http?: Parameters<typeof createRunContext>[0]['http'];
}

const keyOf = (row: Row, primaryKey: string | readonly string[]) =>
  (typeof primaryKey === 'string' ? [primaryKey] : primaryKey).map((k) => String(row[k])).join('/');

const hashOf = (text: string) => hash('sha256', text);

export async function collectSource(deps: CollectDeps, workspaceId: string, source: SourceConfig, options: CollectOptions = {}): Promise<CollectOutcome> {
  const { db, clock } = deps;
  const startedAt = clock.now();
  const runId = newId('run', startedAt.getTime());
  const [before] = await db.orm
    .select()
    .from(sources)
    .where(and(eq(sources.workspaceId, workspaceId), eq(sources.name, source.name)));
  if (!before) throw notFound(`source ${source.name} is not registered in this workspace`, { hint: 'sources are synced from vigil.yaml at start' });
  await db.orm.insert(sourceRuns).values({ id: runId, workspaceId, source: source.name, startedAt, status: 'running' });

  const items: ItemOutcome[] = [];
  let fatal: unknown;
  let ctx: EngineRunContext | undefined;
  try {
    const connector = (deps.lookup ?? getConnector)(source.type);
    ctx = createRunContext({
      connector,
      config: source.config,
      clock,
      ...(options.signal ? { signal: options.signal } : {}),
      where: `source ${source.name}`,
      ...(options.onLog ? { onLog: options.onLog } : {}),
      http: {
        ...(source.http?.requestsPerSecond ? { rateLimit: { requestsPerSecond: source.http.requestsPerSecond } } : {}),
        ...(source.http?.timeoutMs ? { timeoutMs: source.http.timeoutMs } : {}),
        ...options.http,
      },
    });
    for (const resource of connector.resources) {
      options.onProgress?.(`${source.name}: ${resource.name}…`);
      items.push(await collectResource(deps, workspaceId, source.name, connector, ctx, resource));
      options.onProgress?.(`${source.name}: ${resource.name}: ${items.at(-1)!.rows} rows`);
    }
    for (const ev of connector.events) {
      options.onProgress?.(`${source.name}: ${ev.name}…`);
      items.push(await collectEvents(deps, workspaceId, source.name, connector, ctx, ev));
      options.onProgress?.(`${source.name}: ${ev.name}: ${items.at(-1)!.rows} new events`);
    }
  } catch (e) {
    fatal = e;
  }

  const finishedAt = clock.now();
  const connectorId = source.type;
  const missing: MissingRead[] = [
    ...(ctx?.gaps() ?? []).map((g) => ({
      what: g.what.includes('.') ? g.what : `${connectorId}.${g.what}`,
      message: g.message,
      kind: g.kind === 'permission_missing' ? ('permission' as const) : ('not_applicable' as const),
    })),
    ...items.filter((i) => i.status === 'error').map((i) => ({ what: `${connectorId}.${i.name}`, message: i.message ?? 'failed', kind: 'error' as const })),
  ];
  const partial = items.some((i) => i.status === 'permission_missing' || i.status === 'error');
  const status: CollectOutcome['status'] = fatal ? 'failed' : partial ? 'partial' : 'ok';
  const error = fatal ? errorText(fatal) : undefined;
  const errorTag = fatal ? (isVigilError(fatal) ? fatal._tag : 'Internal') : undefined;
  await db.orm
    .update(sourceRuns)
    .set({
      finishedAt,
      status,
      error: error ?? null,
      stats: Object.fromEntries(items.map((i) => [i.name, i.rows])),
    })
    .where(eq(sourceRuns.id, runId));
  await db.orm
    .update(sources)
    .set({
      status: fatal ? 'failing' : partial ? 'partial' : 'ok',
      lastRunAt: startedAt,
      ...(fatal
        ? { lastErrorAt: finishedAt, lastError: error!, lastErrorTag: errorTag! }
        : { lastSuccessAt: startedAt, ...(partial ? {} : { lastError: null, lastErrorAt: null, lastErrorTag: null }) }),
      // A failed run read nothing new: keep what the last run could not read.
      ...(fatal ? {} : { missing }),
      updatedAt: finishedAt,
    })
    .where(and(eq(sources.workspaceId, workspaceId), eq(sources.name, source.name)));
  return {
    source: source.name,
    runId,
    status,
    ...(error ? { error } : {}),
    ...(errorTag ? { errorTag } : {}),
    items,
    previousStatus: before.status,
  };
}

function errorText(e: unknown): string {
  if (isVigilError(e)) return e.oneLine();
  return e instanceof Error ? e.message : String(e);
}

async function collectResource(
  deps: CollectDeps,
  workspaceId: string,
  sourceName: string,
  connector: AnyConnector,
  ctx: EngineRunContext,
  resource: AnyConnector['resources'][number],
): Promise<ItemOutcome> {
  const type = typeName(connector, resource.name);
  try {
    const written = await writeResourceSnapshot(deps, workspaceId, sourceName, type, resource.primaryKey, (onPage) => readResource(ctx, resource, onPage));
    return { name: resource.name, kind: 'resource', ...written };
  } catch (e) {
    // Auth and connectivity failures end the whole run; anything else is this resource's error.
    if (isVigilError(e) && (e._tag === 'AuthFailed' || e._tag === 'Unreachable')) throw e;
    const rows = e instanceof SnapshotError ? e.rows : 0;
    return { name: resource.name, kind: 'resource', status: 'error', rows, message: errorText(e instanceof SnapshotError ? e.cause : e) };
  }
}

/** A failure while writing a snapshot, with how many rows were handed over before it. */
class SnapshotError extends Error {
  constructor(
    readonly rows: number,
    override readonly cause: unknown,
  ) {
    super(errorText(cause));
  }
}

/**
 * One resource type's full listing from a source, however it is read: `read` hands over the rows
 * page by page and says whether the listing was complete. Every row goes to the snapshot's JSONL
 * attachment; only new or changed rows (by the SHA-256 of their canonical JSON) are written to
 * the inventory, and after a complete listing the rows it did not contain are marked deleted.
 * Connectors reach it through `collectSource`; the benchmarks feed generated pages to
 * `collectRows` (no HTTP) to measure the same write path at volume.
 */
async function writeResourceSnapshot(
  deps: CollectDeps,
  workspaceId: string,
  sourceName: string,
  type: string,
  primaryKey: string | readonly string[],
  read: (onPage: (rows: Row[]) => Promise<void>) => Promise<ReadOutcome>,
): Promise<Omit<ItemOutcome, 'name' | 'kind'>> {
  const { db, clock } = deps;
  const now = clock.now();
  // The snapshot's JSONL attachment goes straight into the blob store, hashed as it is written.
  const out = deps.blobs.writer();
  let finished = false;
  let seen = 0;
  let changed = 0;
  try {
    // What the inventory holds now for this type, key → content hash: a row is written only when it
    // is new or its hash differs, and what is left unseen after a complete listing is gone.
    const known = await liveHashes(db, workspaceId, sourceName, type);
    const outcome = await read(async (rows) => {
      let text = '';
      const writes: { key: string; text: string; hash: string }[] = [];
      for (const row of rows) {
        const canonical = canonicalize(row as never);
        text += `${canonical}\n`;
        const key = keyOf(row, primaryKey);
        const hash = hashOf(canonical);
        seen++;
        // A key listed twice in one snapshot is written at most once per distinct content.
        const before = known.get(key);
        if (before !== hash && before !== `+${hash}`) writes.push({ key, text: canonical, hash });
        known.set(key, `+${hash}`);
      }
      // One write per page, not per row: a full snapshot of a large inventory is many rows.
      await out.write(text);
      changed += await upsertPage(db, workspaceId, sourceName, type, writes, now);
    });
    finished = true;
    const blob = await out.finish();
    const complete = outcome.status === 'complete';
    const gone: string[] = [];
    if (complete) for (const [k, h] of known) if (!h.startsWith('+')) gone.push(k);
    const deleted = await markDeleted(db, workspaceId, sourceName, type, gone, now);
    await db.orm.transaction(async (tx) => {
      const [record] = await deps.evidence.append(
        workspaceId,
        [
          {
            kind: 'resource.snapshot',
            source: sourceName,
            subject: type,
            collectedAt: now,
            effectiveAt: now,
            content: { source: sourceName, type, rows: outcome.rows, complete, ...(outcome.message ? { note: outcome.message } : {}) },
            attachments: [{ name: `${type}.jsonl`, mediaType: 'application/x-ndjson', sha256: blob.sha256, size: blob.size }],
          },
        ],
        tx,
      );
      const snap = { workspaceId, source: sourceName, type, evidenceId: record!.id, collectedAt: now, rows: outcome.rows, complete };
      await tx
        .insert(resourceSnapshots)
        .values(snap)
        .onConflictDoUpdate({ target: [resourceSnapshots.workspaceId, resourceSnapshots.source, resourceSnapshots.type], set: snap });
      // Rows changed in this run point at the snapshot that holds them as they are now.
      await tx
        .update(resources)
        .set({ evidenceId: record!.id })
        .where(and(eq(resources.workspaceId, workspaceId), eq(resources.source, sourceName), eq(resources.type, type), eq(resources.changedAt, now)));
    });
    return {
      status: outcome.status,
      rows: outcome.rows,
      changed,
      deleted,
      ...(outcome.message ? { message: outcome.message } : {}),
    };
  } catch (e) {
    throw new SnapshotError(seen, e);
  } finally {
    if (!finished) await out.abort();
  }
}

/**
 * Write a full listing of one resource type from one source into the inventory and its snapshot
 * evidence, from rows already in hand (the benchmarks' generated inventories: the same write path
 * as a collection, without the provider's HTTP). The rows must already be valid for their type.
 * `complete: false` treats the listing as cut short (nothing is marked deleted).
 */
export async function collectRows(
  deps: CollectDeps,
  workspaceId: string,
  source: string,
  type: string,
  primaryKey: string | readonly string[],
  pages: AsyncIterable<Row[]> | Iterable<Row[]>,
  options: { complete?: boolean } = {},
): Promise<{ rows: number; changed: number; deleted: number }> {
  try {
    const written = await writeResourceSnapshot(deps, workspaceId, source, type, primaryKey, async (onPage) => {
      let rows = 0;
      let count = 0;
      for await (const page of pages) {
        rows += page.length;
        count++;
        await onPage(page);
      }
      return options.complete === false ? { status: 'permission_missing', rows, pages: count, message: 'listing cut short' } : { status: 'complete', rows, pages: count };
    });
    return { rows: written.rows, changed: written.changed ?? 0, deleted: written.deleted ?? 0 };
  } catch (e) {
    throw e instanceof SnapshotError ? e.cause : e;
  }
}

/**
 * The live rows of one type, key → SHA-256 of their canonical JSON, read in key order a page at a
 * time: one sequential read per snapshot instead of a lookup per page. The listing marks each key
 * it sees (`+hash`); the unmarked keys left after a complete listing were deleted at the provider.
 */
async function liveHashes(db: Database, workspaceId: string, source: string, type: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const page = 20_000;
  for (let after: string | null = null; ; ) {
    const found: { key: string; data_hash: string }[] = rowsOf<{ key: string; data_hash: string }>(
      await db.orm.execute(sql`
        SELECT key, data_hash FROM resources
        WHERE workspace_id = ${workspaceId} AND source = ${source} AND type = ${type} AND deleted_at IS NULL
          ${after === null ? sql`` : sql`AND key > ${after}`}
        ORDER BY key LIMIT ${page}`),
    );
    for (const r of found) out.set(r.key, r.data_hash);
    if (found.length < page) return out;
    after = found[found.length - 1]!.key;
  }
}

/**
 * Write the new and changed rows of a page (one statement, one array parameter per column rather
 * than one parameter per value). Returns how many were written.
 */
async function upsertPage(
  db: Database,
  workspaceId: string,
  source: string,
  type: string,
  writes: { key: string; text: string; hash: string }[],
  now: Date,
): Promise<number> {
  if (!writes.length) return 0;
  const at = now.toISOString();
  await db.orm.execute(sql`
    INSERT INTO resources (workspace_id, source, type, key, data, data_hash, first_seen_at, last_seen_at, changed_at, deleted_at)
    SELECT ${workspaceId}, ${source}, ${type}, w.key, w.data::jsonb, w.hash, ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz, NULL
    FROM unnest(${sql.param(writes.map((w) => w.key))}::text[], ${sql.param(writes.map((w) => w.text))}::text[], ${sql.param(writes.map((w) => w.hash))}::text[]) AS w(key, data, hash)
    ON CONFLICT (workspace_id, source, type, key) DO UPDATE SET
      data = excluded.data, data_hash = excluded.data_hash, last_seen_at = excluded.last_seen_at, changed_at = excluded.changed_at, deleted_at = NULL`);
  return writes.length;
}

/** After a complete listing, the live rows it did not contain are gone from the provider. */
async function markDeleted(db: Database, workspaceId: string, source: string, type: string, gone: string[], now: Date): Promise<number> {
  for (let i = 0; i < gone.length; i += 1000) {
    await db.orm
      .update(resources)
      .set({ deletedAt: now, changedAt: now })
      .where(
        and(
          eq(resources.workspaceId, workspaceId),
          eq(resources.source, source),
          eq(resources.type, type),
          inArray(resources.key, gone.slice(i, i + 1000)),
        ),
      );
  }
  return gone.length;
}

/** A \u0000 escape in JSON text: one preceded by an even number of backslashes (none, or escaped ones). */
const NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/** Where a page of events goes: the workspace's stream of a source, and the rows' key and time fields. */
export interface EventTarget {
  workspaceId: string;
  source: string;
  stream: string;
  key: string;
  time: string;
}

/**
 * Store one page of a stream's events: the events new to the stream (de-duplicated by the
 * provider's key, within the page and against what is stored), one `event` evidence record each,
 * and the stream's cursor — all in one transaction, so a crash never loses or doubles a page.
 * Returns how many events were new.
 */
export async function ingestEventPage(
  deps: Pick<CollectDeps, 'db' | 'clock' | 'evidence'>,
  target: EventTarget,
  page: { rows: Row[]; cursor: string | null },
): Promise<number> {
  const { db, clock, evidence } = deps;
  const { workspaceId, source, stream } = target;
  const now = clock.now();
  // One event per key: a provider may repeat an event within a page, the first is kept.
  const byKey = new Map<string, { at: Date; row: Row }>();
  for (const row of page.rows) {
    const key = String(row[target.key]);
    if (!byKey.has(key)) byKey.set(key, { at: new Date(row[target.time] as string), row });
  }
  const keys = [...byKey.keys()];
  // Validated, canonicalized and hashed before the transaction, with their ids, so the events
  // rows can name their evidence; only those the insert keeps are appended to the log.
  const prepared = keys.length
    ? await evidence.prepare(
        workspaceId,
        keys.map((key) => {
          const e = byKey.get(key)!;
          return { kind: 'event' as const, source, subject: `${stream}/${key}`, collectedAt: now, effectiveAt: e.at, content: e.row };
        }),
      )
    : [];
  for (const [i, p] of prepared.entries()) {
    // jsonb (events.data) cannot hold U+0000; say which event, rather than the database's words.
    if (NUL_ESCAPE.test(p.content)) throw invalidInput(`event ${keys[i]} contains the character U+0000, which the events table (jsonb) cannot store`, { where: `${source}: ${stream}` });
  }
  return db.orm.transaction(async (tx) => {
    let added = 0;
    if (prepared.length) {
      // De-duplicated against what is stored by the primary key itself: the rows already there
      // are skipped by ON CONFLICT, and RETURNING names those written. The event is the evidence
      // content (canonical JSON), put into the parameter as is.
      let json = '[';
      for (let i = 0; i < prepared.length; i++) {
        const p = prepared[i]!;
        json += `${i ? ',' : ''}{"k":${JSON.stringify(keys[i])},"o":"${p.envelope.effectiveAt}","e":"${p.envelope.id}","d":${p.content}}`;
      }
      json += ']';
      const inserted = rowsOf<{ key: string }>(
        await tx.execute(sql`
          INSERT INTO events (workspace_id, source, stream, key, occurred_at, collected_at, data, evidence_id)
          SELECT ${workspaceId}, ${source}, ${stream}, k, o, ${now.toISOString()}, d, e
          FROM json_to_recordset(${json}::json) AS x(k text, o timestamptz, e text, d jsonb)
          ON CONFLICT DO NOTHING
          RETURNING key`),
      );
      const fresh = new Set(inserted.map((r) => r.key));
      await evidence.appendPrepared(
        workspaceId,
        prepared.filter((_, i) => fresh.has(keys[i]!)),
        tx,
      );
      added = fresh.size;
    }
    if (page.cursor !== null) {
      await tx.execute(sql`
        INSERT INTO event_cursors (workspace_id, source, stream, cursor, updated_at)
        VALUES (${workspaceId}, ${source}, ${stream}, ${page.cursor}, ${now.toISOString()})
        ON CONFLICT (workspace_id, source, stream) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at`);
    }
    return added;
  });
}

async function collectEvents(
  deps: CollectDeps,
  workspaceId: string,
  sourceName: string,
  connector: AnyConnector,
  ctx: EngineRunContext,
  ev: AnyConnector['events'][number],
): Promise<ItemOutcome> {
  const { db } = deps;
  const stream = typeName(connector, ev.name);
  const [stored] = await db.orm
    .select()
    .from(eventCursors)
    .where(and(eq(eventCursors.workspaceId, workspaceId), eq(eventCursors.source, sourceName), eq(eventCursors.stream, stream)));
  let added = 0;
  try {
    const outcome = await readEvents(ctx, ev, stored?.cursor ?? null, async (page) => {
      added += await ingestEventPage(deps, { workspaceId, source: sourceName, stream, key: ev.key, time: ev.time }, page);
    });
    return { name: ev.name, kind: 'events', status: outcome.status, rows: added, ...(outcome.message ? { message: outcome.message } : {}) };
  } catch (e) {
    if (isVigilError(e) && (e._tag === 'AuthFailed' || e._tag === 'Unreachable')) throw e;
    return { name: ev.name, kind: 'events', status: 'error', rows: added, message: errorText(e) };
  }
}
