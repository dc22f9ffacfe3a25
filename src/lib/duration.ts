/**
 * ISO 8601 durations (P15D, PT24H, P1Y2M, P2W). `addDuration` is calendar-aware for years and
 * months (P1M from Jan 31 is the last day of February), exact for weeks, days and times.
 */
import { invalidInput } from './errors.ts';

export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const RE = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseDuration(text: string, where?: string): Duration {
  const m = RE.exec(text);
  if (!m) throw invalidInput(`"${text}" is not an ISO 8601 duration (like P15D, PT24H or P1Y)`, where ? { where } : {});
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

export function addDuration(from: Date, d: Duration | string, sign: 1 | -1 = 1): Date {
  const dur = typeof d === 'string' ? parseDuration(d) : d;
  const t = new Date(from.getTime());
  if (dur.years || dur.months) {
    const day = t.getUTCDate();
    t.setUTCDate(1);
    t.setUTCMonth(t.getUTCMonth() + sign * (dur.years * 12 + dur.months));
    const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
    t.setUTCDate(Math.min(day, last));
  }
  const ms = ((((dur.weeks * 7 + dur.days) * 24 + dur.hours) * 60 + dur.minutes) * 60 + dur.seconds) * 1000;
  return new Date(t.getTime() + sign * ms);
}

/** Length in milliseconds, counting a month as 30 days and a year as 365 (for comparisons only). */
export function durationMs(d: Duration | string): number {
  const dur = typeof d === 'string' ? parseDuration(d) : d;
  const days = dur.years * 365 + dur.months * 30 + dur.weeks * 7 + dur.days;
  return (((days * 24 + dur.hours) * 60 + dur.minutes) * 60 + dur.seconds) * 1000;
}
