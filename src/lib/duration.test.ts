import { describe, expect, it } from 'vitest';
import { addDuration, durationMs, parseDuration } from './duration.ts';

describe('ISO 8601 durations', () => {
  it('adds days and hours exactly', () => {
    expect(addDuration(new Date('2026-03-01T10:00:00Z'), 'P15D').toISOString()).toBe('2026-03-16T10:00:00.000Z');
    expect(addDuration(new Date('2026-03-01T10:00:00Z'), 'PT24H').toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(addDuration(new Date('2026-03-01T10:00:00Z'), 'P1W', -1).toISOString()).toBe('2026-02-22T10:00:00.000Z');
  });

  it('adds months on the calendar, clamping to the end of a shorter month', () => {
    expect(addDuration(new Date('2026-01-31T00:00:00Z'), 'P1M').toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(addDuration(new Date('2025-08-15T00:00:00Z'), 'P15M').toISOString()).toBe('2026-11-15T00:00:00.000Z');
  });

  it('rejects text that is not a duration, saying where', () => {
    expect(() => parseDuration('15 days', 'findings.sla.high')).toThrow(/not an ISO 8601 duration/);
    expect(() => parseDuration('P')).toThrow();
    expect(() => parseDuration('PT')).toThrow();
  });

  it('measures durations for comparison', () => {
    expect(durationMs('PT1H')).toBe(3_600_000);
    expect(durationMs('P1D')).toBe(86_400_000);
  });
});
