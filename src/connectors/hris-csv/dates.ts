/**
 * Dates as HR exports write them: an ISO 8601 calendar date (`2026-03-31`) or a date-time
 * (`2026-03-31T17:30`, `2026-03-31 17:30:00+02:00`). A date-time without a zone is UTC. A date
 * stays a date: whether HR recorded a day or an instant matters to the leaver check (a date-only
 * termination counts from the end of that day).
 */

/** What the employees resource stores: `YYYY-MM-DD`, or a UTC instant `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export const NORMALIZED_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\.\d{3}Z)?$/;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export type DateParse = { ok: true; value: string } | { ok: false; reason: string };

const bad = (text: string): DateParse => ({
  ok: false,
  reason: `"${text}" is not an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])`,
});

function validDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

export function parseHrDate(raw: string): DateParse {
  const text = raw.trim();
  const date = DATE.exec(text);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    return validDay(y, m, d) ? { ok: true, value: text } : { ok: false, reason: `"${text}" is not a day of the calendar` };
  }
  const dt = DATE_TIME.exec(text);
  if (!dt) return bad(text);
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((k) => Number(dt[k]));
  const s = dt[6] === undefined ? 0 : Number(dt[6]);
  const ms = dt[7] === undefined ? 0 : Math.floor(Number(`0${dt[7]}`) * 1000);
  if (!validDay(y!, mo!, d!) || h! > 23 || mi! > 59 || s > 59) return { ok: false, reason: `"${text}" is not a real date and time` };
  let offsetMinutes = 0;
  const zone = dt[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 14 || om > 59) return { ok: false, reason: `"${text}" has an impossible time-zone offset ${zone}` };
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const utc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s, ms) - offsetMinutes * 60_000;
  return { ok: true, value: new Date(utc).toISOString() };
}
