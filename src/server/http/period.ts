import { VigilError } from '../../lib/errors.ts';
import { rangeInside, type Scope } from '../auth/scope.ts';
import { ceilDay, floorDay } from '../queries/controls.ts';

/**
 * The whole UTC days a timeline covers: as asked, else the last 90 days (an auditor: their latest
 * audit period). An auditor may not look outside their periods (each counted as the whole days it touches).
 */
export function timelineRange(query: { from?: Date | undefined; to?: Date | undefined }, scope: Scope, now: Date): { from: Date; to: Date } {
  const today = floorDay(now);
  const dayScope: Scope = scope ? { windows: scope.windows.map((w) => ({ from: floorDay(w.from), to: ceilDay(w.to) })) } : null;
  const latest = dayScope?.windows[dayScope.windows.length - 1];
  const from = floorDay(query.from ?? (dayScope ? latest?.from : new Date(today.getTime() - 89 * 86_400_000)) ?? today);
  const to = ceilDay(query.to ?? (dayScope ? latest?.to : new Date(today.getTime() + 86_400_000)) ?? today);
  if (!rangeInside(from, to, dayScope)) {
    throw new VigilError('PermissionDenied', 'this period is outside your audit periods', { hint: 'GET /api/v1/audit-periods lists yours' });
  }
  return { from, to };
}
