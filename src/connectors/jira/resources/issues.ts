/**
 * Issues of the configured kinds — incidents, security issues, changes, postmortems, corrective
 * actions, incident-response exercises — with status history, assignee, links, approvals and the
 * configured custom fields (severity, root cause, postmortem, PagerDuty incident). The incident
 * checks join them: an incident, its postmortem, and the corrective actions linked to either.
 */
import { z } from 'zod';
import { defineResource, paginateCursor, paginateOffset, type RunContext } from '../../sdk/index.ts';
import { buildJql, isoOrNull, isoTime, kindOf, resolveFields, textOf, type ApiHistory, type ApiIssue, type ApiIssueLink, type FieldIds } from '../api.ts';
import type { JiraConfig, KindName } from '../config.ts';

const kinds = ['incident', 'security', 'change', 'postmortem', 'corrective-action', 'exercise', 'other'] as const;
const kebab: Record<KindName, (typeof kinds)[number]> = {
  incident: 'incident',
  security: 'security',
  change: 'change',
  postmortem: 'postmortem',
  correctiveAction: 'corrective-action',
  exercise: 'exercise',
};

export const issueSchema = z.object({
  key: z.string().describe('Issue key, e.g. OPS-123.'),
  id: z.string().describe('Issue id (stable when an issue moves between projects).'),
  project: z.string().describe('Project key.'),
  issueType: z.string().describe('Issue type name, e.g. Incident, Corrective Action.'),
  kind: z.enum(kinds).describe('What Vigil takes the issue to be, from its type or labels (config.kinds); other when only the extra JQL selected it.'),
  summary: z.string().describe('The issue summary.'),
  status: z.string().describe('Current status name.'),
  statusCategory: z.enum(['new', 'indeterminate', 'done', 'undefined']).describe("Jira's status category: new (to do), indeterminate (in progress) or done."),
  priority: z.string().nullable().describe('Priority name (Highest, High, …) when set.'),
  severity: z.string().nullable().describe('The severity custom field (config.fields.severity), when configured and set.'),
  labels: z.array(z.string()).describe('Labels.'),
  assignee: z.string().nullable().describe('Display name of the assignee; null when unassigned.'),
  assigneeAccountId: z.string().nullable().describe('Atlassian account id of the assignee.'),
  reporter: z.string().nullable().describe('Display name of the reporter.'),
  createdAt: z.iso.datetime().describe('When the issue was created (UTC).'),
  updatedAt: z.iso.datetime().describe('When it last changed (UTC).'),
  resolvedAt: z.iso.datetime().nullable().describe('When it was resolved (UTC); null while unresolved.'),
  resolution: z.string().nullable().describe('Resolution name (Done, Fixed, Won’t Do, …) when resolved.'),
  dueDate: z.iso.date().nullable().describe('Due date (YYYY-MM-DD) when set.'),
  statusHistory: z
    .array(
      z.object({
        at: z.iso.datetime().describe('When the status changed (UTC).'),
        from: z.string().nullable().describe('Status before.'),
        to: z.string().nullable().describe('Status after.'),
        by: z.string().nullable().describe('Who changed it.'),
      }),
    )
    .describe('Every status change from the changelog, oldest first.'),
  links: z
    .array(
      z.object({
        key: z.string().describe('Key of the linked issue.'),
        relation: z.string().describe('How this issue relates to it, in Jira’s words (“is caused by”, “relates to”, “blocks”).'),
        issueType: z.string().nullable().describe('Type of the linked issue.'),
        status: z.string().nullable().describe('Status of the linked issue when collected.'),
      }),
    )
    .describe('Issue links, both directions.'),
  rootCause: z.string().nullable().describe('The root cause custom field as text (config.fields.rootCause).'),
  postmortem: z.string().nullable().describe('The postmortem custom field as text, e.g. a link to the document (config.fields.postmortem).'),
  postmortemAt: z.iso.datetime().nullable().describe('When the postmortem field was first filled in (from the changelog; the creation time if it was set at creation).'),
  pagerdutyIncident: z.string().nullable().describe('The PagerDuty incident id or URL the issue was raised for (config.fields.pagerdutyIncident).'),
  approvals: z
    .array(
      z.object({
        name: z.string().nullable().describe('Name of the approval step.'),
        decision: z.string().describe('Final decision: approved, declined or pending.'),
        approvers: z.array(z.string()).describe('Who was asked to approve.'),
        completedAt: z.iso.datetime().nullable().describe('When the decision was made (UTC).'),
      }),
    )
    .describe('Jira Service Management approvals (config.fields.approvals).'),
  url: z.string().describe('Link to the issue in Jira.'),
});

const baseFields = ['summary', 'issuetype', 'project', 'status', 'priority', 'labels', 'assignee', 'reporter', 'created', 'updated', 'resolutiondate', 'resolution', 'duedate', 'issuelinks'];

async function fullChangelog(ctx: RunContext<JiraConfig>, issue: ApiIssue): Promise<ApiHistory[]> {
  const cl = issue.changelog;
  const histories = cl?.histories ?? [];
  // The search embeds only the most recent changes; fetch the whole log when it was cut short.
  if (!cl || cl.total === undefined || cl.total <= histories.length) return histories;
  const all: ApiHistory[] = [];
  const pages = paginateOffset<ApiHistory>(ctx.http, `/rest/api/3/issue/${encodeURIComponent(issue.key)}/changelog`, {
    offsetParam: 'startAt',
    limitParam: 'maxResults',
    limit: 100,
    items: (b) => (b as { values: ApiHistory[] } | null)?.values as ApiHistory[],
    hasMore: (b) => (b as { isLast?: boolean } | null)?.isLast === false,
  });
  for await (const page of pages) all.push(...page.items);
  return all;
}

const linkOf = (l: ApiIssueLink) => {
  const other = l.outwardIssue ?? l.inwardIssue;
  if (!other) return [];
  return [{ key: other.key, relation: l.outwardIssue ? l.type.outward : l.type.inward, issueType: other.fields?.issuetype?.name ?? null, status: other.fields?.status?.name ?? null }];
};

interface ApiApproval {
  name?: string;
  finalDecision?: string;
  approvers?: { approver?: { displayName?: string } }[];
  completedDate?: { iso8601?: string } | null;
}

export function toRow(config: JiraConfig, fieldIds: FieldIds, issue: ApiIssue, histories: ApiHistory[]): z.output<typeof issueSchema> {
  const f = issue.fields;
  const custom = (k: keyof FieldIds) => (fieldIds[k] ? f[fieldIds[k].id] : undefined);
  const sorted = [...histories].sort((a, b) => Date.parse(isoTime(a.created)) - Date.parse(isoTime(b.created)));
  const postmortem = textOf(custom('postmortem'));
  const pm = fieldIds.postmortem;
  const firstSet = pm
    ? sorted.find((h) => h.items.some((i) => (i.fieldId === pm.id || (pm.name !== null && i.field === pm.name)) && (i.toString ?? '').trim() !== ''))
    : undefined;
  const issueType = f.issuetype?.name ?? '';
  const labels = f.labels ?? [];
  const kind = kindOf(config, issueType, labels);
  const approvals = Array.isArray(custom('approvals')) ? (custom('approvals') as ApiApproval[]) : [];
  const category = f.status?.statusCategory?.key;
  return {
    key: issue.key,
    id: issue.id,
    project: f.project?.key ?? issue.key.replace(/-\d+$/, ''),
    issueType,
    kind: kind ? kebab[kind] : 'other',
    summary: f.summary ?? '',
    status: f.status?.name ?? '',
    statusCategory: category === 'new' || category === 'indeterminate' || category === 'done' ? category : 'undefined',
    priority: f.priority?.name ?? null,
    severity: textOf(custom('severity')),
    labels,
    assignee: f.assignee?.displayName ?? null,
    assigneeAccountId: f.assignee?.accountId ?? null,
    reporter: f.reporter?.displayName ?? null,
    createdAt: isoTime(f.created ?? ''),
    updatedAt: isoTime(f.updated ?? f.created ?? ''),
    resolvedAt: isoOrNull(f.resolutiondate),
    resolution: f.resolution?.name ?? null,
    dueDate: f.duedate ?? null,
    statusHistory: sorted.flatMap((h) =>
      h.items.filter((i) => i.field === 'status' || i.fieldId === 'status').map((i) => ({ at: isoTime(h.created), from: i.fromString ?? null, to: i.toString ?? null, by: h.author?.displayName ?? null })),
    ),
    links: (f.issuelinks ?? []).flatMap(linkOf),
    rootCause: textOf(custom('rootCause')),
    postmortem,
    postmortemAt: postmortem === null ? null : firstSet ? isoTime(firstSet.created) : isoTime(f.created ?? ''),
    pagerdutyIncident: textOf(custom('pagerdutyIncident')),
    approvals: approvals.map((a) => ({
      name: a.name ?? null,
      decision: a.finalDecision ?? 'pending',
      approvers: (a.approvers ?? []).flatMap((x) => (x.approver?.displayName ? [x.approver.displayName] : [])),
      completedAt: isoOrNull(a.completedDate?.iso8601),
    })),
    // The browse link is on the site that answered (`self`), also when reached through api.atlassian.com.
    url: `${new URL(issue.self).origin}/browse/${issue.key}`,
  };
}

interface SearchPage {
  issues?: ApiIssue[];
  nextPageToken?: string | null;
  isLast?: boolean;
}

export const issues = defineResource({
  name: 'issues',
  description: 'Issues of the configured kinds (incidents, security issues, changes, postmortems, corrective actions, exercises) with status history, links, approvals and custom fields.',
  schema: issueSchema,
  primaryKey: 'key',
  async *list(ctx: RunContext<JiraConfig>) {
    const fieldIds = await resolveFields(ctx);
    const fields = [...baseFields, ...Object.values(fieldIds).map((x) => x.id)];
    // The enhanced search (search/jql) pages with nextPageToken; the old startAt search is retired.
    const pages = paginateCursor<ApiIssue>(ctx.http, '/rest/api/3/search/jql', {
      query: { jql: buildJql(ctx.config), fields: [...new Set(fields)].join(','), expand: 'changelog', maxResults: ctx.config.pageSize },
      cursorParam: 'nextPageToken',
      items: (b) => (b as SearchPage | null)?.issues as ApiIssue[],
      nextCursor: (b) => ((b as SearchPage | null)?.isLast === true ? undefined : ((b as SearchPage | null)?.nextPageToken ?? undefined)),
    });
    for await (const page of pages) {
      const rows = [];
      for (const issue of page.items) rows.push(toRow(ctx.config, fieldIds, issue, await fullChangelog(ctx, issue)));
      yield rows;
    }
  },
});
