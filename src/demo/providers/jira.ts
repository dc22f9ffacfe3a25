/**
 * The demo company's Jira Service Management site, served as the Jira Cloud REST API v3 under the
 * demo server's `/jira` prefix: basic auth (email and API token), the field list, the enhanced JQL
 * search (`/rest/api/3/search/jql`, `nextPageToken`/`isLast`, `fields`, `expand=changelog`) over a
 * subset of JQL (jira-jql.ts), issue changelogs, and Jira's `errorMessages` bodies. Issues — the
 * incident tickets PagerDuty raised for P1/P2 incidents, their corrective actions and the yearly
 * tabletop exercise — come from incidents-model.ts, as of the clock's now: an issue not yet created
 * does not exist, and status, fields and changelog show only what has happened.
 */
import { Hono, type Context } from 'hono';
import type { Clock } from '../../lib/clock.ts';
import type { DemoOrg, Person } from '../org/org.ts';
import { incidentsOf, type DemoCorrectiveAction, type DemoIncident } from './incidents-model.ts';
import type { DemoProvider } from './index.ts';
import { JqlError, parseJql, type JqlIssue } from './jira-jql.ts';

export const DEMO_JIRA_EMAIL = 'vigil-reader@demo-corp.example';
export const DEMO_JIRA_TOKEN = 'demo-jira-token-ATATT3x1f0';

const SITE = 'https://demo-corp.atlassian.net';
export const JIRA_FIELDS = { severity: 'customfield_10201', rootCause: 'customfield_10202', postmortem: 'customfield_10203', pagerdutyIncident: 'customfield_10204' } as const;
const jiraTime = (d: Date) => d.toISOString().replace('Z', '+0000');
const day = (d: Date) => d.toISOString().slice(0, 10);
const fail = (c: Context, status: 400 | 401 | 404, message: string) => c.json({ errorMessages: [message], errors: {} }, status);

const accountId = (p: Person) => `5b10${Buffer.from(p.employeeId).toString('hex')}demo`;
const user = (p: Person) => ({ self: `${SITE}/rest/api/3/user?accountId=${accountId(p)}`, accountId: accountId(p), displayName: p.name, active: true, timeZone: 'Etc/UTC', accountType: 'atlassian' });
const pdApp = { self: `${SITE}/rest/api/3/user?accountId=557058:pagerduty`, accountId: '557058:pagerduty', displayName: 'PagerDuty for Jira', active: true, accountType: 'app' };
const categories = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;
const statusCategory: Record<string, keyof typeof categories> = { Open: 'new', 'To Do': 'new', 'In Progress': 'indeterminate', Resolved: 'done', Closed: 'done', Done: 'done' };
const issueTypes = { Incident: '10101', 'Corrective Action': '10104', Task: '10001' } as const;

interface Change {
  at: Date;
  by: Record<string, unknown>;
  items: { field: string; fieldtype: string; fieldId: string; fromString: string | null; toString: string | null }[];
}

/** An issue's whole life; `render` shows it as of a time. */
interface DemoIssue {
  key: string;
  type: keyof typeof issueTypes;
  summary: string;
  created: Date;
  initialStatus: string;
  priority: string;
  labels: string[];
  assignee: Person;
  reporter: Record<string, unknown>;
  dueDate: string | null;
  changes: Change[];
  links: { key: string; created: Date }[];
  /** Custom field values with the time each was set (null: set at creation). */
  custom: Record<string, { value: unknown; at: Date | null }>;
}

const status = (from: string | null, to: string, at: Date, by: Record<string, unknown>, resolved = false): Change => ({
  at,
  by,
  items: [
    { field: 'status', fieldtype: 'jira', fieldId: 'status', fromString: from, toString: to },
    ...(resolved ? [{ field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', fromString: null, toString: 'Done' }] : []),
  ],
});

function adf(text: string) {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

function ticketIssue(i: DemoIncident): DemoIssue {
  const t = i.ticket!;
  const by = user(i.responder);
  const changes: Change[] = [];
  if (t.startedAt) changes.push(status('Open', 'In Progress', t.startedAt, by));
  if (t.resolvedAt) changes.push(status(t.startedAt ? 'In Progress' : 'Open', 'Resolved', t.resolvedAt, by, true));
  if (t.rootCauseAt) changes.push({ at: t.rootCauseAt, by, items: [{ field: 'Root cause', fieldtype: 'custom', fieldId: JIRA_FIELDS.rootCause, fromString: null, toString: t.rootCause }] });
  if (t.postmortemAt) changes.push({ at: t.postmortemAt, by, items: [{ field: 'Postmortem', fieldtype: 'custom', fieldId: JIRA_FIELDS.postmortem, fromString: null, toString: t.postmortemUrl }] });
  if (t.closedAt) changes.push(status('Resolved', 'Closed', t.closedAt, by));
  return {
    key: t.key,
    type: 'Incident',
    summary: `[PagerDuty #${i.number}] ${i.title}`,
    created: t.createdAt,
    initialStatus: 'Open',
    priority: i.priority === 'P1' ? 'Highest' : 'High',
    labels: ['pagerduty', i.service.name.toLowerCase().replace(/\s+/g, '-')],
    assignee: i.responder,
    reporter: pdApp,
    dueDate: null,
    changes,
    links: t.correctiveActions.map((a) => ({ key: a.key, created: a.createdAt })),
    custom: {
      [JIRA_FIELDS.severity]: { value: { self: `${SITE}/rest/api/3/customFieldOption/1020${i.priority === 'P1' ? 1 : 2}`, value: i.priority === 'P1' ? 'SEV1' : 'SEV2', id: `1020${i.priority === 'P1' ? 1 : 2}` }, at: null },
      [JIRA_FIELDS.pagerdutyIncident]: { value: i.id, at: null },
      ...(t.rootCauseAt ? { [JIRA_FIELDS.rootCause]: { value: adf(t.rootCause), at: t.rootCauseAt } } : {}),
      ...(t.postmortemAt ? { [JIRA_FIELDS.postmortem]: { value: t.postmortemUrl, at: t.postmortemAt } } : {}),
    },
  };
}

function actionIssue(i: DemoIncident, a: DemoCorrectiveAction): DemoIssue {
  const by = user(a.assignee);
  return {
    key: a.key,
    type: 'Corrective Action',
    summary: a.summary,
    created: a.createdAt,
    initialStatus: 'To Do',
    priority: 'High',
    labels: ['corrective-action'],
    assignee: a.assignee,
    reporter: user(i.responder),
    dueDate: a.dueDate,
    changes: [status('To Do', 'In Progress', a.startedAt, by), ...(a.resolvedAt ? [status('In Progress', 'Done', a.resolvedAt, by, true)] : [])],
    links: [{ key: i.ticket!.key, created: a.createdAt }],
    custom: {},
  };
}

function allIssues(org: DemoOrg): DemoIssue[] {
  const { incidents, exercise } = incidentsOf(org);
  const out: DemoIssue[] = [];
  for (const i of incidents) {
    if (!i.ticket) continue;
    out.push(ticketIssue(i));
    for (const a of i.ticket.correctiveActions) out.push(actionIssue(i, a));
  }
  const by = user(exercise.owner);
  out.push({
    key: exercise.key,
    type: 'Task',
    summary: exercise.summary,
    created: exercise.createdAt,
    initialStatus: 'To Do',
    priority: 'Medium',
    labels: ['ir-exercise', 'tabletop'],
    assignee: exercise.owner,
    reporter: by,
    dueDate: day(exercise.resolvedAt),
    changes: [status('To Do', 'In Progress', exercise.startedAt, by), status('In Progress', 'Done', exercise.resolvedAt, by, true)],
    links: [],
    custom: {},
  });
  return out;
}

/** What an issue looks like at `now`. */
function stateAt(issue: DemoIssue, now: Date) {
  const changes = issue.changes.filter((c) => c.at <= now).sort((a, b) => a.at.getTime() - b.at.getTime());
  let current = issue.initialStatus;
  let resolved: Date | null = null;
  for (const c of changes) {
    for (const item of c.items) {
      if (item.fieldId === 'status' && item.toString) current = item.toString;
      if (item.fieldId === 'resolution') resolved = c.at;
    }
  }
  if (statusCategory[current] !== 'done') resolved = null;
  const updated = changes.length ? changes[changes.length - 1]!.at : issue.created;
  return { changes, status: current, category: statusCategory[current]!, resolved, updated };
}

export function jiraApp(org: DemoOrg, clock: Clock): Hono {
  const app = new Hono();
  const issues = allIssues(org);
  const byKey = new Map(issues.map((x) => [x.key, x]));
  const visible = () => issues.filter((x) => x.created <= clock.now());

  app.use('*', async (c, next) => {
    const expected = `Basic ${Buffer.from(`${DEMO_JIRA_EMAIL}:${DEMO_JIRA_TOKEN}`).toString('base64')}`;
    if (c.req.header('authorization') !== expected) return fail(c, 401, 'Client must be authenticated to access this resource.');
    await next();
  });

  app.get('/rest/api/3/myself', (c) =>
    c.json({ self: `${SITE}/rest/api/3/user?accountId=712020:vigil`, accountId: '712020:vigil', emailAddress: DEMO_JIRA_EMAIL, displayName: 'Vigil (read-only)', active: true, timeZone: 'Etc/UTC', locale: 'en_US', accountType: 'atlassian' }),
  );

  app.get('/rest/api/3/field', (c) =>
    c.json([
      { id: 'summary', key: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } },
      { id: 'duedate', key: 'duedate', name: 'Due date', custom: false, schema: { type: 'date', system: 'duedate' } },
      { id: JIRA_FIELDS.severity, key: JIRA_FIELDS.severity, name: 'Severity', custom: true, schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10201 } },
      { id: JIRA_FIELDS.rootCause, key: JIRA_FIELDS.rootCause, name: 'Root cause', custom: true, schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea', customId: 10202 } },
      { id: JIRA_FIELDS.postmortem, key: JIRA_FIELDS.postmortem, name: 'Postmortem', custom: true, schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:url', customId: 10203 } },
      { id: JIRA_FIELDS.pagerdutyIncident, key: JIRA_FIELDS.pagerdutyIncident, name: 'PagerDuty incident', custom: true, schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield', customId: 10204 } },
    ]),
  );

  const historyJson = (issue: DemoIssue, c: Change, n: number) => ({
    id: `${issue.key.replace(/\D/g, '')}${String(n).padStart(2, '0')}`,
    author: c.by,
    created: jiraTime(c.at),
    items: c.items.map((i) => ({ ...i, from: null, to: null })),
  });

  const issueJson = (issue: DemoIssue, fields: Set<string>, expand: Set<string>, now: Date) => {
    const s = stateAt(issue, now);
    const typeOf = (k: string) => byKey.get(k);
    const all: Record<string, unknown> = {
      summary: issue.summary,
      issuetype: { self: `${SITE}/rest/api/3/issuetype/${issueTypes[issue.type]}`, id: issueTypes[issue.type], name: issue.type, subtask: false, hierarchyLevel: 0 },
      project: { self: `${SITE}/rest/api/3/project/10000`, id: '10000', key: 'OPS', name: 'Operations', projectTypeKey: 'service_desk' },
      status: { self: `${SITE}/rest/api/3/status/${s.status.replace(/\s/g, '')}`, name: s.status, id: s.status.replace(/\s/g, ''), statusCategory: categories[s.category] },
      priority: { self: `${SITE}/rest/api/3/priority/${issue.priority}`, name: issue.priority, id: issue.priority },
      labels: issue.labels,
      assignee: user(issue.assignee),
      reporter: issue.reporter,
      created: jiraTime(issue.created),
      updated: jiraTime(s.updated),
      resolutiondate: s.resolved ? jiraTime(s.resolved) : null,
      resolution: s.resolved ? { self: `${SITE}/rest/api/3/resolution/10000`, id: '10000', name: 'Done', description: 'Work has been completed on this issue.' } : null,
      duedate: issue.dueDate,
      issuelinks: issue.links
        .filter((l) => l.created <= now)
        .map((l) => {
          const other = typeOf(l.key)!;
          const os = stateAt(other, now);
          const side = issue.type === 'Incident' ? 'inwardIssue' : 'outwardIssue';
          return {
            id: `${issue.key.replace(/\D/g, '')}${l.key.replace(/\D/g, '')}`,
            type: { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
            [side]: { id: other.key.replace(/\D/g, ''), key: other.key, fields: { summary: other.summary, status: { name: os.status, statusCategory: categories[os.category] }, issuetype: { name: other.type } } },
          };
        }),
      ...Object.fromEntries(Object.values(JIRA_FIELDS).map((id) => [id, null])),
      ...Object.fromEntries(Object.entries(issue.custom).map(([id, v]) => [id, v.at === null || v.at <= now ? v.value : null])),
    };
    const wantAll = fields.has('*all') || fields.has('*navigable');
    const out: Record<string, unknown> = {
      expand: 'operations,versionedRepresentations,editmeta,changelog,renderedFields',
      id: issue.key.replace(/\D/g, ''),
      self: `${SITE}/rest/api/3/issue/${issue.key.replace(/\D/g, '')}`,
      key: issue.key,
      fields: Object.fromEntries(Object.entries(all).filter(([k]) => wantAll || fields.has(k))),
    };
    if (expand.has('changelog')) {
      // Jira embeds the changelog newest first.
      const histories = s.changes.map((c, n) => historyJson(issue, c, n)).reverse();
      out.changelog = { startAt: 0, maxResults: histories.length, total: histories.length, histories };
    }
    return out;
  };

  app.get('/rest/api/3/search/jql', (c) => {
    const now = clock.now();
    const jql = c.req.query('jql') ?? '';
    let parsed;
    try {
      parsed = parseJql(jql, now);
    } catch (e) {
      if (e instanceof JqlError) return fail(c, 400, e.message);
      throw e;
    }
    const max = Math.min(100, Math.max(1, Number(c.req.query('maxResults') ?? 50) || 50));
    const token = c.req.query('nextPageToken');
    const offset = token ? Number(Buffer.from(token, 'base64url').toString().split(':')[1]) : 0;
    if (!Number.isInteger(offset) || offset < 0) return fail(c, 400, 'The provided next page token is invalid or expired.');
    const view = (x: DemoIssue): JqlIssue => {
      const s = stateAt(x, now);
      return { key: x.key, project: 'OPS', issueType: x.type, labels: x.labels, status: s.status, statusCategory: s.category, created: x.created, updated: s.updated, resolved: s.resolved };
    };
    const matched = visible()
      .map((x) => ({ x, v: view(x) }))
      .filter(({ v }) => parsed.where(v));
    for (const o of [...parsed.orderBy].reverse()) {
      const key = (v: JqlIssue) => (o.field === 'key' ? Number(v.key.replace(/\D/g, '')) : o.field === 'updated' ? v.updated.getTime() : v.created.getTime());
      matched.sort((a, b) => (o.desc ? -1 : 1) * (key(a.v) - key(b.v)));
    }
    const fields = new Set((c.req.query('fields') ?? 'id').split(',').map((f) => f.trim()));
    const expand = new Set((c.req.query('expand') ?? '').split(',').map((f) => f.trim()));
    const page = matched.slice(offset, offset + max).map(({ x }) => issueJson(x, fields, expand, now));
    const isLast = offset + max >= matched.length;
    return c.json({ issues: page, ...(isLast ? {} : { nextPageToken: Buffer.from(`page:${offset + max}`).toString('base64url') }), isLast });
  });

  app.get('/rest/api/3/issue/:key/changelog', (c) => {
    const issue = byKey.get(c.req.param('key'));
    const now = clock.now();
    if (!issue || issue.created > now) return fail(c, 404, 'Issue does not exist or you do not have permission to see it.');
    const all = stateAt(issue, now).changes.map((ch, n) => historyJson(issue, ch, n));
    const startAt = Math.max(0, Number(c.req.query('startAt') ?? 0) || 0);
    const max = Math.min(100, Math.max(1, Number(c.req.query('maxResults') ?? 100) || 100));
    const values = all.slice(startAt, startAt + max);
    return c.json({ self: `${SITE}/rest/api/3/issue/${issue.key}/changelog?maxResults=${max}&startAt=${startAt}`, maxResults: max, startAt, total: all.length, isLast: startAt + max >= all.length, values });
  });

  app.notFound((c) => fail(c, 404, `No resource is at ${c.req.path}.`));
  return app;
}

export const jiraProvider: DemoProvider = {
  name: 'jira',
  app: jiraApp,
  source: (baseUrl) => ({
    name: 'jira',
    type: 'jira',
    config: {
      baseUrl,
      email: DEMO_JIRA_EMAIL,
      apiToken: DEMO_JIRA_TOKEN,
      projects: ['OPS'],
      // Two fields by name, two by id: a site's admin may know either.
      fields: { severity: 'Severity', rootCause: 'Root cause', postmortem: JIRA_FIELDS.postmortem, pagerdutyIncident: JIRA_FIELDS.pagerdutyIncident },
    },
  }),
};
