import { describe, expect, it } from 'vitest';
import { digestPeriod, elapsedShare, slaAtRiskAt } from './triggers.ts';

describe('time-based alert triggers', () => {
  it('puts "at risk" at the configured share of the time from opening to due', () => {
    const opened = new Date('2026-12-01T00:00:00Z');
    const due = new Date('2026-12-31T00:00:00Z');
    expect(slaAtRiskAt(opened, due, 0.75).toISOString()).toBe('2026-12-23T12:00:00.000Z');
    expect(elapsedShare(opened, due, new Date('2026-12-16T00:00:00Z'))).toBe(0.5);
    expect(elapsedShare(opened, due, new Date('2027-02-01T00:00:00Z'))).toBe(1);
    expect(elapsedShare(opened, due, new Date('2026-11-01T00:00:00Z'))).toBe(0);
    expect(() => slaAtRiskAt(opened, due, 1.5)).toThrow(/between 0 and 1/);
  });

  it('gives the previous UTC day for daily digests and the previous ISO week for weekly ones', () => {
    expect(digestPeriod('daily', new Date('2026-12-02T07:30:00Z'))).toEqual({
      start: new Date('2026-12-01T00:00:00Z'),
      end: new Date('2026-12-02T00:00:00Z'),
    });
    // 2026-12-02 is a Wednesday; on a Monday the week that just ended is reported.
    expect(digestPeriod('weekly', new Date('2026-12-02T07:30:00Z'))).toEqual({
      start: new Date('2026-11-23T00:00:00Z'),
      end: new Date('2026-11-30T00:00:00Z'),
    });
    expect(digestPeriod('weekly', new Date('2026-11-30T00:00:00Z'))).toEqual({
      start: new Date('2026-11-23T00:00:00Z'),
      end: new Date('2026-11-30T00:00:00Z'),
    });
    expect(digestPeriod('weekly', new Date('2026-11-29T23:59:59Z')).start.toISOString()).toBe('2026-11-16T00:00:00.000Z');
  });
});
