/**
 * An evaluation run: for each check, decide whether its inputs are fit to judge (staleness.ts),
 * run it (or mark its results stale / error / not applicable), store the results as state changes
 * (results.ts), and hand the changes to the caller's hook inside the same transaction — core uses
 * it to open and resolve findings, raise alerts and append evidence, so they commit together.
 *
 * With `onlyChanged` a check whose inputs are as at its last judged run is skipped, and a check of
 * `scope: 'resource'` re-judges only the rows written since then (changedScope), keeping the
 * current results of every other row; any other check, or any doubt, judges everything.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/client.ts';
import { checkRuns } from '../db/schema/check-runs.ts';
import { sourceRuns } from '../db/schema/source-runs.ts';
import type { Clock } from '../lib/clock.ts';
import { subjectTypes, type AnyCheck, type CheckResult } from '../checks/sdk/define.ts';
import { createInputReader, type InputReader } from '../checks/sdk/inputs.ts';
import { applyResults, currentResults, type ResultChange, type StoredResult } from './results.ts';
import { inputHealth } from './staleness.ts';

/**
 * Held for the write of one check's results: two evaluations of the same check at once (the
 * scheduler's and an upload's, or two processes on one PostgreSQL database) would otherwise both
 * read the same current results and both insert the next state.
 */
const EVALUATION_LOCK = 7_447_003;

export interface ResolvedCheck {
  check: AnyCheck;
  params: unknown;
  paramsHash: string;
}

export interface EvaluationHooks {
  /** Record the new states as evidence; returns one evidence id per change, in order. */
  recordChanges?(tx: Executor, resolved: ResolvedCheck, changes: ResultChange[], now: Date): Promise<(string | null)[]>;
  onChanges?(tx: Executor, resolved: ResolvedCheck, changes: ResultChange[], now: Date): Promise<void>;
}

export interface CheckRunSummary {
  check: string;
  outcome: 'judged' | 'stale' | 'not_applicable' | 'error' | 'skipped';
  /** Results produced: every resource's, or in an incremental run only the re-judged ones'. */
  results: number;
  changes: number;
  /** Only the rows written since the check's last run were judged (scope 'resource'). */
  incremental?: boolean;
  reason?: string;
}

export function paramsHash(params: unknown): string {
  return createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 16);
}

/** The row that stands for the whole check when it has no per-resource results to mark. */
export const WHOLE_CHECK = '*';

export async function evaluateChecks(
  deps: { db: Database; clock: Clock },
  workspaceId: string,
  checks: ResolvedCheck[],
  options: { onlyChanged?: boolean; hooks?: EvaluationHooks } = {},
): Promise<CheckRunSummary[]> {
  const summaries: CheckRunSummary[] = [];
  for (const resolved of checks) {
    summaries.push(await evaluateOne(deps, workspaceId, resolved, options));
  }
  return summaries;
}

async function evaluateOne(
  deps: { db: Database; clock: Clock },
  workspaceId: string,
  resolved: ResolvedCheck,
  options: { onlyChanged?: boolean; hooks?: EvaluationHooks },
): Promise<CheckRunSummary> {
  const { check } = resolved;
  const { db } = deps;
  const now = deps.clock.now();
  const health = await inputHealth(db.orm, workspaceId, check, now);

  // Rows written from here on are re-judged by the next incremental run. A collection still
  // running wrote its rows stamped with its own start (or later), and they may not be visible to
  // this run yet: the mark goes back to the earliest such start, so none is ever skipped.
  const changesSince = health.status === 'ok' ? await changesMark(db.orm, workspaceId, health.sources.map((s) => s.name), now) : null;
  let since: Date | undefined;
  if (options.onlyChanged && health.status === 'ok') {
    const [prior] = await db.orm
      .select()
      .from(checkRuns)
      .where(and(eq(checkRuns.workspaceId, workspaceId), eq(checkRuns.checkId, check.id)));
    if (prior && prior.paramsHash === resolved.paramsHash && prior.status === 'judged') {
      if (prior.inputsVersion === health.inputsVersion) return { check: check.id, outcome: 'skipped', results: 0, changes: 0 };
      // Only after a complete judgement over the same params: anything else re-judges everything.
      if (check.scope === 'resource' && prior.changesSince) since = prior.changesSince;
    }
  }

  let outcome: CheckRunSummary['outcome'];
  let results: StoredResult[];
  let reason: string | undefined;
  let only: string[] | undefined;
  if (health.status !== 'ok') {
    outcome = health.status;
    reason = health.reason;
    results = await markAll(db.orm, workspaceId, check, health.status, health.reason);
  } else {
    try {
      const inputs = createInputReader(db.orm, workspaceId);
      if (since) {
        const scoped = await changedScope(inputs, check, since);
        only = [...scoped.judged];
        const raw = only.length ? await check.evaluate({ workspaceId, params: resolved.params, now, inputs: scoped.reader }) : [];
        results = raw.map((r) => normalize(check, r));
        const stray = results.find((r) => !scoped.judged.has(r.resource));
        if (stray) {
          throw new Error(
            `it is declared scope 'resource' but returned a result for ${stray.resource}, which is not one of the rows it was given (results must be named <type>/<key> of a row of ${subjectTypes(check).join(', ')})`,
          );
        }
      } else {
        const raw = await check.evaluate({ workspaceId, params: resolved.params, now, inputs });
        results = raw.map((r) => normalize(check, r));
      }
      outcome = 'judged';
    } catch (e) {
      only = undefined;
      outcome = 'error';
      reason = `check failed to run: ${(e as Error).message}`;
      results = await markAll(db.orm, workspaceId, check, 'error', reason);
    }
  }

  const changes = await db.orm.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${EVALUATION_LOCK}, hashtext(${`${workspaceId}/${check.id}`}))`);
    const record = options.hooks?.recordChanges;
    const changes = await applyResults(tx, workspaceId, check.id, results, now, record ? (c) => record(tx, resolved, c, now) : undefined, only);
    await options.hooks?.onChanges?.(tx, resolved, changes, now);
    const run = {
      workspaceId,
      checkId: check.id,
      lastRunAt: now,
      inputsVersion: health.status === 'ok' ? health.inputsVersion : null,
      paramsHash: resolved.paramsHash,
      changesSince: outcome === 'judged' ? changesSince : null,
      status: outcome,
      error: reason ?? null,
    };
    await tx
      .insert(checkRuns)
      .values(run)
      .onConflictDoUpdate({ target: [checkRuns.workspaceId, checkRuns.checkId], set: run });
    return changes;
  });
  return { check: check.id, outcome, results: results.length, changes: changes.length, ...(only ? { incremental: true } : {}), ...(reason ? { reason } : {}) };
}

/** The instant from which rows must be re-judged next time: now, or the start of a collection still running. */
async function changesMark(db: Executor, workspaceId: string, sourceNames: string[], now: Date): Promise<Date> {
  if (!sourceNames.length) return now;
  const [row] = await db
    .select({ earliest: sql<string | null>`min(${sourceRuns.startedAt})` })
    .from(sourceRuns)
    .where(and(eq(sourceRuns.workspaceId, workspaceId), eq(sourceRuns.status, 'running'), inArray(sourceRuns.source, sourceNames)));
  const earliest = row?.earliest ? new Date(row.earliest) : null;
  return earliest && earliest < now ? earliest : now;
}

/**
 * What an incremental run of a `scope: 'resource'` check re-judges: the rows of its subject types
 * written since `since` (deleted ones too, so their results close), and the rows their changed
 * `belongsTo` rows point at (before or after the change: a deleted factor still names its user).
 * The reader it returns shows the check only those rows and the rows that belong to them, so the
 * check's own code judges them exactly as in a full run.
 */
async function changedScope(inputs: InputReader, check: AnyCheck, since: Date): Promise<{ judged: Set<string>; reader: InputReader }> {
  const subjects = subjectTypes(check);
  const keys = new Map(subjects.map((t) => [t, new Set<string>()]));
  for (const type of subjects) for (const c of await inputs.changes(type, since)) keys.get(type)!.add(c.key);
  for (const [type, link] of Object.entries(check.belongsTo ?? {})) {
    for (const c of await inputs.changes(type, since)) {
      const owner = c.data[link.by];
      if (typeof owner === 'string' || typeof owner === 'number') keys.get(link.to)!.add(String(owner));
    }
  }
  const judged = new Set<string>();
  for (const [type, set] of keys) for (const k of set) judged.add(`${type}/${k}`);
  const reader: InputReader = {
    ...inputs,
    resources(type, filter) {
      if (filter) throw new Error(`an incremental run narrows ${type} itself; a scope 'resource' check reads every row it is given`);
      const link = check.belongsTo?.[type];
      if (link) return inputs.resources(type, { where: { field: link.by, in: [...keys.get(link.to)!] } });
      if (keys.has(type)) return inputs.resources(type, { keys: [...keys.get(type)!] });
      throw new Error(`${type} is not one of this check's resource inputs`);
    },
    changes() {
      throw new Error('a scope resource check reads the rows it is given, not changes');
    },
  };
  return { judged, reader };
}

function normalize(check: AnyCheck, r: CheckResult): StoredResult {
  if (!r.resource || typeof r.resource !== 'string') throw new Error(`check ${check.id} returned a result without a resource`);
  if (!r.reason) throw new Error(`check ${check.id} returned a result for ${r.resource} without a reason`);
  if (!Array.isArray(r.evidence)) throw new Error(`check ${check.id} returned a result for ${r.resource} without its evidence`);
  if (r.status === 'fail' && !r.remediation) throw new Error(`check ${check.id} failed ${r.resource} without a remediation`);
  return {
    resource: r.resource,
    status: r.status,
    severity: r.status === 'fail' ? (r.severity ?? check.severity) : check.severity,
    reason: r.reason,
    remediation: r.status === 'fail' ? r.remediation : undefined,
    evidence: r.evidence,
    details: r.details,
    source: r.source,
  };
}

/**
 * When a check cannot be judged, every resource it judged before takes that status (keeping the
 * evidence it was last judged on); with no earlier results one row stands for the whole check.
 */
async function markAll(
  db: Executor,
  workspaceId: string,
  check: AnyCheck,
  status: 'stale' | 'error' | 'not_applicable',
  reason: string,
): Promise<StoredResult[]> {
  const current = (await currentResults(db, workspaceId, check.id)).filter((r) => r.resource !== WHOLE_CHECK);
  if (status === 'not_applicable' || !current.length) {
    return [{ resource: WHOLE_CHECK, status, severity: check.severity, reason, evidence: [] }];
  }
  return current.map((r) => ({
    resource: r.resource,
    status,
    severity: r.severity,
    reason,
    evidence: r.evidence,
    details: r.details ?? undefined,
  }));
}
