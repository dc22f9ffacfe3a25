/**
 * What people.training and people.policy-acknowledgement share: everyone employed now (the HR
 * roster) must have a record — a training completion, a policy acknowledgement — within N days of
 * starting, and then one at least every `interval`. Records are joined to people by work email.
 *
 * Dates: a record dated by day counts as done that day; the deadline after a start is the end of
 * its Nth day (UTC). A person who joined within the last `interval` is judged on the onboarding
 * deadline (before it, a missing record is "due by …", a pass); everyone else on their latest record.
 */
import { DAY_MS } from '../../lib/clock.ts';
import { addDuration } from '../../lib/duration.ts';
import { formatSpan, isDateOnly, showHrDate, showTime, startTime, terminationTime, type HrPerson } from '../access/hr-roster.ts';
import type { CheckResult } from '../sdk/define.ts';

export interface PersonRecord {
  /** When it was done: a date-only value is the start of that day (UTC). */
  at: Date;
  /** As written: `2026-03-12` or an ISO date-time. */
  written: string;
  /** The course or policy. */
  label: string;
  evidence: string[];
}

export interface Requirement {
  /** "security awareness training", "the Information Security Policy". */
  name: string;
  /** Which records count for it. */
  matches(r: PersonRecord): boolean;
  /** "completed", "acknowledged". */
  verb: string;
  /** The imperative for a remediation: "complete", "acknowledge". */
  act: string;
}

export interface YearlyParams {
  withinDays: number;
  interval: string;
}

interface Verdict {
  ok: boolean;
  text: string;
  fix?: string;
  details: Record<string, unknown>;
  evidence: string[];
}

/** A stored date (`YYYY-MM-DD`, the start of that day UTC) or date-time. */
export const dayOrInstant = (s: string) => new Date(isDateOnly(s) ? `${s}T00:00:00.000Z` : s);

const shown = (r: PersonRecord) => (isDateOnly(r.written) ? r.written : showTime(r.at));
/** A day-dated record was done some time that day: it expires from the end of the day. */
const doneBy = (r: PersonRecord) => (isDateOnly(r.written) ? new Date(r.at.getTime() + DAY_MS) : r.at);

function judgeOne(req: Requirement, start: Date, startWritten: string, records: readonly PersonRecord[], now: Date, p: YearlyParams): Verdict {
  const mine = records.filter((r) => req.matches(r) && r.at <= now).sort((a, b) => a.at.getTime() - b.at.getTime());
  const deadline = new Date(start.getTime() + (p.withinDays + 1) * DAY_MS);
  const recentJoiner = addDuration(start, p.interval) > now;
  if (recentJoiner) {
    // Training taken during pre-boarding counts; a record from an earlier employment does not.
    const first = mine.find((r) => r.at.getTime() >= start.getTime() - p.withinDays * DAY_MS);
    const details = { requirement: req.name, startDate: startWritten, deadline: deadline.toISOString(), firstAt: first?.written ?? null };
    if (!first) {
      if (now < deadline) return { ok: true, text: `${req.name} not ${req.verb} yet; due by ${showTime(deadline)} (${p.withinDays} days after starting on ${showHrDate(startWritten)})`, details, evidence: [] };
      return {
        ok: false,
        text: `${req.name} not ${req.verb}, past its due date ${showTime(deadline)} (${p.withinDays} days after starting on ${showHrDate(startWritten)})`,
        fix: `have them ${req.act} ${req.name} now`,
        details,
        evidence: [],
      };
    }
    const days = Math.floor((first.at.getTime() - start.getTime()) / DAY_MS);
    if (first.at >= deadline) {
      return {
        ok: false,
        text: `${req.verb} ${first.label} on ${shown(first)}, ${days} day${days === 1 ? '' : 's'} after starting on ${showHrDate(startWritten)}, beyond ${p.withinDays} days`,
        fix: `record why ${req.name} was late and make it part of onboarding (assigned on the first day, tracked to ${p.withinDays} days)`,
        details,
        evidence: first.evidence,
      };
    }
    return { ok: true, text: `${req.verb} ${first.label} on ${shown(first)}, ${days < 0 ? 'before starting' : `${days} day${days === 1 ? '' : 's'} after starting`}`, details, evidence: first.evidence };
  }
  const last = mine.at(-1);
  const details = { requirement: req.name, startDate: startWritten, lastAt: last?.written ?? null };
  if (!last) return { ok: false, text: `no ${req.name} on record`, fix: `have them ${req.act} ${req.name} now, and check that the export lists everyone`, details, evidence: [] };
  const due = addDuration(doneBy(last), p.interval);
  if (now >= due) {
    return {
      ok: false,
      text: `last ${req.verb} ${last.label} on ${shown(last)}, more than ${formatSpan(due.getTime() - doneBy(last).getTime())} ago (due ${showTime(due)})`,
      fix: `have them ${req.act} ${req.name} again now, and make the yearly round reach everyone`,
      details: { ...details, dueAt: due.toISOString() },
      evidence: last.evidence,
    };
  }
  return { ok: true, text: `${req.verb} ${last.label} on ${shown(last)}; next due by ${showTime(due)}`, details: { ...details, dueAt: due.toISOString() }, evidence: last.evidence };
}

/** One result per person employed now (started, not yet left), judged on every requirement. */
export function judgePeople(people: readonly HrPerson[], records: ReadonlyMap<string, PersonRecord[]>, requirements: readonly Requirement[], now: Date, p: YearlyParams): CheckResult[] {
  const results: CheckResult[] = [];
  for (const person of people) {
    if (!person.email || !person.startDate) continue;
    const start = startTime(person.startDate);
    if (start > now) continue;
    if (person.terminationDate && terminationTime(person.terminationDate) <= now) continue;
    const mine = records.get(person.email) ?? [];
    const verdicts = requirements.map((req) => judgeOne(req, start, person.startDate!, mine, now, p));
    const failed = verdicts.filter((v) => !v.ok);
    const base = {
      resource: person.resource,
      source: person.source,
      evidence: [...new Set([...person.evidence, ...verdicts.flatMap((v) => v.evidence)])],
      details: { email: person.email, name: person.name, startDate: person.startDate, requirements: verdicts.map((v) => v.details) },
    };
    const who = `${person.name} <${person.email}>`;
    results.push(
      failed.length
        ? { ...base, status: 'fail', reason: `${who}: ${failed.map((v) => v.text).join('; ')}`, remediation: `${failed.map((v) => v.fix).join('; ')}.`.replace(/^./, (c) => c.toUpperCase()) }
        : { ...base, status: 'pass', reason: `${who}: ${verdicts.map((v) => v.text).join('; ')}` },
    );
  }
  return results.sort((a, b) => a.resource.localeCompare(b.resource));
}
