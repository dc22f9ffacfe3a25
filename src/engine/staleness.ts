/**
 * Are a check's inputs fit to judge? Only when every source that provides them has collected
 * successfully within the check's freshness window and could read them. Otherwise the check's
 * results are `stale` (or `not_applicable` when no source provides its inputs at all) — never a pass.
 */
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { sources, type SourceRow } from '../db/schema/sources.ts';
import { addDuration } from '../lib/duration.ts';
import { inputNames, type AnyCheck } from '../checks/sdk/define.ts';

export type InputHealth =
  | { status: 'ok'; sources: SourceRow[]; inputsVersion: string }
  | { status: 'stale' | 'not_applicable'; reason: string; sources: SourceRow[] };

export const DEFAULT_FRESHNESS = 'P1D';

/** The enabled sources of a workspace: read once per evaluation, judged per check by `healthOf`. */
export async function enabledSources(db: Executor, workspaceId: string): Promise<SourceRow[]> {
  return db.select().from(sources).where(and(eq(sources.workspaceId, workspaceId), eq(sources.enabled, true)));
}

/** A check's input health from the workspace's enabled sources (`enabledSources`; those providing none of its inputs are ignored). */
export function healthOf(enabled: readonly SourceRow[], check: AnyCheck, now: Date): InputHealth {
  const names = inputNames(check);
  const rows = enabled.filter((s) => s.provides.some((p) => names.includes(p)));
  const optional = new Set(check.inputs.optional ?? []);
  // A check whose every input is optional reads alternatives (any one vulnerability scanner): one is enough.
  const required = names.filter((n) => !optional.has(n));
  const wanted = required.length ? required : names;
  if (!rows.some((s) => s.provides.some((p) => wanted.includes(p)))) {
    return {
      status: 'not_applicable',
      reason: `no enabled source collects ${names.join(', ')}; add one to vigil.yaml to judge this check`,
      sources: rows,
    };
  }
  const covered = new Set(rows.flatMap((s) => s.provides));
  const uncovered = names.filter((n) => !covered.has(n) && !optional.has(n));
  const problems: string[] = [];
  if (uncovered.length) problems.push(`no enabled source collects ${uncovered.join(', ')}`);
  const oldest = addDuration(now, check.freshness ?? DEFAULT_FRESHNESS, -1);
  for (const s of rows) {
    if (s.status === 'never_run' || !s.lastSuccessAt) {
      problems.push(
        s.lastError
          ? `source ${s.name} has never collected successfully: ${s.lastError}`
          : `source ${s.name} has not collected yet`,
      );
      continue;
    }
    if (s.status === 'failing') {
      problems.push(
        `source ${s.name} is failing since ${s.lastErrorAt?.toISOString() ?? 'its last run'}: ${s.lastError ?? 'unknown error'} (last good data ${s.lastSuccessAt.toISOString()})`,
      );
      continue;
    }
    if (s.lastSuccessAt < oldest) {
      problems.push(
        `data from source ${s.name} was collected ${s.lastSuccessAt.toISOString()}, older than this check's freshness window (${check.freshness ?? DEFAULT_FRESHNESS})`,
      );
    }
    // A type the source could not read (permission, error) leaves its rows as they were: stale.
    const unread = s.missing.filter((m) => names.includes(m.what) && m.kind !== 'not_applicable');
    for (const m of unread) problems.push(`source ${s.name} could not read ${m.what}: ${m.message}`);
  }
  if (problems.length) return { status: 'stale', reason: problems.join('; '), sources: rows };
  const inputsVersion = rows
    .map((s) => `${s.name}@${s.lastSuccessAt!.toISOString()}`)
    .sort()
    .join(',');
  return { status: 'ok', sources: rows, inputsVersion };
}
