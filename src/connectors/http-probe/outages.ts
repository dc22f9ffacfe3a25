/**
 * Outages from consecutive failed probes, as a small state machine over probe runs. The state per
 * target (failures in a row, since when, whether the outage was announced) travels in the
 * `outages` stream's cursor, so detection spans collections without any other storage: the
 * engine stores the cursor with the page of events it belongs to.
 *
 * An outage starts at the first failed probe of the run of failures and is announced (a
 * `started` event) when the run reaches `outageAfter` failures; it ends at the first probe that
 * passes (a `resolved` event with its duration). A single failure is a blip: it counts against
 * uptime but is not an outage.
 */

export interface ProbeResultLike {
  target: string;
  at: string;
  ok: boolean;
  error: string | null;
}

export interface TargetState {
  failures: number;
  /** Time of the first failed probe of the current run of failures. */
  since: string | null;
  lastError: string | null;
  /** Whether the run of failures became an outage (a `started` event was emitted). */
  open: boolean;
}

export interface OutageState {
  v: 1;
  targets: Record<string, TargetState>;
}

export interface OutageEvent {
  id: string;
  outageId: string;
  target: string;
  phase: 'started' | 'resolved';
  at: string;
  startedAt: string;
  resolvedAt: string | null;
  failedProbes: number;
  lastError: string | null;
  durationSeconds: number | null;
}

export const emptyState = (): OutageState => ({ v: 1, targets: {} });

/** The state a cursor holds; a cursor that does not parse starts afresh (returned as `reset`). */
export function parseState(cursor: string | null): { state: OutageState; reset: boolean } {
  if (cursor === null) return { state: emptyState(), reset: false };
  try {
    const parsed = JSON.parse(cursor) as Partial<OutageState>;
    if (parsed.v === 1 && parsed.targets && typeof parsed.targets === 'object') return { state: { v: 1, targets: parsed.targets }, reset: false };
  } catch {
    // Fall through: an unreadable cursor loses only the failures counted so far.
  }
  return { state: emptyState(), reset: true };
}

const fresh = (): TargetState => ({ failures: 0, since: null, lastError: null, open: false });

/**
 * Apply one run's results. Targets not probed in this run (removed from the config) are dropped,
 * so an outage of a target nobody probes any more is never reported as resolved.
 */
export function advanceOutages(prev: OutageState, results: readonly ProbeResultLike[], outageAfter: number): { state: OutageState; events: OutageEvent[] } {
  const next: OutageState = { v: 1, targets: {} };
  const events: OutageEvent[] = [];
  for (const r of results) {
    const s = prev.targets[r.target] ?? fresh();
    if (r.ok) {
      if (s.open && s.since) {
        const outageId = `${r.target}@${s.since}`;
        events.push({
          id: `${outageId}/resolved`,
          outageId,
          target: r.target,
          phase: 'resolved',
          at: r.at,
          startedAt: s.since,
          resolvedAt: r.at,
          failedProbes: s.failures,
          lastError: s.lastError,
          durationSeconds: Math.round((Date.parse(r.at) - Date.parse(s.since)) / 1000),
        });
      }
      next.targets[r.target] = fresh();
      continue;
    }
    const since = s.since ?? r.at;
    const failures = s.failures + 1;
    const opens = !s.open && failures >= outageAfter;
    if (opens) {
      const outageId = `${r.target}@${since}`;
      events.push({
        id: `${outageId}/started`,
        outageId,
        target: r.target,
        phase: 'started',
        at: r.at,
        startedAt: since,
        resolvedAt: null,
        failedProbes: failures,
        lastError: r.error,
        durationSeconds: null,
      });
    }
    next.targets[r.target] = { failures, since, lastError: r.error, open: s.open || opens };
  }
  return { state: next, events };
}
