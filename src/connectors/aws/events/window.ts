/**
 * The time window an incremental AWS listing reads. The cursor is the end of the last window read
 * (ISO 8601); the next window starts a little before it, because CloudTrail and Backup make an
 * event visible some minutes after its time — the engine drops the repeats by event id.
 */
import { DAY_MS } from '../../../lib/clock.ts';
import { VigilError } from '../../../lib/errors.ts';

export const OVERLAP_MS = 20 * 60_000;

export function eventWindow(cursor: string | null, now: Date, lookbackDays: number, where: string): { start: Date; end: Date } {
  const oldest = new Date(now.getTime() - lookbackDays * DAY_MS);
  if (cursor === null) return { start: oldest, end: now };
  const t = Date.parse(cursor);
  if (Number.isNaN(t)) {
    throw new VigilError('Internal', `the stored cursor "${cursor}" is not a time`, { where, hint: 'reset the stored cursor of this stream so the next run starts from the lookback window' });
  }
  // Never further back than AWS keeps (CloudTrail: 90 days), even after a long pause.
  const start = new Date(Math.max(t - OVERLAP_MS, now.getTime() - 90 * DAY_MS));
  return { start, end: now };
}
