/**
 * Jira Cloud REST API v3 as this connector uses it: the documented shapes (only the fields read
 * here), where Jira puts its error messages, the JQL that selects the configured kinds of issue,
 * custom fields named by id or by name, and Jira's values turned into plain text and ISO times.
 */
import { VigilError } from '../../lib/errors.ts';
import type { ProblemReader, RunContext } from '../sdk/index.ts';
import { kindNames, type JiraConfig, type KindName } from './config.ts';

export interface ApiUser {
  accountId?: string;
  displayName?: string;
}

export interface ApiStatus {
  name: string;
  statusCategory?: { key?: string; name?: string };
}

export interface ApiLinkedIssue {
  id: string;
  key: string;
  fields?: { summary?: string; status?: ApiStatus; issuetype?: { name?: string } };
}

export interface ApiIssueLink {
  id: string;
  type: { name: string; inward: string; outward: string };
  inwardIssue?: ApiLinkedIssue;
  outwardIssue?: ApiLinkedIssue;
}

export interface ApiHistory {
  id: string;
  author?: ApiUser | null;
  created: string;
  items: { field: string; fieldtype?: string; fieldId?: string; fromString?: string | null; toString?: string | null }[];
}

export interface ApiIssue {
  id: string;
  key: string;
  self: string;
  fields: Record<string, unknown> & {
    summary?: string;
    issuetype?: { name: string };
    project?: { key: string };
    status?: ApiStatus;
    priority?: { name: string } | null;
    labels?: string[];
    assignee?: ApiUser | null;
    reporter?: ApiUser | null;
    created?: string;
    updated?: string;
    resolutiondate?: string | null;
    resolution?: { name: string } | null;
    duedate?: string | null;
    issuelinks?: ApiIssueLink[];
  };
  changelog?: { startAt?: number; maxResults?: number; total?: number; histories?: ApiHistory[] };
}

/** Jira answers `{ errorMessages: [...], errors: { field: message } }`. */
export const readJiraProblem: ProblemReader = (body) => {
  if (body === null || typeof body !== 'object') return typeof body === 'string' && body.trim() ? { message: body.trim().slice(0, 300) } : {};
  const b = body as { errorMessages?: unknown; errors?: unknown; message?: unknown };
  const messages = Array.isArray(b.errorMessages) ? b.errorMessages.filter((m): m is string => typeof m === 'string') : [];
  const fieldErrors = b.errors && typeof b.errors === 'object' ? Object.entries(b.errors as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`) : [];
  const all = [...messages, ...fieldErrors];
  if (all.length) return { message: all.join('; ') };
  return typeof b.message === 'string' ? { message: b.message } : {};
};

/** A JQL string literal: Jira quotes with double quotes and escapes `"` and `\`. */
export const jqlString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const jqlList = (xs: readonly string[]) => xs.map(jqlString).join(', ');

/** The search: configured kinds, recent or still open, in the configured projects. */
export function buildJql(config: JiraConfig): string {
  const types = [...new Set(kindNames.flatMap((k) => config.kinds[k].issueTypes))];
  const labels = [...new Set(kindNames.flatMap((k) => config.kinds[k].labels))];
  const which = [types.length ? `issuetype in (${jqlList(types)})` : '', labels.length ? `labels in (${jqlList(labels)})` : ''].filter(Boolean);
  if (which.length === 0) {
    throw new VigilError('InvalidConfig', 'the jira config names no issue type and no label to collect', {
      where: 'config.kinds',
      hint: 'give at least one kind an issue type or a label (the defaults do)',
    });
  }
  const parts = [
    config.projects.length ? `project in (${jqlList(config.projects)})` : '',
    `(${which.join(' OR ')})`,
    // Old but still open issues stay in view: an overdue corrective action matters whatever its age.
    `(updated >= -${config.lookbackDays}d OR statusCategory != Done)`,
    config.jql ? `(${config.jql})` : '',
  ].filter(Boolean);
  return `${parts.join(' AND ')} ORDER BY created ASC`;
}

/** The configured kind of an issue: by issue type first, then by label, in config order. */
export function kindOf(config: JiraConfig, issueType: string, labels: readonly string[]): KindName | null {
  const lower = (s: string) => s.toLowerCase();
  for (const k of kindNames) if (config.kinds[k].issueTypes.some((t) => lower(t) === lower(issueType))) return k;
  for (const k of kindNames) if (config.kinds[k].labels.some((l) => labels.some((x) => lower(x) === lower(l)))) return k;
  return null;
}

export const fieldKeys = ['severity', 'rootCause', 'postmortem', 'pagerdutyIncident', 'approvals'] as const;
export type FieldKey = (typeof fieldKeys)[number];
export type FieldIds = Partial<Record<FieldKey, { id: string; name: string | null }>>;

const CUSTOM_ID = /^customfield_\d+$/;

/**
 * Custom fields configured by name are looked up once per run (`GET /rest/api/3/field`); fields
 * given by id need no request.
 */
export async function resolveFields(ctx: RunContext<JiraConfig>): Promise<FieldIds> {
  const wanted = fieldKeys.filter((k) => ctx.config.fields[k] !== undefined);
  const out: FieldIds = {};
  const byName = wanted.filter((k) => !CUSTOM_ID.test(ctx.config.fields[k]!));
  const all = byName.length ? await ctx.http.get<{ id: string; name: string; custom?: boolean }[]>('/rest/api/3/field') : [];
  for (const k of wanted) {
    const given = ctx.config.fields[k]!;
    if (CUSTOM_ID.test(given)) {
      out[k] = { id: given, name: all.find((f) => f.id === given)?.name ?? null };
      continue;
    }
    const found = (Array.isArray(all) ? all : []).filter((f) => f.name?.toLowerCase() === given.toLowerCase());
    if (found.length !== 1) {
      throw new VigilError('InvalidConfig', `${found.length ? 'several' : 'no'} Jira fields are named "${given}" (config.fields.${k})`, {
        where: `config.fields.${k}`,
        hint: found.length ? `use the id instead: ${found.map((f) => f.id).join(' or ')}` : 'check the name in Settings → Issues → Custom fields, or give the field id (customfield_…)',
      });
    }
    out[k] = { id: found[0]!.id, name: found[0]!.name };
  }
  return out;
}

/**
 * Jira's times look like `2025-12-10T02:40:00.000+0000`; ISO 8601 wants the offset as `+00:00`.
 * An unparseable value is passed through for the row check to reject.
 */
export function isoTime(s: string): string {
  const fixed = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return Number.isNaN(Date.parse(fixed)) ? s : new Date(fixed).toISOString();
}
export const isoOrNull = (s: string | null | undefined) => (s ? isoTime(s) : null);

/** Plain text of an Atlassian Document Format node (rich-text fields in API v3). */
function adfText(node: unknown): string {
  if (node === null || typeof node !== 'object') return '';
  const n = node as { type?: string; text?: string; content?: unknown[] };
  if (typeof n.text === 'string') return n.text;
  const inner = (n.content ?? []).map(adfText);
  const blocks = new Set(['doc', 'bulletList', 'orderedList']);
  return inner.join(n.type && blocks.has(n.type) ? '\n' : '').trim();
}

/** A field value as text: strings, numbers, rich text, options, users, lists. Empty → null. */
export function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(textOf).filter((v): v is string => v !== null);
    return parts.length ? parts.join(', ') : null;
  }
  if (typeof value === 'object') {
    const v = value as { type?: string; value?: unknown; displayName?: unknown; name?: unknown };
    if (v.type === 'doc') return adfText(v) || null;
    for (const k of ['value', 'displayName', 'name'] as const) if (typeof v[k] === 'string') return (v[k] as string).trim() || null;
  }
  return null;
}
