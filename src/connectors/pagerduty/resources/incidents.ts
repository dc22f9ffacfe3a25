/**
 * Incidents: every incident triggered within the lookback window, with the times an auditor samples
 * (triggered, first acknowledged, resolved), who acted, urgency, priority, service, a timeline and
 * the responders' notes — the population of the incident response SLA and postmortem checks.
 *
 * The incident object holds acknowledgements only while an incident is acknowledged (PagerDuty
 * clears them on resolve), so the first acknowledgement comes from the incident's log entries.
 */
import { z } from 'zod';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import { isoOrNull, isoTime, nameOf, pdHeaders, pdPages, windows, type ApiIncident, type ApiLogEntry, type ApiNote } from '../api.ts';
import type { PagerDutyConfig } from '../config.ts';

const timelineEntry = z.object({
  at: z.iso.datetime().describe('When it happened (UTC).'),
  type: z.string().describe('What happened: trigger, acknowledge, resolve, escalate, assign, annotate, … (the log entry type without "_log_entry").'),
  by: z.string().nullable().describe('Who or what did it (a user, or the service/integration for automatic changes), when PagerDuty names one.'),
  summary: z.string().nullable().describe("PagerDuty's one-line description of the entry."),
});

const note = z.object({
  at: z.iso.datetime().describe('When the note was added (UTC).'),
  author: z.string().nullable().describe('The user who wrote it.'),
  content: z.string().describe('The note text.'),
});

export const incidentSchema = z.object({
  id: z.string().describe('PagerDuty incident id (e.g. PT4KHLK).'),
  number: z.number().int().describe('Incident number, unique in the account (shown as #1234).'),
  title: z.string().describe('What the incident is about.'),
  status: z.enum(['triggered', 'acknowledged', 'resolved']).describe('Status at collection time.'),
  urgency: z.enum(['high', 'low']).describe('Urgency: high pages responders at once, low does not.'),
  priority: z.string().nullable().describe('Priority name (P1, P2, …) when the account uses priorities and one was set.'),
  service: z.string().describe('Name of the service the incident belongs to.'),
  serviceId: z.string().describe('Id of that service.'),
  escalationPolicy: z.string().nullable().describe('Name of the escalation policy that paged responders.'),
  teams: z.array(z.string()).describe('Teams the incident belongs to.'),
  createdAt: z.iso.datetime().describe('When the incident was triggered (UTC).'),
  acknowledgedAt: z.iso.datetime().nullable().describe('First acknowledgement (UTC); null if nobody acknowledged it (it may have been resolved directly).'),
  acknowledgedBy: z.string().nullable().describe('Who acknowledged it first.'),
  resolvedAt: z.iso.datetime().nullable().describe('When it was resolved (UTC); null while open.'),
  resolvedBy: z.string().nullable().describe('Who or what resolved it (a user, or the integration for auto-resolved incidents).'),
  timeline: z.array(timelineEntry).describe("The incident's major log entries, oldest first (PagerDuty's overview of the log)."),
  notes: z.array(note).describe("Responders' notes, oldest first (empty when includeNotes is off)."),
  htmlUrl: z.string().describe('Link to the incident in PagerDuty.'),
});

async function logEntries(ctx: RunContext<PagerDutyConfig>, incidentId: string): Promise<ApiLogEntry[]> {
  const out: ApiLogEntry[] = [];
  const pages = pdPages<ApiLogEntry>(ctx, `/incidents/${encodeURIComponent(incidentId)}/log_entries`, 'log_entries', { is_overview: 'true', time_zone: 'UTC' });
  for await (const page of pages) out.push(...page.items);
  return out.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
}

async function notes(ctx: RunContext<PagerDutyConfig>, incidentId: string): Promise<ApiNote[]> {
  // Notes are not paginated: the endpoint returns every note of the incident.
  const body = await ctx.http.get<{ notes: ApiNote[] }>(`/incidents/${encodeURIComponent(incidentId)}/notes`, { headers: pdHeaders });
  return [...(Array.isArray(body?.notes) ? body.notes : [])].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
}

const kindOf = (entryType: string) => entryType.replace(/_log_entry(_reference)?$/, '');

export function toRow(i: ApiIncident, log: ApiLogEntry[], noteList: ApiNote[]): z.output<typeof incidentSchema> {
  const ack = log.find((e) => kindOf(e.type) === 'acknowledge');
  const current = i.acknowledgements?.[0];
  const resolve = log.find((e) => kindOf(e.type) === 'resolve');
  const resolvedAt = resolve?.created_at ?? i.resolved_at ?? (i.status === 'resolved' ? i.last_status_change_at : null);
  return {
    id: i.id,
    number: i.incident_number,
    title: i.title,
    status: i.status,
    urgency: i.urgency,
    priority: i.priority ? (i.priority.summary ?? i.priority.name ?? null) : null,
    service: nameOf(i.service) ?? i.service?.id,
    serviceId: i.service?.id,
    escalationPolicy: nameOf(i.escalation_policy),
    teams: (i.teams ?? []).map((t) => nameOf(t) ?? t.id),
    createdAt: isoTime(i.created_at),
    acknowledgedAt: isoOrNull(ack?.created_at ?? current?.at),
    acknowledgedBy: ack ? nameOf(ack.agent) : current ? nameOf(current.acknowledger) : null,
    resolvedAt: isoOrNull(resolvedAt),
    resolvedBy: resolve ? nameOf(resolve.agent) : i.status === 'resolved' ? nameOf(i.last_status_change_by) : null,
    timeline: log.map((e) => ({ at: isoTime(e.created_at), type: kindOf(e.type), by: nameOf(e.agent), summary: e.summary ?? null })),
    notes: noteList.map((n) => ({ at: isoTime(n.created_at), author: nameOf(n.user), content: n.content })),
    htmlUrl: i.html_url,
  };
}

export const incidents = defineResource({
  name: 'incidents',
  description: 'Every incident triggered within the lookback window, with its acknowledgement and resolution times, urgency, priority, service, timeline and notes.',
  schema: incidentSchema,
  primaryKey: 'id',
  async *list(ctx: RunContext<PagerDutyConfig>) {
    // An incident sits in exactly one window (by its creation time); the set guards a boundary.
    const seen = new Set<string>();
    for (const w of windows(ctx.clock.now(), ctx.config.lookbackDays)) {
      const pages = pdPages<ApiIncident>(ctx, '/incidents', 'incidents', { since: w.since, until: w.until, time_zone: 'UTC', sort_by: 'created_at:asc' });
      for await (const page of pages) {
        const rows = [];
        for (const i of page.items) {
          if (seen.has(i.id)) continue;
          seen.add(i.id);
          rows.push(toRow(i, await logEntries(ctx, i.id), ctx.config.includeNotes ? await notes(ctx, i.id) : []));
        }
        yield rows;
      }
    }
  },
});
