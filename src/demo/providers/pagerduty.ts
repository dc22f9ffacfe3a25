/**
 * The demo company's PagerDuty account, served as PagerDuty's REST API v2 under the demo server's
 * `/pagerduty` prefix: `Authorization: Token token=…`, offset pagination with `more`, the
 * six-month cap on `since`..`until`, PagerDuty's error bodies, and incidents, log entries and notes
 * rendered from incidents-model.ts as of the clock's now (an incident not yet triggered does not
 * exist; one not yet acknowledged is `triggered`, and so on).
 *
 * The planted incident failures are exported here as `incidentPlanted` (and `incidentPlantedBy`).
 */
import { Hono, type Context } from 'hono';
import { DAY_MS } from '../../lib/clock.ts';
import type { Clock } from '../../lib/clock.ts';
import type { DemoOrg, Person } from '../org/org.ts';
import { incidentsOf, type DemoIncident } from './incidents-model.ts';
import type { DemoProvider } from './index.ts';

export { incidentPlanted, incidentPlantedBy, type IncidentPlanted } from './incidents-model.ts';

export const DEMO_PAGERDUTY_TOKEN = 'demo-pd-key-u+x4kq8Zs2FZ';

const API = 'https://api.pagerduty.com';
const WEB = 'https://demo-corp.pagerduty.com';
const iso = (d: Date) => d.toISOString().replace(/\.000Z$/, 'Z');
const error = (c: Context, status: 400 | 401 | 404, message: string, code: number, errors: string[] = []) => c.json({ error: { message, code, ...(errors.length ? { errors } : {}) } }, status);

export const pdUserId = (p: Person) => `P${(Number(p.employeeId.slice(1)) * 7919).toString(36).toUpperCase().padStart(6, '0')}`;
const userRef = (p: Person) => ({ id: pdUserId(p), type: 'user_reference', summary: p.name, self: `${API}/users/${pdUserId(p)}`, html_url: `${WEB}/users/${pdUserId(p)}` });
const serviceRef = (i: DemoIncident) => ({ id: i.service.id, type: 'service_reference', summary: i.service.name, self: `${API}/services/${i.service.id}`, html_url: `${WEB}/service-directory/${i.service.id}` });
const policy = { id: 'PDEMOEP', type: 'escalation_policy_reference', summary: 'Engineering on-call', self: `${API}/escalation_policies/PDEMOEP`, html_url: `${WEB}/escalation_policies/PDEMOEP` };
const team = { id: 'PDEMOTM', type: 'team_reference', summary: 'Engineering', self: `${API}/teams/PDEMOTM`, html_url: `${WEB}/teams/PDEMOTM` };
const monitor = (i: DemoIncident) => ({ id: `PINT${i.service.id.slice(4)}`, type: 'generic_events_api_inbound_integration_reference', summary: 'Datadog', self: `${API}/services/${i.service.id}/integrations/PINT${i.service.id.slice(4)}`, html_url: null });
const priorityIds: Record<string, string> = { P1: 'PDEMOP1', P2: 'PDEMOP2', P3: 'PDEMOP3' };

interface Entry {
  id: string;
  kind: 'trigger' | 'escalate' | 'acknowledge' | 'annotate' | 'resolve';
  at: Date;
  agent: Record<string, unknown> | null;
  summary: string;
}

/** The incident's log, whole; callers show the part up to now. */
function logOf(i: DemoIncident): Entry[] {
  const entry = (kind: Entry['kind'], n: number, at: Date, agent: Entry['agent'], summary: string): Entry => ({ id: `R${i.id.slice(1)}${kind.slice(0, 2).toUpperCase()}${n}`, kind, at, agent, summary });
  const out: Entry[] = [entry('trigger', 0, i.createdAt, monitor(i), 'Triggered through the API.')];
  if (i.escalatedAt) out.push(entry('escalate', 0, i.escalatedAt, null, 'Escalated to level 2 of Engineering on-call: not acknowledged within 30 minutes.'));
  if (i.acknowledgedAt) out.push(entry('acknowledge', 0, i.acknowledgedAt, userRef(i.responder), `Acknowledged by ${i.responder.name}.`));
  i.notes.forEach((n, k) => out.push(entry('annotate', k, n.at, userRef(n.author), `Note added by ${n.author.name}.`)));
  out.push(entry('resolve', 0, i.resolvedAt, i.autoResolved ? serviceRef(i) : userRef(i.responder), i.autoResolved ? 'Resolved through the API.' : `Resolved by ${i.responder.name}.`));
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

function incidentJson(i: DemoIncident, now: Date) {
  const acked = i.acknowledgedAt !== null && i.acknowledgedAt <= now;
  const resolved = i.resolvedAt <= now;
  const status = resolved ? 'resolved' : acked ? 'acknowledged' : 'triggered';
  const shown = logOf(i).filter((e) => e.at <= now);
  const last = [...shown].reverse().find((e) => e.kind === 'acknowledge' || e.kind === 'resolve');
  const first = shown[0]!;
  return {
    id: i.id,
    type: 'incident',
    summary: `[#${i.number}] ${i.title}`,
    self: `${API}/incidents/${i.id}`,
    html_url: `${WEB}/incidents/${i.id}`,
    incident_number: i.number,
    title: i.title,
    created_at: iso(i.createdAt),
    updated_at: iso(shown[shown.length - 1]!.at),
    status,
    incident_key: `${i.service.id.toLowerCase()}-${i.number}`,
    service: serviceRef(i),
    assignments: resolved ? [] : [{ at: iso(i.createdAt), assignee: userRef(i.responder) }],
    assigned_via: 'escalation_policy',
    last_status_change_at: iso(last?.at ?? i.createdAt),
    last_status_change_by: last?.agent ?? serviceRef(i),
    resolved_at: resolved ? iso(i.resolvedAt) : null,
    first_trigger_log_entry: { id: first.id, type: 'trigger_log_entry_reference', summary: first.summary, self: `${API}/log_entries/${first.id}`, html_url: `${WEB}/incidents/${i.id}/log_entries/${first.id}` },
    alert_counts: { all: 1, triggered: resolved ? 0 : 1, resolved: resolved ? 1 : 0 },
    is_mergeable: true,
    escalation_policy: policy,
    teams: [team],
    pending_actions: [],
    acknowledgements: status === 'acknowledged' ? [{ at: iso(i.acknowledgedAt!), acknowledger: userRef(i.responder) }] : [],
    basic_alert_grouping: null,
    alert_grouping: null,
    priority: i.priority
      ? { id: priorityIds[i.priority], type: 'priority', summary: i.priority, self: `${API}/priorities/${priorityIds[i.priority]}`, html_url: null, name: i.priority, order: { P1: 512, P2: 256, P3: 128 }[i.priority], color: 'a8171c' }
      : null,
    urgency: i.urgency,
    resolve_reason: null,
    conference_bridge: null,
    incidents_responders: [],
    responder_requests: [],
  };
}

/** PagerDuty's classic pagination: `limit` (default 25, at most 100) and `offset`. */
function paged<T>(c: Context, key: string, items: T[]) {
  const limit = Math.min(100, Math.max(1, Number(c.req.query('limit') ?? 25) || 25));
  const offset = Math.max(0, Number(c.req.query('offset') ?? 0) || 0);
  return c.json({ [key]: items.slice(offset, offset + limit), limit, offset, more: offset + limit < items.length, total: c.req.query('total') === 'true' ? items.length : null });
}

export function pagerdutyApp(org: DemoOrg, clock: Clock): Hono {
  const app = new Hono();
  const all = () => incidentsOf(org).incidents.filter((i) => i.createdAt <= clock.now());
  const byId = (id: string) => all().find((i) => i.id === id);

  app.use('*', async (c, next) => {
    if (c.req.header('authorization') !== `Token token=${DEMO_PAGERDUTY_TOKEN}`) return error(c, 401, 'Unauthorized', 2006);
    await next();
  });

  app.get('/abilities', (c) => c.json({ abilities: ['teams', 'urgencies', 'priorities', 'read_only_users', 'service_support_hours', 'coordinated_responding'] }));

  app.get('/incidents', (c) => {
    const now = clock.now();
    let since = new Date(now.getTime() - 30 * DAY_MS);
    let until = now;
    if (c.req.query('date_range') !== 'all') {
      const s = c.req.query('since');
      const u = c.req.query('until');
      if (s) since = new Date(s);
      if (u) until = new Date(u);
      if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) return error(c, 400, 'Invalid Input Provided', 2001, ['Since and until must be ISO 8601 dates.']);
      if (until.getTime() - since.getTime() > 183 * DAY_MS) return error(c, 400, 'Invalid Input Provided', 2001, ['Date range is too large. Maximum date range is 6 months.']);
    } else {
      since = new Date(0);
    }
    const desc = (c.req.query('sort_by') ?? '').endsWith(':desc');
    const list = all()
      .filter((i) => i.createdAt >= since && i.createdAt <= until)
      .sort((a, b) => (desc ? -1 : 1) * (a.createdAt.getTime() - b.createdAt.getTime()));
    return paged(c, 'incidents', list.map((i) => incidentJson(i, now)));
  });

  app.get('/incidents/:id/log_entries', (c) => {
    const i = byId(c.req.param('id'));
    if (!i) return error(c, 404, 'Not Found', 2100);
    const now = clock.now();
    const entries = logOf(i)
      .filter((e) => e.at <= now)
      .map((e) => ({
        id: e.id,
        type: `${e.kind}_log_entry`,
        summary: e.summary,
        self: `${API}/log_entries/${e.id}`,
        html_url: `${WEB}/incidents/${i.id}/log_entries/${e.id}`,
        created_at: iso(e.at),
        agent: e.agent,
        channel: { type: e.kind === 'trigger' ? 'api' : e.kind === 'annotate' ? 'note' : e.kind === 'escalate' ? 'timeout' : 'web_ui' },
        service: serviceRef(i),
        incident: { id: i.id, type: 'incident_reference', summary: `[#${i.number}] ${i.title}`, self: `${API}/incidents/${i.id}`, html_url: `${WEB}/incidents/${i.id}` },
        teams: [team],
        contexts: [],
      }));
    return paged(c, 'log_entries', entries);
  });

  app.get('/incidents/:id/notes', (c) => {
    const i = byId(c.req.param('id'));
    if (!i) return error(c, 404, 'Not Found', 2100);
    const now = clock.now();
    return c.json({
      notes: i.notes
        .filter((n) => n.at <= now)
        .map((n, k) => ({ id: `PN${i.id.slice(1)}${k}`, user: userRef(n.author), channel: { summary: 'The PagerDuty website or APIs' }, content: n.content, created_at: iso(n.at) })),
    });
  });

  app.notFound((c) => error(c, 404, 'Not Found', 2100));
  return app;
}

export const pagerdutyProvider: DemoProvider = {
  name: 'pagerduty',
  app: pagerdutyApp,
  source: (baseUrl) => ({ name: 'pagerduty', type: 'pagerduty', config: { baseUrl, token: DEMO_PAGERDUTY_TOKEN } }),
};
