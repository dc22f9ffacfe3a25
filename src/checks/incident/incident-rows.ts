/**
 * The PagerDuty and Jira rows the incident checks read, parsed from storage with the fields they
 * rely on (a row missing one is a bug to report, not something to judge), each kept with where it
 * is stored so a result can name its evidence; and the time arithmetic the checks share. Field
 * meanings: src/connectors/pagerduty/resources/incidents.ts and src/connectors/jira/resources/issues.ts.
 */
import { z } from 'zod';
import { DAY_MS, utcDay } from '../../lib/clock.ts';
import type { InputReader } from '../sdk/inputs.ts';

export const PAGERDUTY_INCIDENTS = 'pagerduty.incidents';
export const JIRA_ISSUES = 'jira.issues';

export const incidentRow = z.object({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  status: z.string(),
  urgency: z.string(),
  priority: z.string().nullable(),
  service: z.string(),
  createdAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  escalationPolicy: z.string().nullable(),
  htmlUrl: z.string(),
});
export type IncidentRow = z.output<typeof incidentRow>;

export const issueRow = z.object({
  key: z.string(),
  issueType: z.string(),
  kind: z.string(),
  summary: z.string(),
  status: z.string(),
  statusCategory: z.string(),
  priority: z.string().nullable(),
  severity: z.string().nullable(),
  labels: z.array(z.string()),
  assignee: z.string().nullable(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  dueDate: z.string().nullable(),
  links: z.array(z.object({ key: z.string() })),
  postmortem: z.string().nullable(),
  postmortemAt: z.string().nullable(),
  pagerdutyIncident: z.string().nullable(),
  url: z.string(),
});
export type IssueRow = z.output<typeof issueRow>;

export interface Stored<T> {
  row: T;
  /** The result id: `<type>/<key>`. */
  resource: string;
  source: string;
  evidence: string[];
}

export async function readRows<S extends z.ZodType>(inputs: InputReader, type: string, schema: S): Promise<Stored<z.output<S>>[]> {
  const rows = await inputs.resources(type);
  return rows.map((r) => {
    const parsed = schema.safeParse(r.data);
    if (!parsed.success) {
      throw new Error(`stored ${type} row ${r.key} lacks fields this check reads (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); collect the source again`);
    }
    return { row: parsed.data, resource: `${type}/${r.key}`, source: r.source, evidence: r.evidenceId ? [r.evidenceId] : [] };
  });
}

export const windowParam = z.number().int().min(1).max(3650).default(365).describe('Judge incidents triggered within this many days before now.');

/** Milliseconds of an ISO 8601 time: stored strings differ in precision, so never compare them as text. */
export const ms = (iso: string) => Date.parse(iso);

export const inWindow = (iso: string, now: Date, days: number) => {
  const t = ms(iso);
  return t <= now.getTime() && t >= now.getTime() - days * DAY_MS;
};

/** `2026-05-01 14:03 UTC`: minutes are what a responder compares. */
export const at = (t: string | number | Date) => `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
export const dayOf = utcDay;

/**
 * A duration as a person reads it, exact to the minute (a target missed by one minute must not
 * read as met): `52 min`, `24 h 1 min`, `3 days 4 h`.
 */
export function duration(msec: number): string {
  const minutes = Math.round(msec / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h < 72) return `${h} h${m ? ` ${m} min` : ''}`;
  const d = Math.floor(h / 24);
  const rh = h % 24;
  return `${d} days${rh ? ` ${rh} h` : ''}`;
}

/** A due date (YYYY-MM-DD) ends at the end of that day, UTC. */
export const endOfDay = (date: string) => ms(`${date}T00:00:00Z`) + DAY_MS;

/** Severity names compared loosely: "SEV-1", "Sev 1" and "sev1" are one. */
export const severityKey = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A PagerDuty incident id from a Jira field holding the id or the incident's URL. */
export function pagerdutyIdOf(value: string | null): string | null {
  if (!value) return null;
  const url = /\/incidents\/([A-Za-z0-9]+)/.exec(value);
  return (url ? url[1]! : value.trim()) || null;
}
