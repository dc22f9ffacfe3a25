/**
 * Writing check results as state changes. For one check, the new set of results is compared with
 * the current rows: a (check, resource) whose status or reason changed gets its current row closed
 * (valid_to = now) and a new one opened; an unchanged result writes nothing; a resource that is no
 * longer in the results has its current row closed. Returns the changes, which drive findings and
 * evidence. An incremental run passes the resources it re-judged: only their rows are compared.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { checkResults, type CheckResultRow, type ResultStatus } from '../db/schema/check-results.ts';

export interface StoredResult {
  resource: string;
  status: ResultStatus;
  severity: string;
  reason: string;
  remediation?: string | undefined;
  evidence: string[];
  details?: Record<string, unknown> | undefined;
  source?: string | undefined;
}

export interface ResultChange {
  resource: string;
  before: CheckResultRow | undefined;
  /** The new current state; undefined when the resource is gone from the results. */
  after: StoredResult | undefined;
}

/** The current results of a check: all of them, or those of the given resources only. */
export async function currentResults(db: Executor, workspaceId: string, checkId: string, only?: readonly string[]): Promise<CheckResultRow[]> {
  return db
    .select()
    .from(checkResults)
    .where(
      and(
        eq(checkResults.workspaceId, workspaceId),
        eq(checkResults.checkId, checkId),
        isNull(checkResults.validTo),
        only ? sql`${checkResults.resource} = ANY(${sql.param([...only])}::text[])` : undefined,
      ),
    );
}

const same = (row: CheckResultRow, r: StoredResult) =>
  row.status === r.status && row.reason === r.reason && row.severity === r.severity;

export async function applyResults(
  db: Executor,
  workspaceId: string,
  checkId: string,
  results: StoredResult[],
  now: Date,
  /** Evidence record ids for the new states, appended by the caller in the same transaction. */
  recordChanges?: (changes: ResultChange[]) => Promise<(string | null)[]>,
  /**
   * An incremental run: `results` are the new states of exactly these resources; the current
   * results of every other resource stay as they are.
   */
  only?: readonly string[],
): Promise<ResultChange[]> {
  const current = new Map((await currentResults(db, workspaceId, checkId, only)).map((r) => [r.resource, r]));
  const changes: ResultChange[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    if (seen.has(r.resource)) throw new Error(`check ${checkId} returned resource ${r.resource} twice`);
    seen.add(r.resource);
    const before = current.get(r.resource);
    if (before && same(before, r)) continue;
    changes.push({ resource: r.resource, before, after: r });
  }
  for (const [resource, before] of current) {
    if (!seen.has(resource)) changes.push({ resource, before, after: undefined });
  }
  if (!changes.length) return changes;

  const withAfter = changes.filter((c) => c.after);
  const evidenceIds = recordChanges ? await recordChanges(withAfter) : [];
  const closing = changes.filter((c) => c.before).map((c) => c.before!.id);
  for (let i = 0; i < closing.length; i += 1000) {
    await db
      .update(checkResults)
      .set({ validTo: now })
      .where(and(eq(checkResults.workspaceId, workspaceId), inArray(checkResults.id, closing.slice(i, i + 1000))));
  }
  const inserts = withAfter.map((c, i) => ({
      workspaceId,
      checkId,
      resource: c.resource,
      status: c.after!.status,
      severity: c.after!.severity,
      reason: c.after!.reason,
      remediation: c.after!.remediation ?? null,
      evidence: c.after!.evidence,
      details: c.after!.details ?? null,
      validFrom: now,
      validTo: null,
      judgedAt: now,
      evidenceId: evidenceIds[i] ?? null,
    }));
  for (let i = 0; i < inserts.length; i += 500) {
    await db.insert(checkResults).values(inserts.slice(i, i + 500));
  }
  return changes;
}
