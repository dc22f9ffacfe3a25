import { describe, expect, it } from 'vitest';
import { NORMALIZED_DATE, parseHrDate } from './dates.ts';

describe('parseHrDate', () => {
  it('keeps a calendar date as a date', () => {
    expect(parseHrDate(' 2026-02-28 ')).toEqual({ ok: true, value: '2026-02-28' });
  });

  it('reads a date-time without a zone as UTC', () => {
    expect(parseHrDate('2026-03-31T17:30')).toEqual({ ok: true, value: '2026-03-31T17:30:00.000Z' });
    expect(parseHrDate('2026-03-31 17:30:05.25')).toEqual({ ok: true, value: '2026-03-31T17:30:05.250Z' });
  });

  it('converts a date-time with an offset to UTC', () => {
    expect(parseHrDate('2026-01-01T01:30:00+02:00')).toEqual({ ok: true, value: '2025-12-31T23:30:00.000Z' });
    expect(parseHrDate('2026-01-01T00:00-0530')).toEqual({ ok: true, value: '2026-01-01T05:30:00.000Z' });
    expect(parseHrDate('2026-01-01T00:00:00z')).toEqual({ ok: true, value: '2026-01-01T00:00:00.000Z' });
  });

  it('refuses days that are not in the calendar and times that do not exist', () => {
    expect(parseHrDate('2026-02-29')).toEqual({ ok: false, reason: '"2026-02-29" is not a day of the calendar' });
    expect(parseHrDate('2026-04-01T24:00')).toEqual({ ok: false, reason: '"2026-04-01T24:00" is not a real date and time' });
    expect(parseHrDate('2026-04-01T10:00+15:00').ok).toBe(false);
  });

  it('refuses other formats rather than guessing day and month', () => {
    for (const text of ['01/02/2026', '2026-1-2', '2026-01-02T10', 'yesterday', '']) {
      const r = parseHrDate(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.reason).toContain('is not an ISO 8601 date');
    }
  });

  it('produces only values the stored schema accepts', () => {
    for (const text of ['2026-02-28', '2026-03-31T17:30', '2026-01-01T01:30:00+02:00']) {
      const r = parseHrDate(text);
      expect(r.ok && NORMALIZED_DATE.test(r.value)).toBe(true);
    }
  });
});
