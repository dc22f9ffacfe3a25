/**
 * Writing check results as state changes. For one check, the new set of results is compared with
 * the current rows: a (check, resource) whose status or reason changed gets its current row closed
 * (valid_to = now) and a new one opened; an unchanged result writes nothing; a resource that is no
 * longer in the results has its current row closed. Returns the changes, which drive findings and
 * evidence. An incremental run passes the resources it re-judged: only their rows are compared.
 * `diffResults` finds the changes without writing, so an evaluation that changes nothing needs no
 * transaction; `writeChanges` stores them.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../db/client.ts';
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

/**
 * What storing `results` would change, without writing: the resources whose status, reason or
 * severity differ from their current row (or that have none), then the current rows no longer in
 * the results. The comparison runs in SQL against the current rows (the new results go in as one
 * JSON parameter), so an unchanged result costs no row read back; only the current rows of changed
 * resources are read, in full, as the changes' `before`.
 */
export async function diffResults(
  db: Executor,
  workspaceId: string,
  checkId: string,
  results: readonly StoredResult[],
  only?: readonly string[],
): Promise<ResultChange[]> {
  const seen = new Set<string>();
  for (const r of results) {
    if (seen.has(r.resource)) throw new Error(`check ${checkId} returned resource ${r.resource} twice`);
    seen.add(r.resource);
  }
  const json = JSON.stringify(results.map((r, i) => ({ i, r: r.resource, s: r.status, v: r.severity, m: r.reason })));
  const differ = rowsOf<{ i: number | null; id: string | number | null }>(
    await db.execute(sql`
      SELECT n.i, c.id::text AS id
      FROM (
        SELECT id, resource, status, severity, reason FROM check_results
        WHERE workspace_id = ${workspaceId} AND check_id = ${checkId} AND valid_to IS NULL
          ${only ? sql`AND resource = ANY(${sql.param([...only])}::text[])` : sql``}
      ) c
      FULL JOIN json_to_recordset(${json}::json) AS n(i int, r text, s text, v text, m text) ON n.r = c.resource
      WHERE c.id IS NULL OR n.i IS NULL OR c.status IS DISTINCT FROM n.s OR c.severity IS DISTINCT FROM n.v OR c.reason IS DISTINCT FROM n.m`),
  );
  if (!differ.length) return [];
  const ids = differ.filter((d) => d.id !== null).map((d) => Number(d.id));
  const before = new Map<number, CheckResultRow>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .select()
      .from(checkResults)
      .where(and(eq(checkResults.workspaceId, workspaceId), inArray(checkResults.id, ids.slice(i, i + 1000))));
    for (const row of rows) before.set(row.id, row);
  }
  const changed: ResultChange[] = [];
  const gone: ResultChange[] = [];
  for (const d of differ.sort((a, b) => (a.i ?? Infinity) - (b.i ?? Infinity))) {
    const row = d.id === null ? undefined : before.get(Number(d.id));
    // A row closed meanwhile by another run (only possible outside the evaluation lock) is gone already.
    if (d.i === null) {
      if (row) gone.push({ resource: row.resource, before: row, after: undefined });
    } else changed.push({ resource: results[d.i]!.resource, before: row, after: results[d.i]! });
  }
  gone.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  return [...changed, ...gone];
}

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
  const changes = await diffResults(db, workspaceId, checkId, results, only);
  await writeChanges(db, workspaceId, checkId, changes, now, recordChanges);
  return changes;
}

/** Store changes found by `diffResults`: close their current rows, open the new states. */
export async function writeChanges(
  db: Executor,
  workspaceId: string,
  checkId: string,
  changes: readonly ResultChange[],
  now: Date,
  recordChanges?: (changes: ResultChange[]) => Promise<(string | null)[]>,
): Promise<void> {
  if (!changes.length) return;
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
}
