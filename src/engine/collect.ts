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
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { eventCursors } from '../db/schema/event-cursors.ts';
import { events as eventsTable } from '../db/schema/events.ts';
import { resourceSnapshots } from '../db/schema/resource-snapshots.ts';
import { resources } from '../db/schema/resources.ts';
import { sourceRuns } from '../db/schema/source-runs.ts';
import { sources, type MissingRead, type SourceRow } from '../db/schema/sources.ts';
import type { Clock } from '../lib/clock.ts';
import { isVigilError, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { getConnector } from '../connectors/registry.ts';
import { createRunContext, readEvents, readResource, type AnyConnector, type EngineRunContext, type Row } from '../connectors/sdk/index.ts';
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

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

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
  const { db, clock } = deps;
  const type = typeName(connector, resource.name);
  const now = clock.now();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-snapshot-'));
  const file = join(dir, 'rows.jsonl');
  // Opened synchronously so an early failure cannot race a lazy open against the cleanup below.
  const out = createWriteStream('', { fd: openSync(file, 'w') });
  out.on('error', () => {});
  const seen = new Set<string>();
  let changed = 0;
  try {
    const outcome = await readResource(ctx, resource, async (rows) => {
      const batch = rows.map((row) => {
        const text = canonicalize(row as never);
        const key = keyOf(row, resource.primaryKey);
        return { key, row, text, hash: hashOf(text) };
      });
      for (const b of batch) {
        if (!out.write(`${b.text}\n`)) await once(out, 'drain');
        seen.add(b.key);
      }
      changed += await upsertPage(db, workspaceId, sourceName, type, batch, now);
    });
    out.end();
    await once(out, 'finish');
    const blob = await deps.blobs.putFile(file);
    const complete = outcome.status === 'complete';
    const deleted = complete ? await markDeleted(db, workspaceId, sourceName, type, seen, now) : 0;
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
      name: resource.name,
      kind: 'resource',
      status: outcome.status,
      rows: outcome.rows,
      changed,
      deleted,
      ...(outcome.message ? { message: outcome.message } : {}),
    };
  } catch (e) {
    // Auth and connectivity failures end the whole run; anything else is this resource's error.
    if (isVigilError(e) && (e._tag === 'AuthFailed' || e._tag === 'Unreachable')) throw e;
    return { name: resource.name, kind: 'resource', status: 'error', rows: seen.size, message: errorText(e) };
  } finally {
    out.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Insert new rows, rewrite changed ones, leave unchanged ones alone. Returns how many were written. */
async function upsertPage(
  db: Database,
  workspaceId: string,
  source: string,
  type: string,
  batch: { key: string; row: Row; hash: string }[],
  now: Date,
): Promise<number> {
  if (!batch.length) return 0;
  const existing = new Map(
    (
      await db.orm
        .select({ key: resources.key, hash: resources.dataHash, deletedAt: resources.deletedAt })
        .from(resources)
        .where(
          and(
            eq(resources.workspaceId, workspaceId),
            eq(resources.source, source),
            eq(resources.type, type),
            inArray(
              resources.key,
              batch.map((b) => b.key),
            ),
          ),
        )
    ).map((r) => [r.key, r]),
  );
  const writes = batch.filter((b) => {
    const e = existing.get(b.key);
    return !e || e.hash !== b.hash || e.deletedAt !== null;
  });
  if (!writes.length) return 0;
  await db.orm
    .insert(resources)
    .values(
      writes.map((w) => ({
        workspaceId,
        source,
        type,
        key: w.key,
        data: w.row,
        dataHash: w.hash,
        firstSeenAt: now,
        lastSeenAt: now,
        changedAt: now,
        deletedAt: null,
      })),
    )
    .onConflictDoUpdate({
      target: [resources.workspaceId, resources.source, resources.type, resources.key],
      set: {
        data: sql`excluded.data`,
        dataHash: sql`excluded.data_hash`,
        lastSeenAt: sql`excluded.last_seen_at`,
        changedAt: sql`excluded.changed_at`,
        deletedAt: sql`NULL`,
      },
    });
  return writes.length;
}

/** After a complete listing, rows it did not contain are gone from the provider. */
async function markDeleted(db: Database, workspaceId: string, source: string, type: string, seen: Set<string>, now: Date): Promise<number> {
  const present = await db.orm
    .select({ key: resources.key })
    .from(resources)
    .where(and(eq(resources.workspaceId, workspaceId), eq(resources.source, source), eq(resources.type, type), isNull(resources.deletedAt)));
  const gone = present.map((r) => r.key).filter((k) => !seen.has(k));
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

async function collectEvents(
  deps: CollectDeps,
  workspaceId: string,
  sourceName: string,
  connector: AnyConnector,
  ctx: EngineRunContext,
  ev: AnyConnector['events'][number],
): Promise<ItemOutcome> {
  const { db, clock } = deps;
  const stream = typeName(connector, ev.name);
  const [stored] = await db.orm
    .select()
    .from(eventCursors)
    .where(and(eq(eventCursors.workspaceId, workspaceId), eq(eventCursors.source, sourceName), eq(eventCursors.stream, stream)));
  let added = 0;
  try {
    const outcome = await readEvents(ctx, ev, stored?.cursor ?? null, async (page) => {
      const now = clock.now();
      await db.orm.transaction(async (tx) => {
        const rows = page.rows.map((row) => ({ key: String(row[ev.key]), at: new Date(row[ev.time] as string), row }));
        // De-duplicate against what is stored: a provider may repeat the last event of a page.
        const known = rows.length
          ? new Set(
              (
                await tx
                  .select({ key: eventsTable.key })
                  .from(eventsTable)
                  .where(
                    and(
                      eq(eventsTable.workspaceId, workspaceId),
                      eq(eventsTable.source, sourceName),
                      eq(eventsTable.stream, stream),
                      inArray(
                        eventsTable.key,
                        rows.map((r) => r.key),
                      ),
                    ),
                  )
              ).map((r) => r.key),
            )
          : new Set<string>();
        const fresh = rows.filter((r, i) => !known.has(r.key) && rows.findIndex((q) => q.key === r.key) === i);
        if (fresh.length) {
          const appended = await deps.evidence.append(
            workspaceId,
            fresh.map((r) => ({ kind: 'event' as const, source: sourceName, subject: `${stream}/${r.key}`, collectedAt: now, effectiveAt: r.at, content: r.row })),
            tx,
          );
          await tx.insert(eventsTable).values(
            fresh.map((r, i) => ({
              workspaceId,
              source: sourceName,
              stream,
              key: r.key,
              occurredAt: r.at,
              collectedAt: now,
              data: r.row,
              evidenceId: appended[i]!.id,
            })),
          );
          added += fresh.length;
        }
        if (page.cursor !== null) {
          const cur = { workspaceId, source: sourceName, stream, cursor: page.cursor, updatedAt: now };
          await tx
            .insert(eventCursors)
            .values(cur)
            .onConflictDoUpdate({ target: [eventCursors.workspaceId, eventCursors.source, eventCursors.stream], set: { cursor: cur.cursor, updatedAt: now } });
        }
      });
    });
    return { name: ev.name, kind: 'events', status: outcome.status, rows: added, ...(outcome.message ? { message: outcome.message } : {}) };
  } catch (e) {
    if (isVigilError(e) && (e._tag === 'AuthFailed' || e._tag === 'Unreachable')) throw e;
    return { name: ev.name, kind: 'events', status: 'error', rows: added, message: errorText(e) };
  }
}
