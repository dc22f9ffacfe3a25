/**
 * Digests: once per period (the day or week that just ended, UTC), one alert per owner summing up
 * their findings — open, overdue, opened and resolved in the period — with the most urgent listed.
 * Raising is idempotent per (owner, schedule, period start), so every maintenance pass may try.
 */
import { and, eq, gte, inArray, lt, or } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { findings } from '../db/schema/findings.ts';
import type { Clock } from '../lib/clock.ts';
import { digestPeriod } from '../notify/triggers.ts';
import type { AlertsConfig, Severity } from './config/schema.ts';
import type { AlertRaiser } from './ports.ts';

const rank: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

export async function raiseDigests(
  deps: { db: Database; clock: Clock; alerts: AlertRaiser },
  workspaceId: string,
  digest: AlertsConfig['digest'],
): Promise<number> {
  if (!digest) return 0;
  const now = deps.clock.now();
  const { start, end } = digestPeriod(digest.schedule, now);
  const rows = await deps.db.orm
    .select()
    .from(findings)
    .where(
      and(
        eq(findings.workspaceId, workspaceId),
        or(inArray(findings.status, ['open', 'acknowledged', 'muted']), and(gte(findings.resolvedAt, start), lt(findings.resolvedAt, end))),
      ),
    );
  const byOwner = new Map<string | null, typeof rows>();
  for (const f of rows) byOwner.set(f.owner, [...(byOwner.get(f.owner) ?? []), f]);
  let raised = 0;
  for (const [owner, list] of byOwner) {
    const open = list.filter((f) => f.status !== 'resolved');
    if (!open.length && !list.length) continue;
    const urgent = [...open].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || rank[a.severity]! - rank[b.severity]!).slice(0, 50);
    await deps.alerts.raise(workspaceId, {
      kind: 'digest',
      payload: {
        owner,
        schedule: digest.schedule,
        periodStart: start.toISOString(),
        periodEnd: end.toISOString(),
        totals: {
          open: open.length,
          overdue: open.filter((f) => f.dueAt < end).length,
          openedInPeriod: list.filter((f) => f.openedAt >= start && f.openedAt < end).length,
          resolvedInPeriod: list.filter((f) => f.resolvedAt && f.resolvedAt >= start && f.resolvedAt < end).length,
        },
        findings: urgent.map((f) => ({
          findingId: f.id,
          title: f.title,
          severity: f.severity as Severity,
          resource: f.resource,
          status: f.status as 'open' | 'acknowledged' | 'muted',
          dueAt: f.dueAt.toISOString(),
        })),
      },
    });
    raised++;
  }
  return raised;
}
