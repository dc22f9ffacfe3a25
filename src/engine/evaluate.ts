/**
 * An evaluation run: for each check, decide whether its inputs are fit to judge (staleness.ts),
 * run it (or mark its results stale / error / not applicable), store the results as state changes
 * (results.ts), and hand the changes to the caller's hook inside the same transaction — core uses
 * it to open and resolve findings, raise alerts and append evidence, so they commit together.
 *
 * With `onlyChanged` a check whose sources did not collect since its last judged run is skipped;
 * so is a check that does not read the clock (`readsNow`) when no row of its inputs was written
 * since then and its params are the same. A check of `scope: 'resource'` re-judges only the rows
 * written since then (changedScope), keeping the current results of every other row; any other
 * check, or any doubt, judges everything.
 *
 * What all checks share (sources, last runs, running collections, the latest write per input) is
 * read once per evaluation; a check whose results did not change writes only its run record,
 * without a transaction (results.ts compares in SQL).
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type Database, type Executor } from '../db/client.ts';
import { checkRuns } from '../db/schema/check-runs.ts';
import { sourceRuns } from '../db/schema/source-runs.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import type { Clock } from '../lib/clock.ts';
import { subjectTypes, type AnyCheck, type CheckContext, type CheckResult } from '../checks/sdk/define.ts';
import { createInputReader, type InputReader } from '../checks/sdk/inputs.ts';
import { currentResults, diffResults, writeChanges, type ResultChange, type StoredResult } from './results.ts';
import { enabledSources, healthOf } from './staleness.ts';

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
  /** Called in the transaction that stores the changes; a run that changes nothing opens none and does not call it. */
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
  const run = await evaluationContext(deps, workspaceId, checks, options.onlyChanged ?? false);
  const summaries: CheckRunSummary[] = [];
  try {
    for (const resolved of checks) {
      summaries.push(await evaluateOne(deps, workspaceId, resolved, run, options));
    }
  } finally {
    // The runs of checks whose results did not change, in one statement. Should this not happen
    // (the process dies), a check's last mark and inputs version stay older: its next run judges
    // more than it needs to, never less.
    await saveRuns(deps.db.orm, run.unchangedRuns);
  }
  return summaries;
}

type CheckRunRow = typeof checkRuns.$inferSelect;

/** What every check of one evaluation shares, read once at its start rather than once per check. */
interface EvaluationContext {
  /** The workspace's enabled sources (input health). */
  sources: SourceRow[];
  /** The evaluation's start, from which rows are re-judged by the next incremental run (see `changesMark`). */
  start: Date;
  /** Collections running at the start: source name → when it started. */
  running: Map<string, Date>;
  /** Each check's last run (incremental runs only). */
  prior: Map<string, CheckRunRow>;
  /** The latest write to each input type / stream read by a check that may be skipped (incremental runs only). */
  lastWrite: Map<string, Date | null>;
  unchangedRuns: CheckRunRow[];
}

async function evaluationContext(
  deps: { db: Database; clock: Clock },
  workspaceId: string,
  checks: ResolvedCheck[],
  onlyChanged: boolean,
): Promise<EvaluationContext> {
  const db = deps.db.orm;
  const start = deps.clock.now();
  const enabled = await enabledSources(db, workspaceId);
  // Rows written from here on are re-judged by the next incremental run. A collection still
  // running wrote its rows stamped with its own start (or later), and they may not be visible to
  // this run yet: the mark goes back to the earliest such start, so none is ever skipped. The
  // mark is the evaluation's start, not each check's: a collection that starts while it runs
  // stamps its rows after the mark, so they are re-judged next time whatever this run read.
  const running = new Map<string, Date>();
  for (const r of await db
    .select({ source: sourceRuns.source, startedAt: sourceRuns.startedAt })
    .from(sourceRuns)
    .where(and(eq(sourceRuns.workspaceId, workspaceId), eq(sourceRuns.status, 'running')))) {
    const seen = running.get(r.source);
    if (!seen || r.startedAt < seen) running.set(r.source, r.startedAt);
  }
  const prior = new Map<string, CheckRunRow>();
  const lastWrite = new Map<string, Date | null>();
  if (onlyChanged) {
    for (const row of await db.select().from(checkRuns).where(eq(checkRuns.workspaceId, workspaceId))) prior.set(row.checkId, row);
    const skippable = checks.filter((c) => mayBeSkipped(c.check));
    const types = [...new Set(skippable.flatMap((c) => c.check.inputs.resources ?? []))];
    const streams = [...new Set(skippable.flatMap((c) => c.check.inputs.events ?? []))];
    for (const [name, at] of await lastWrites(db, workspaceId, types, streams)) lastWrite.set(name, at);
  }
  return { sources: enabled, start, running, prior, lastWrite, unchangedRuns: [] };
}

/** A check an incremental run may skip when none of its inputs changed: one that does not read the clock. */
const mayBeSkipped = (check: AnyCheck) => !check.readsNow && check.scope !== 'resource';

/**
 * The latest write to each resource type (a row added, changed or marked deleted: `changed_at`)
 * and each event stream (an event stored: `collected_at`). One index probe per type; events have
 * no index on `collected_at` and are scanned per stream, which only a check reading events without
 * reading the clock needs (no built-in check does: every one reading events looks back from now).
 */
async function lastWrites(db: Executor, workspaceId: string, types: string[], streams: string[]): Promise<[string, Date | null][]> {
  if (!types.length && !streams.length) return [];
  const rows = rowsOf<{ kind: string; name: string; at: string | Date | null }>(
    await db.execute(sql`
      SELECT 'r' AS kind, t.name, (SELECT max(changed_at) FROM resources r WHERE r.workspace_id = ${workspaceId} AND r.type = t.name) AS at
      FROM unnest(${sql.param(types)}::text[]) AS t(name)
      UNION ALL
      SELECT 'e' AS kind, s.name, (SELECT max(collected_at) FROM events e WHERE e.workspace_id = ${workspaceId} AND e.stream = s.name) AS at
      FROM unnest(${sql.param(streams)}::text[]) AS s(name)`),
  );
  return rows.map((r) => [`${r.kind}:${r.name}`, r.at === null ? null : new Date(r.at)]);
}

/** Whether any row of the check's inputs was written at or after `since`. */
function inputsWrittenSince(check: AnyCheck, lastWrite: Map<string, Date | null>, since: Date): boolean {
  const keys = [...(check.inputs.resources ?? []).map((t) => `r:${t}`), ...(check.inputs.events ?? []).map((s) => `e:${s}`)];
  return keys.some((k) => {
    if (!lastWrite.has(k)) return true;
    const at = lastWrite.get(k);
    return at != null && at >= since;
  });
}

/** The sources behind an inputs version (`name@lastSuccess,…`), without their times. */
const sourceNames = (inputsVersion: string | null) => (inputsVersion ?? '').split(',').map((v) => v.slice(0, v.lastIndexOf('@'))).join(',');

async function evaluateOne(
  deps: { db: Database; clock: Clock },
  workspaceId: string,
  resolved: ResolvedCheck,
  run: EvaluationContext,
  options: { onlyChanged?: boolean; hooks?: EvaluationHooks },
): Promise<CheckRunSummary> {
  const { check } = resolved;
  const { db } = deps;
  const now = deps.clock.now();
  const health = healthOf(run.sources, check, now);
  const changesSince = changesMark(run, health.sources.map((s) => s.name), now);
  let since: Date | undefined;
  if (options.onlyChanged && health.status === 'ok') {
    const prior = run.prior.get(check.id);
    if (prior && prior.paramsHash === resolved.paramsHash && prior.status === 'judged') {
      if (prior.inputsVersion === health.inputsVersion) return { check: check.id, outcome: 'skipped', results: 0, changes: 0 };
      // Nothing it reads was written since its last judgement, from the same sources, and the
      // clock does not move its results: that judgement stands. Its mark stays where it was, so
      // what is written from now on is still seen by the next run.
      if (
        mayBeSkipped(check) &&
        prior.changesSince &&
        sourceNames(prior.inputsVersion) === sourceNames(health.inputsVersion) &&
        !inputsWrittenSince(check, run.lastWrite, prior.changesSince)
      ) {
        return { check: check.id, outcome: 'skipped', results: 0, changes: 0 };
      }
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
        const raw = only.length ? await check.evaluate(checkContext(check, workspaceId, resolved.params, now, scoped.reader)) : [];
        results = raw.map((r) => normalize(check, r));
        const stray = results.find((r) => !scoped.judged.has(r.resource));
        if (stray) {
          throw new Error(
            `it is declared scope 'resource' but returned a result for ${stray.resource}, which is not one of the rows it was given (results must be named <type>/<key> of a row of ${subjectTypes(check).join(', ')})`,
          );
        }
      } else {
        const raw = await check.evaluate(checkContext(check, workspaceId, resolved.params, now, inputs));
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

  const runRow: CheckRunRow = {
    workspaceId,
    checkId: check.id,
    lastRunAt: now,
    inputsVersion: health.status === 'ok' ? health.inputsVersion : null,
    paramsHash: resolved.paramsHash,
    changesSince: outcome === 'judged' ? changesSince : null,
    status: outcome,
    error: reason ?? null,
  };
  const summary = (changes: number): CheckRunSummary => ({
    check: check.id,
    outcome,
    results: results.length,
    changes,
    ...(only ? { incremental: true } : {}),
    ...(reason ? { reason } : {}),
  });
  // Compared first without a transaction or a lock: most runs change nothing, and then only the
  // run itself is recorded. Otherwise the comparison is made again under the lock, where it counts.
  if (!(await diffResults(db.orm, workspaceId, check.id, results, only)).length) {
    run.unchangedRuns.push(runRow);
    return summary(0);
  }
  const changes = await db.orm.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${EVALUATION_LOCK}, hashtext(${`${workspaceId}/${check.id}`}))`);
    const changes = await diffResults(tx, workspaceId, check.id, results, only);
    if (changes.length) {
      const record = options.hooks?.recordChanges;
      await writeChanges(tx, workspaceId, check.id, changes, now, record ? (c) => record(tx, resolved, c, now) : undefined);
      await options.hooks?.onChanges?.(tx, resolved, changes, now);
    }
    await saveRuns(tx, [runRow]);
    return changes;
  });
  return summary(changes.length);
}

/**
 * The context a check is evaluated with. `now` is refused to a check that does not declare
 * `readsNow`: such a check is skipped by an incremental run when its inputs did not change, which
 * would leave a result that moves with the clock behind.
 */
function checkContext(check: AnyCheck, workspaceId: string, params: unknown, now: Date, inputs: InputReader): CheckContext<unknown> {
  return {
    workspaceId,
    params,
    inputs,
    get now(): Date {
      if (!check.readsNow) {
        throw new Error(
          `it reads the current time (now) but does not declare readsNow: true; add it to the check's definition (an incremental evaluation skips a check that does not read the clock when its inputs did not change)`,
        );
      }
      return now;
    },
  };
}

async function saveRuns(db: Executor, rows: CheckRunRow[]): Promise<void> {
  if (!rows.length) return;
  const col = (name: string) => sql.raw(`excluded.${name}`);
  await db
    .insert(checkRuns)
    .values(rows)
    .onConflictDoUpdate({
      target: [checkRuns.workspaceId, checkRuns.checkId],
      set: {
        lastRunAt: col('last_run_at'),
        inputsVersion: col('inputs_version'),
        paramsHash: col('params_hash'),
        changesSince: col('changes_since'),
        status: col('status'),
        error: col('error'),
      },
    });
}

/** The instant from which rows must be re-judged next time: the evaluation's start, or the start of a collection of these sources still running then. */
function changesMark(run: EvaluationContext, sourceNames: string[], now: Date): Date {
  let mark = run.start < now ? run.start : now;
  for (const name of sourceNames) {
    const started = run.running.get(name);
    if (started && started < mark) mark = started;
  }
  return mark;
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
