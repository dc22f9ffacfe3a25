/**
 * Live events for the dashboard (server-sent events at /api/v1/events): result and finding changes.
 *
 * One hub per server polls the database — on PGlite and on PostgreSQL alike — while at least one
 * client listens, and fans the changes out. Polling rather than LISTEN/NOTIFY because the engine
 * may run in other processes (`vigil worker`) that would all have to notify, and because one query
 * every two seconds per server costs nothing. Each poll re-reads a trailing window below its
 * cursor and skips what it already announced, so a transaction that commits after a later one
 * (possible with several workers on PostgreSQL) is still announced.
 */
import type { LiveCursor, LiveQuery } from './queries/live.ts';

export type LiveEvent =
  | {
      type: 'results';
      data: {
        /** Per check: how many results changed, and to which statuses. */
        checks: { check: string; changes: number; statuses: Record<string, number> }[];
        /** The changes themselves, at most 100 (refetch for more). */
        changes: { check: string; resource: string; status: string; since: string }[];
      };
    }
  | {
      type: 'finding';
      data: { id: string; check: string; severity: string; action: string; from: string | null; to: string | null; actor: string; at: string };
    }
  | { type: 'findings'; data: { count: number } };

export type Listener = (e: LiveEvent) => void;

/** How far below the cursor each poll looks again for late commits. */
const LOOKBACK = 500;
/** More finding changes than this in one poll are announced as one `findings` event. */
const MAX_FINDING_EVENTS = 200;

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

export function createEventHub({ live, pollMs = 2000, onError }: { live: LiveQuery; pollMs?: number; onError?: (e: unknown) => void }) {
  const listeners = new Set<Listener>();
  let cursor: LiveCursor | undefined;
  const announced = { results: new Set<number>(), findings: new Set<number>() };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<LiveEvent[]> | undefined;

  /**
   * Start from what exists now: everything up to the current maximum ids counts as announced, so
   * the trailing window of the first poll does not replay history. A row with a smaller id that
   * commits later is still new, and is announced.
   */
  async function ready(): Promise<void> {
    if (cursor) return;
    const head = await live.head();
    const rows = await live.since({ results: Math.max(0, head.results - LOOKBACK), findings: Math.max(0, head.findings - LOOKBACK) });
    for (const r of rows.results) if (r.id <= head.results) announced.results.add(r.id);
    for (const f of rows.findings) if (f.id <= head.findings) announced.findings.add(f.id);
    cursor ??= head;
  }

  function prune(set: Set<number>, below: number) {
    for (const id of set) if (id <= below) set.delete(id);
  }

  async function pollOnce(): Promise<LiveEvent[]> {
    await ready();
    const c = cursor!;
    const rows = await live.since({ results: Math.max(0, c.results - LOOKBACK), findings: Math.max(0, c.findings - LOOKBACK) });
    const results = rows.results.filter((r) => !announced.results.has(r.id));
    const findings = rows.findings.filter((f) => !announced.findings.has(f.id));
    for (const r of results) announced.results.add(r.id);
    for (const f of findings) announced.findings.add(f.id);
    cursor = {
      results: Math.max(c.results, ...rows.results.map((r) => r.id)),
      findings: Math.max(c.findings, ...rows.findings.map((f) => f.id)),
    };
    prune(announced.results, cursor.results - LOOKBACK);
    prune(announced.findings, cursor.findings - LOOKBACK);

    const events: LiveEvent[] = [];
    if (results.length) {
      const byCheck = new Map<string, { check: string; changes: number; statuses: Record<string, number> }>();
      for (const r of results) {
        const e = byCheck.get(r.check_id) ?? { check: r.check_id, changes: 0, statuses: {} };
        e.changes++;
        e.statuses[r.status] = (e.statuses[r.status] ?? 0) + 1;
        byCheck.set(r.check_id, e);
      }
      events.push({
        type: 'results',
        data: {
          checks: [...byCheck.values()],
          changes: results.slice(0, 100).map((r) => ({ check: r.check_id, resource: r.resource, status: r.status, since: iso(r.valid_from) })),
        },
      });
    }
    if (findings.length > MAX_FINDING_EVENTS) events.push({ type: 'findings', data: { count: findings.length } });
    else {
      for (const f of findings) {
        events.push({
          type: 'finding',
          data: { id: f.finding_id, check: f.check_id, severity: f.severity, action: f.action, from: f.from_status, to: f.to_status, actor: f.actor, at: iso(f.at) },
        });
      }
    }
    for (const e of events) for (const l of listeners) l(e);
    return events;
  }

  /** One poll (overlapping calls share it); the timer calls this, and tests call it directly. */
  function poll(): Promise<LiveEvent[]> {
    running ??= pollOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule() {
    if (timer || !listeners.size) return;
    timer = setTimeout(() => {
      timer = undefined;
      poll()
        .catch((e: unknown) => onError?.(e))
        .finally(schedule);
    }, pollMs);
    timer.unref();
  }

  return {
    ready,
    poll,
    subscribe(l: Listener): () => void {
      listeners.add(l);
      schedule();
      return () => {
        listeners.delete(l);
        if (!listeners.size && timer) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
    get listeners() {
      return listeners.size;
    },
    close() {
      listeners.clear();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

export type EventHub = ReturnType<typeof createEventHub>;
