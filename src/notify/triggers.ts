/**
 * The two bits of timing the engine needs to decide when to raise time-based alerts, kept beside
 * the alerts so the thresholds in alerts.slaAtRisk and alerts.digest mean one thing everywhere.
 */
import { DAY_MS } from '../lib/clock.ts';
import { invalidInput } from '../lib/errors.ts';

/** The moment a finding's SLA is "at risk": `share` of the time from opening to due has passed. */
export function slaAtRiskAt(openedAt: Date, dueAt: Date, share: number): Date {
  if (!(share > 0 && share < 1)) throw invalidInput(`slaAtRisk must be between 0 and 1, got ${share}`, { where: 'alerts.slaAtRisk' });
  const span = dueAt.getTime() - openedAt.getTime();
  return new Date(openedAt.getTime() + Math.max(0, span) * share);
}

/** Share of a finding's remediation time used at `now`, from 0 (just opened) to 1 (due or past). */
export function elapsedShare(openedAt: Date, dueAt: Date, now: Date): number {
  const span = dueAt.getTime() - openedAt.getTime();
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, (now.getTime() - openedAt.getTime()) / span));
}

/**
 * The last complete digest period before `now`, in UTC: for `daily` the previous day; for
 * `weekly` the previous ISO week (Monday 00:00 to Monday 00:00). The period start is what makes a
 * digest unique, so a digest job that runs twice in a period enqueues it once.
 */
export function digestPeriod(schedule: 'daily' | 'weekly', now: Date): { start: Date; end: Date } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (schedule === 'daily') return { start: new Date(today - DAY_MS), end: new Date(today) };
  const sinceMonday = (now.getUTCDay() + 6) % 7;
  const thisMonday = today - sinceMonday * DAY_MS;
  return { start: new Date(thisMonday - 7 * DAY_MS), end: new Date(thisMonday) };
}
