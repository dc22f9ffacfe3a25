import { describe, expect, it } from 'vitest';
import { fmtDuration, fmtTime, relTime } from './format.ts';

describe('formatting for people', () => {
  it('reads ISO 8601 durations as words, and leaves what it cannot parse as it is', () => {
    expect(fmtDuration('P30D')).toBe('30 days');
    expect(fmtDuration('PT1H')).toBe('1 hour');
    expect(fmtDuration('P1Y6M')).toBe('1 year 6 months');
    expect(fmtDuration('PT15M')).toBe('15 minutes');
    expect(fmtDuration('P15M')).toBe('15 months');
    expect(fmtDuration('every day')).toBe('every day');
  });

  it('says how far a time is from now, both ways', () => {
    const now = Date.parse('2026-03-10T12:00:00Z');
    expect(relTime('2026-03-13T12:00:00Z', now)).toBe('in 3 days');
    expect(relTime('2026-03-10T10:00:00Z', now)).toBe('2 hours ago');
    expect(relTime('2026-03-10T12:00:20Z', now)).toBe('just now');
    expect(relTime(null, now)).toBe('—');
  });

  it('shows times in UTC to the minute', () => {
    expect(fmtTime('2026-03-10T12:34:56.789Z')).toBe('2026-03-10 12:34 UTC');
  });
});
