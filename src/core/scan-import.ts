/**
 * Importing a scanner file pushed to Vigil (`vigil import`, the upload API): the same `scans`
 * events a watched folder yields, stored under a source of that type. The file is read and checked
 * whole first — a malformed one is refused with its line and nothing is written — then its events,
 * their evidence (each with the original file attached) and the source's run are written in one
 * transaction, so an import is all of a file or none of it, and earlier imports are never touched.
 * A file already imported (the same bytes) is recognised by its SHA-256 and stores nothing new.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { events } from '../db/schema/events.ts';
import { sourceRuns } from '../db/schema/source-runs.ts';
import { sources } from '../db/schema/sources.ts';
import type { Clock } from '../lib/clock.ts';
import { VigilError, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { readScanFile, scanFormat, scanRowSchema, SCANS, type ScannerType, type ScanRow } from '../connectors/scanners/index.ts';
import type { EvidenceLog } from '../evidence/log.ts';
import type { SourceConfig } from './config/schema.ts';

export interface ScanImportDeps {
  db: Database;
  clock: Clock;
  evidence: EvidenceLog;
  /**
   * The sources (vigil.yaml and API: `effectiveSources`), so a source's `target` applies to pushed
   * files as to its folder. Only the chosen source's config is read.
   */
  sources?: readonly SourceConfig[];
}

export interface ImportScanOptions {
  /** The source to import into; default: the one enabled source of the type. */
  source?: string | undefined;
  /** Names what was scanned, replacing the file's target (default: the source's `target`). */
  target?: string | undefined;
}

// A type rather than an interface, so it fits response schemas with open (index-signature) objects.
export type ImportedScan = {
  /** The event key. */
  key: string;
  target: string;
  scannedAt: string;
  timeSource: ScanRow['timeSource'];
  findings: number;
  /** False when this scan was stored by an earlier import of the same file. */
  stored: boolean;
  /** The evidence record of the stored scan (null when it was already stored). */
  evidenceId: string | null;
};

export interface ImportScanResult {
  source: string;
  type: ScannerType;
  file: string;
  sha256: string;
  scans: ImportedScan[];
  /** Every scan in the file was already stored: nothing was written. */
  duplicate: boolean;
}

/** The enabled source a pushed file of `type` goes to. */
export async function resolveScanSource(db: Database, workspaceId: string, type: string, wanted?: string): Promise<string> {
  const rows = await db.orm
    .select({ name: sources.name, type: sources.type, enabled: sources.enabled })
    .from(sources)
    .where(eq(sources.workspaceId, workspaceId));
  const declare = `declare one in vigil.yaml (a source that only takes pushed files needs no config): sources: [{ name: ${type}, type: ${type} }]`;
  if (wanted) {
    const row = rows.find((r) => r.name === wanted && r.enabled);
    if (!row) throw notFound(`no enabled source named "${wanted}"`, { hint: declare.replace('declare one', `declare "${wanted}"`) });
    if (row.type !== type) throw new VigilError('InvalidInput', `source "${wanted}" is of type ${row.type}, not ${type}`, { hint: `import ${row.type} files into it, or choose a ${type} source` });
    return row.name;
  }
  const candidates = rows.filter((r) => r.type === type && r.enabled).map((r) => r.name);
  if (candidates.length === 1) return candidates[0]!;
  if (!candidates.length) throw notFound(`no enabled source of type ${type} to import into`, { hint: declare, details: { type } });
  throw new VigilError('InvalidInput', `several sources of type ${type} (${candidates.join(', ')}): say which one to import into`, {
    hint: 'pass --source <name> (or "source" in the upload)',
    details: { type, sources: candidates },
  });
}

export async function importScan(
  deps: ScanImportDeps,
  workspaceId: string,
  type: string,
  bytes: Uint8Array,
  name: string,
  options: ImportScanOptions = {},
): Promise<ImportScanResult> {
  const { db, clock, evidence } = deps;
  const format = scanFormat(type);
  const source = await resolveScanSource(db, workspaceId, format.id, options.source);
  const configTarget = deps.sources?.find((s) => s.name === source)?.config.target;
  const target = options.target ?? (typeof configTarget === 'string' && configTarget ? configTarget : undefined);
  const importedAt = clock.now();
  // Read and check everything before the transaction: a malformed file writes nothing.
  const rows = readScanFile(format, bytes, { name, importedAt, target }).map((r) => scanRowSchema.parse(r));
  const stream = `${format.id}.${SCANS}`;

  const stored = await db.orm.transaction(async (tx) => {
    const known = new Set(
      (
        await tx
          .select({ key: events.key })
          .from(events)
          .where(and(eq(events.workspaceId, workspaceId), eq(events.source, source), eq(events.stream, stream), inArray(events.key, rows.map((r) => r.id))))
      ).map((r) => r.key),
    );
    const fresh = rows.filter((r) => !known.has(r.id));
    if (!fresh.length) return new Map<string, string>();
    const appended = await evidence.append(
      workspaceId,
      fresh.map((r) => ({
        kind: 'event' as const,
        source,
        subject: `${stream}/${r.id}`,
        collectedAt: importedAt,
        effectiveAt: r.scannedAt,
        content: r,
        attachments: [{ name, mediaType: 'application/json', data: bytes }],
      })),
      tx,
    );
    await tx.insert(events).values(
      fresh.map((r, i) => ({
        workspaceId,
        source,
        stream,
        key: r.id,
        occurredAt: new Date(r.scannedAt),
        collectedAt: importedAt,
        data: r as unknown as Record<string, unknown>,
        evidenceId: appended[i]!.id,
      })),
    );
    // A push is a successful collection of the source: its health and history say so.
    await tx.insert(sourceRuns).values({
      id: newId('run', importedAt.getTime()),
      workspaceId,
      source,
      startedAt: importedAt,
      finishedAt: clock.now(),
      status: 'ok',
      stats: { [SCANS]: fresh.length },
    });
    const [row] = await tx
      .select({ status: sources.status })
      .from(sources)
      .where(and(eq(sources.workspaceId, workspaceId), eq(sources.name, source)));
    await tx
      .update(sources)
      .set({ lastRunAt: importedAt, lastSuccessAt: importedAt, updatedAt: importedAt, ...(row?.status === 'never_run' ? { status: 'ok' as const } : {}) })
      .where(and(eq(sources.workspaceId, workspaceId), eq(sources.name, source)));
    return new Map(fresh.map((r, i) => [r.id, appended[i]!.id]));
  });

  return {
    source,
    type: format.id,
    file: name,
    sha256: rows[0]!.fileSha256,
    scans: rows.map((r) => ({
      key: r.id,
      target: r.target,
      scannedAt: r.scannedAt,
      timeSource: r.timeSource,
      findings: r.findings.length,
      stored: stored.has(r.id),
      evidenceId: stored.get(r.id) ?? null,
    })),
    duplicate: stored.size === 0,
  };
}
