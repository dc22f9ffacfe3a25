/**
 * PagerDuty REST API v2 as this connector uses it: the versioned media type every request must
 * accept, the documented object shapes (only the fields read here), offset pagination with
 * PagerDuty's `more` flag, and the date windows the incident listing is cut into.
 */
import { DAY_MS } from '../../lib/clock.ts';
import { paginateOffset, type Page, type Query, type RunContext } from '../sdk/index.ts';
import type { PagerDutyConfig } from './config.ts';

/** PagerDuty answers v2 only to this media type; without it some endpoints fall back or refuse. */
export const PD_ACCEPT = 'application/vnd.pagerduty+json;version=2';
export const pdHeaders = { accept: PD_ACCEPT };

/** A reference to another object (`service_reference`, `user_reference`, …), as documented. */
export interface ApiReference {
  id: string;
  type: string;
  summary?: string | null;
  self?: string | null;
  html_url?: string | null;
}

export interface ApiPriority extends ApiReference {
  name?: string;
}

export interface ApiIncident {
  id: string;
  type: 'incident';
  summary: string;
  html_url: string;
  incident_number: number;
  title: string;
  created_at: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: 'high' | 'low';
  service: ApiReference;
  escalation_policy?: ApiReference | null;
  teams?: ApiReference[];
  priority?: ApiPriority | null;
  /** Current acknowledgements only: PagerDuty empties the list once the incident is resolved. */
  acknowledgements?: { at: string; acknowledger: ApiReference }[];
  last_status_change_at?: string;
  last_status_change_by?: ApiReference | null;
  resolved_at?: string | null;
}

export interface ApiLogEntry {
  id: string;
  /** `trigger_log_entry`, `acknowledge_log_entry`, `resolve_log_entry`, `escalate_log_entry`, … */
  type: string;
  summary?: string;
  created_at: string;
  agent?: ApiReference | null;
}

export interface ApiNote {
  id: string;
  user?: ApiReference | null;
  content: string;
  created_at: string;
}

interface ListBody {
  more?: boolean;
}

/** Every page of a PagerDuty list (`{ <key>: [...], limit, offset, more }`). */
export function pdPages<T>(ctx: RunContext<PagerDutyConfig>, path: string, key: string, query: Query): AsyncGenerator<Page<T>> {
  return paginateOffset<T>(ctx.http, path, {
    query,
    headers: pdHeaders,
    limit: ctx.config.pageSize,
    items: (body) => (body !== null && typeof body === 'object' ? ((body as Record<string, unknown>)[key] as T[]) : (undefined as unknown as T[])),
    // PagerDuty says whether another page follows; a short page does not mean the end.
    hasMore: (body) => (body as ListBody | null)?.more === true,
  });
}

/**
 * The incident listing's date windows, oldest first. PagerDuty caps `since`..`until` at six
 * months and classic offset pagination at 10 000 rows, so a year is read as ~90-day slices.
 */
export const WINDOW_DAYS = 90;

export function windows(now: Date, lookbackDays: number): { since: string; until: string }[] {
  const end = now.getTime();
  const out: { since: string; until: string }[] = [];
  for (let start = end - lookbackDays * DAY_MS; start < end; start += WINDOW_DAYS * DAY_MS) {
    out.push({ since: new Date(start).toISOString(), until: new Date(Math.min(end, start + WINDOW_DAYS * DAY_MS)).toISOString() });
  }
  return out;
}

/** A PagerDuty time as ISO 8601 UTC; an unparseable one is passed through for the row check to reject. */
export const isoTime = (s: string): string => (Number.isNaN(Date.parse(s)) ? s : new Date(s).toISOString());
export const isoOrNull = (s: string | null | undefined): string | null => (s ? isoTime(s) : null);

export const nameOf = (r: ApiReference | null | undefined): string | null => r?.summary ?? null;
