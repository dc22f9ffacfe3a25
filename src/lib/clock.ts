/**
 * Time is injected: compliance logic is full of deadlines, and tests must control time.
 * Every service that needs "now" takes a Clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export function fixedClock(start: Date | string): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The UTC day of an instant, `YYYY-MM-DD`, as reasons and reports show it. */
export const utcDay = (t: string | number | Date): string => new Date(t).toISOString().slice(0, 10);
