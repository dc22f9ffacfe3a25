/**
 * Uptime per service per month (and per day within it) from observations — probe results or SLO
 * samples — each standing for a stretch of time with a share of it up. Shared by availability.uptime
 * and availability.slo.
 *
 * Time nothing observed (Vigil not running, a probe gap longer than allowed, a step without data)
 * is neither up nor down: it lowers the coverage, and a month observed too thinly fails for lack of
 * evidence rather than passing. A complete month passes when its uptime over the observed time
 * meets the target; the month in progress fails as soon as its downtime exceeds the whole month's
 * error budget (it can no longer meet the target) and otherwise reports the budget used so far.
 * Its uptime and coverage so far move with the clock alone, so they are in the details, not the
 * reason: a new state of the result means a change in what was observed.
 */
import { DAY_MS } from '../../lib/clock.ts';
import type { CheckResult } from '../sdk/define.ts';
import { formatSpan } from '../access/hr-roster.ts';

export interface Span {
  start: number;
  end: number;
  /** Share up, 0–1. */
  up: number;
  evidence: string[];
}

export interface Tally {
  observedMs: number;
  upMs: number;
}

const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const monthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextMonth = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

/** Observed and up time within [from, to), in total and per UTC day. */
export function tally(spans: readonly Span[], from: number, to: number): { total: Tally; days: Map<string, Tally> } {
  const total: Tally = { observedMs: 0, upMs: 0 };
  const days = new Map<string, Tally>();
  for (const s of spans) {
    let a = Math.max(s.start, from);
    const b = Math.min(s.end, to);
    while (a < b) {
      const dayEnd = Math.min(b, Math.floor(a / DAY_MS) * DAY_MS + DAY_MS);
      const len = dayEnd - a;
      const d = days.get(dayKey(a)) ?? { observedMs: 0, upMs: 0 };
      d.observedMs += len;
      d.upMs += len * s.up;
      days.set(dayKey(a), d);
      total.observedMs += len;
      total.upMs += len * s.up;
      a = dayEnd;
    }
  }
  return { total, days };
}

/** A percentage cut (not rounded) to three decimals, so 99.8999 never shows as meeting 99.9. */
export const percent = (part: number, whole: number) => (whole > 0 ? Math.floor((part / whole) * 100_000) / 1000 : 0);

const minutes = (ms: number) => Math.round(ms / 600) / 100;

export interface MonthParams {
  target: number;
  months: number;
  minCoverage: number;
}

export interface ServiceSeries {
  /** Result id prefix, e.g. `http-probe.probes/api`; the month is appended. */
  resource: string;
  source: string;
  service: string;
  /** What observed it, for reasons: "probes", "SLO samples". */
  observedBy: string;
  spans: Span[];
  /** When observation began (the first observation ever, or the start of the lookback). */
  since: number;
  remedy: string;
}

/** One result per month, newest first, from the month of `now` back `months - 1` months. */
export function judgeMonths(series: ServiceSeries, now: number, p: MonthParams): CheckResult[] {
  const results: CheckResult[] = [];
  let start = monthStart(now);
  for (let k = 0; k < p.months; k++) {
    const end = nextMonth(start);
    const month = new Date(start).toISOString().slice(0, 7);
    const periodEnd = Math.min(end, now);
    const coverageFrom = Math.max(start, series.since);
    if (periodEnd > coverageFrom) results.push(judgeMonth(series, month, start, end, coverageFrom, periodEnd, now, p));
    start = monthStart(start - 1);
  }
  return results;
}

function judgeMonth(series: ServiceSeries, month: string, start: number, end: number, coverageFrom: number, periodEnd: number, now: number, p: MonthParams): CheckResult {
  const { total, days } = tally(series.spans, start, periodEnd);
  const complete = end <= now;
  const downMs = total.observedMs - total.upMs;
  const budgetMs = (1 - p.target / 100) * (end - start);
  const uptime = percent(total.upMs, total.observedMs);
  const coverage = percent(total.observedMs, periodEnd - coverageFrom);
  const inMonth = series.spans.filter((s) => s.end > start && s.start < periodEnd);
  const bad = inMonth.filter((s) => s.up < 1);
  const evidence = [...new Set([...(inMonth[0]?.evidence ?? []), ...bad.slice(0, 100).flatMap((s) => s.evidence), ...(inMonth.at(-1)?.evidence ?? [])])];
  const dayList = [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, t]) => ({ date, uptimePercent: percent(t.upMs, t.observedMs), downMinutes: minutes(t.observedMs - t.upMs) }));
  const worst = dayList.filter((d) => d.downMinutes > 0).sort((a, b) => a.uptimePercent - b.uptimePercent).slice(0, 3);
  const worstText = worst.length ? `; worst day${worst.length > 1 ? 's' : ''} ${worst.map((d) => `${d.date} (${d.uptimePercent} %)`).join(', ')}` : '';
  const base = {
    resource: `${series.resource}/${month}`,
    source: series.source,
    evidence,
    details: {
      service: series.service,
      month,
      complete,
      uptimePercent: uptime,
      targetPercent: p.target,
      downMinutes: minutes(downMs),
      budgetMinutes: minutes(budgetMs),
      observedHours: Math.round(total.observedMs / 36_000) / 100,
      coveragePercent: coverage,
      days: dayList,
      ...(bad.length > 100 ? { evidenceTruncated: `${bad.length - 100} more ${series.observedBy} below 100 % are not listed` } : {}),
    },
  };
  const span = `${formatSpan(total.observedMs)} observed`;
  if (coverage < p.minCoverage) {
    return {
      ...base,
      status: 'fail',
      reason: complete
        ? `${series.service}: only ${coverage} % of ${month} was observed by ${series.observedBy} (at least ${p.minCoverage} % needed), so the ${p.target} % target cannot be shown to be met`
        : `${series.service}: less than ${p.minCoverage} % of ${month} so far was observed by ${series.observedBy}, so the ${p.target} % target cannot be shown to be met`,
      remediation: `Keep the ${series.observedBy} running on schedule (${series.remedy}); time without observations is evidence of nothing.`,
    };
  }
  if (complete && uptime < p.target) {
    return {
      ...base,
      status: 'fail',
      reason: `${series.service} was up ${uptime} % in ${month}, below the ${p.target} % target: ${formatSpan(downMs)} down in ${span}${worstText}`,
      remediation: `Review the ${month} downtime of ${series.service} with its owner (the days listed), record the causes and corrective actions, and keep the review as the evidence that a missed objective was acted on.`,
    };
  }
  if (!complete && downMs > budgetMs) {
    return {
      ...base,
      status: 'fail',
      reason: `${series.service} has been down ${formatSpan(downMs)} so far in ${month}, more than the ${formatSpan(budgetMs)} error budget of the ${p.target} % target${worstText}`,
      remediation: `Find and fix the cause of the ${month} downtime of ${series.service} (days listed), review it with its owner, and record the corrective actions: the month can no longer meet its objective.`,
    };
  }
  return {
    ...base,
    status: 'pass',
    reason: complete
      ? `${series.service} was up ${uptime} % in ${month} (target ${p.target} %): ${formatSpan(downMs)} down in ${span}`
      : `${series.service}: ${formatSpan(downMs)} down so far in ${month}, within the ${formatSpan(budgetMs)} monthly error budget of the ${p.target} % target`,
  };
}
