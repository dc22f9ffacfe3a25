/**
 * An evaluation run: for each check, decide whether its inputs are fit to judge (staleness.ts),
 * run it (or mark its results stale / error / not applicable), store the results as state changes
 * (results.ts), and hand the changes to the caller's hook inside the same transaction — core uses
 * it to open and resolve findings, raise alerts and append evidence, so they commit together.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/client.ts';
import { checkRuns } from '../db/schema/check-runs.ts';
import type { Clock } from '../lib/clock.ts';
import type { AnyCheck, CheckResult } from '../checks/sdk/define.ts';
import { createInputReader } from '../checks/sdk/inputs.ts';
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
  results: number;
  changes: number;
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

  if (options.onlyChanged && health.status === 'ok') {
    const [prior] = await db.orm
      .select()
      .from(checkRuns)
      .where(and(eq(checkRuns.workspaceId, workspaceId), eq(checkRuns.checkId, check.id)));
    if (prior && prior.inputsVersion === health.inputsVersion && prior.paramsHash === resolved.paramsHash && prior.status === 'judged') {
      return { check: check.id, outcome: 'skipped', results: 0, changes: 0 };
    }
  }

  let outcome: CheckRunSummary['outcome'];
  let results: StoredResult[];
  let reason: string | undefined;
  if (health.status !== 'ok') {
    outcome = health.status;
    reason = health.reason;
    results = await markAll(db.orm, workspaceId, check, health.status, health.reason);
  } else {
    try {
      const raw = await check.evaluate({ workspaceId, params: resolved.params, now, inputs: createInputReader(db.orm, workspaceId) });
      results = raw.map((r) => normalize(check, r));
      outcome = 'judged';
    } catch (e) {
      outcome = 'error';
      reason = `check failed to run: ${(e as Error).message}`;
      results = await markAll(db.orm, workspaceId, check, 'error', reason);
    }
  }

  const changes = await db.orm.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${EVALUATION_LOCK}, hashtext(${`${workspaceId}/${check.id}`}))`);
    const record = options.hooks?.recordChanges;
    const changes = await applyResults(tx, workspaceId, check.id, results, now, record ? (c) => record(tx, resolved, c, now) : undefined);
    await options.hooks?.onChanges?.(tx, resolved, changes, now);
    const run = {
      workspaceId,
      checkId: check.id,
      lastRunAt: now,
      inputsVersion: health.status === 'ok' ? health.inputsVersion : null,
      paramsHash: resolved.paramsHash,
      status: outcome,
      error: reason ?? null,
    };
    await tx
      .insert(checkRuns)
      .values(run)
      .onConflictDoUpdate({ target: [checkRuns.workspaceId, checkRuns.checkId], set: run });
    return changes;
  });
  return { check: check.id, outcome, results: results.length, changes: changes.length, ...(reason ? { reason } : {}) };
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
