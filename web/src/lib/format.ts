/** How times, durations and identifiers read on screen. Times are stored and sent in UTC. */

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.slice(0, 10);
}

/** "3 days ago", "in 5 hours": for due dates and last-seen times. */
export function relTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) {
    if (abs >= size) {
      const n = Math.round(abs / size);
      const s = `${n} ${name}${n === 1 ? '' : 's'}`;
      return ms < 0 ? `${s} ago` : `in ${s}`;
    }
  }
  return 'just now';
}

export const pct = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)}%` : '—');

export const humanize = (s: string) => s.replace(/[_-]+/g, ' ');

/** ISO 8601 durations as people say them: P30D → "30 days", PT1H → "1 hour", P1Y6M → "1 year 6 months". */
export function fmtDuration(iso: string): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m) return iso;
  const names = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'];
  const parts = m.slice(1).flatMap((v, i) => (v && Number(v) ? [`${Number(v)} ${names[i]}${Number(v) === 1 ? '' : 's'}`] : []));
  return parts.join(' ') || iso;
}
