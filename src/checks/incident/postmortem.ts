/**
 * incident.postmortem — one population member per high-severity incident in the window: it has a
 * postmortem within N days of its resolution, and every corrective action from it is owned, has a
 * due date, and was closed by that date (or is open and not yet due).
 *
 * The population is the high-severity PagerDuty incidents (by priority) and the high-severity Jira
 * incident tickets (by severity field, else priority). A Jira ticket that names a PagerDuty
 * incident (config.fields.pagerdutyIncident) is the same incident: one member, judged on both. A
 * high-severity PagerDuty incident with no ticket has no postmortem. The postmortem is the ticket's
 * postmortem field (the time it was first filled in) or a linked issue of kind postmortem (its
 * resolution); corrective actions are issues of kind corrective-action linked to either.
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import {
  at,
  dayOf,
  duration,
  endOfDay,
  incidentRow,
  inWindow,
  issueRow,
  JIRA_ISSUES,
  ms,
  PAGERDUTY_INCIDENTS,
  pagerdutyIdOf,
  readRows,
  severityKey,
  windowParam,
  type IncidentRow,
  type IssueRow,
  type Stored,
} from './incident-rows.ts';

const params = z.object({
  highSeverities: z
    .array(z.string().min(1))
    .min(1)
    .default(['P1', 'P2', 'SEV1', 'SEV2', 'Critical', 'Highest'])
    .describe('Priorities or severities that make an incident high-severity (compared without case, spaces or dashes: SEV-1 = sev1).'),
  postmortemDays: z.number().positive().default(5).describe('The postmortem is written within this many days of the resolution.'),
  requireOwnerAndDueDate: z.boolean().default(true).describe('Every corrective action has an assignee and a due date.'),
  lateClosureFails: z.boolean().default(true).describe('A corrective action closed after its due date is an exception (it was not tracked to closure on time).'),
  windowDays: windowParam,
});

/** Whole days from the start of a due date to t: closing on the day after it is 1 day late. */
const daysAfter = (date: string, t: number) => Math.floor((t - ms(`${date}T00:00:00Z`)) / DAY_MS);
const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

interface Member {
  resource: string;
  source: string;
  pd?: Stored<IncidentRow>;
  tickets: Stored<IssueRow>[];
}

export const postmortem = defineCheck({
  id: 'incident.postmortem',
  title: 'High-severity incidents get a postmortem, and its corrective actions are closed on time',
  description:
    'Every high-severity incident (PagerDuty priority, or the severity of its Jira ticket) triggered in the window has a postmortem within N days of its resolution, and every corrective action linked to it has an owner and a due date and was closed by that date.',
  area: 'incident',
  controls: ['INC-04'],
  severity: 'medium',
  // Results move with the clock: the postmortem deadline passes.
  readsNow: true,
  inputs: { resources: [JIRA_ISSUES, PAGERDUTY_INCIDENTS], optional: [PAGERDUTY_INCIDENTS] },
  params,
  async evaluate({ params: p, now, inputs }) {
    const high = new Set(p.highSeverities.map(severityKey));
    const isHigh = (s: string | null) => s !== null && high.has(severityKey(s));
    const incidents = await readRows(inputs, PAGERDUTY_INCIDENTS, incidentRow);
    const issues = await readRows(inputs, JIRA_ISSUES, issueRow);
    const byKey = new Map(issues.map((s) => [s.row.key, s]));
    const pdById = new Map(incidents.filter((s) => inWindow(s.row.createdAt, now, p.windowDays)).map((s) => [s.row.id, s]));

    const members = new Map<string, Member>();
    for (const s of pdById.values()) if (isHigh(s.row.priority)) members.set(s.resource, { resource: s.resource, source: s.source, pd: s, tickets: [] });
    for (const t of issues) {
      if (t.row.kind !== 'incident') continue;
      const pd = pdById.get(pagerdutyIdOf(t.row.pagerdutyIncident) ?? '');
      const ticketHigh = isHigh(t.row.severity ?? t.row.priority);
      if (pd) {
        const m = members.get(pd.resource);
        if (m) m.tickets.push(t);
        else if (ticketHigh) members.set(pd.resource, { resource: pd.resource, source: pd.source, pd, tickets: [t] });
      } else if (ticketHigh && inWindow(t.row.createdAt, now, p.windowDays)) {
        members.set(t.resource, { resource: t.resource, source: t.source, tickets: [t] });
      }
    }

    const results: CheckResult[] = [];
    for (const m of members.values()) results.push(judge(m));
    return results.sort((a, b) => a.resource.localeCompare(b.resource));

    function judge(m: Member): CheckResult {
      const first = m.tickets[0]?.row;
      const name = m.pd
        ? `#${m.pd.row.number} "${m.pd.row.title}" (${m.pd.row.priority ?? m.pd.row.urgency}${m.tickets.length ? `, ${m.tickets.map((t) => t.row.key).join(', ')}` : ''})`
        : `${first!.key} "${first!.summary}" (${first!.severity ?? first!.priority})`;
      const resolved = m.pd?.row.resolvedAt ?? m.tickets.find((t) => t.row.resolvedAt)?.row.resolvedAt ?? null;
      const linked = (t: Stored<IssueRow>) => t.row.links.flatMap((l) => (byKey.has(l.key) ? [byKey.get(l.key)!] : []));
      const reviews = m.tickets.flatMap(linked).filter((x) => x.row.kind === 'postmortem');
      const actions = [...new Map([...m.tickets, ...reviews].flatMap(linked).filter((x) => x.row.kind === 'corrective-action').map((x) => [x.row.key, x])).values()];
      const written = [
        ...m.tickets.flatMap((t) => (t.row.postmortemAt ? [{ at: ms(t.row.postmortemAt), where: `${t.row.key}'s postmortem field` }] : [])),
        ...reviews.flatMap((r) => (r.row.resolvedAt && r.row.statusCategory === 'done' ? [{ at: ms(r.row.resolvedAt), where: `${r.row.key} "${r.row.summary}"` }] : [])),
      ].sort((a, b) => a.at - b.at)[0];
      const evidence = [...new Set([...(m.pd?.evidence ?? []), ...m.tickets.flatMap((t) => t.evidence), ...reviews.flatMap((r) => r.evidence), ...actions.flatMap((a) => a.evidence)])];
      const base = { resource: m.resource, source: m.source, evidence };
      const details = {
        incident: m.pd?.row.id ?? null,
        tickets: m.tickets.map((t) => t.row.key),
        resolvedAt: resolved,
        postmortemAt: written ? new Date(written.at).toISOString() : null,
        correctiveActions: actions.map((a) => ({ key: a.row.key, status: a.row.status, assignee: a.row.assignee, dueDate: a.row.dueDate, resolvedAt: a.row.resolvedAt })),
      };
      const ticket = first ? `${first.key} (${first.url})` : 'a Jira incident ticket that names it';
      if (!resolved) return { ...base, status: 'not_applicable', reason: `${name} is not resolved yet; its postmortem is due within ${p.postmortemDays} days of the resolution`, details };
      const due = ms(resolved) + p.postmortemDays * DAY_MS;
      if (!written) {
        if (now.getTime() <= due) return { ...base, status: 'not_applicable', reason: `${name} was resolved at ${at(resolved)}; its postmortem is due by ${at(due)}`, details };
        return {
          ...base,
          status: 'fail',
          reason: `${name} was resolved at ${at(resolved)} and has no postmortem, past its due date ${at(due)} (due within ${p.postmortemDays} days)${m.tickets.length ? '' : '; no Jira incident ticket names it'}`,
          remediation: `Hold the postmortem now — timeline, root cause, corrective actions each ticketed with an owner and a due date — and record it on ${ticket}.`,
          details,
        };
      }
      const problems: string[] = [];
      const fixes: string[] = [];
      if (written.at > due) {
        problems.push(`its postmortem (${written.where}) came ${duration(written.at - ms(resolved))} after the resolution, later than ${p.postmortemDays} days`);
        fixes.push(`record why the postmortem of ${name} was late`);
      }
      for (const a of actions) {
        const r = a.row;
        const what = `corrective action ${r.key} "${r.summary}"`;
        if (p.requireOwnerAndDueDate && (!r.assignee || !r.dueDate)) {
          problems.push(`${what} has no ${[!r.assignee ? 'owner' : null, !r.dueDate ? 'due date' : null].filter(Boolean).join(' and no ')}`);
          fixes.push(`give ${r.key} an assignee and a due date`);
        }
        if (!r.dueDate) continue;
        const deadline = endOfDay(r.dueDate);
        if (r.resolvedAt && r.statusCategory === 'done') {
          if (p.lateClosureFails && ms(r.resolvedAt) > deadline) {
            problems.push(`${what} was closed on ${dayOf(r.resolvedAt)}, ${days(daysAfter(r.dueDate, ms(r.resolvedAt)))} after its due date ${r.dueDate}`);
            fixes.push(`record on ${r.key} why it closed late`);
          }
        } else if (now.getTime() >= deadline) {
          problems.push(`${what} is still ${r.status}, past its due date ${r.dueDate}${r.assignee ? ` (owner ${r.assignee})` : ''}`);
          fixes.push(`close ${r.key} (${r.url}) or agree a new due date with ${r.assignee ?? 'an owner'} and record why`);
        }
      }
      if (problems.length) {
        return { ...base, status: 'fail', reason: `${name}: ${problems.join('; ')}`, remediation: `${fixes.map((f, i) => (i === 0 ? f[0]!.toUpperCase() + f.slice(1) : f)).join('; ')}.`, details };
      }
      const open = actions.filter((a) => !(a.row.resolvedAt && a.row.statusCategory === 'done'));
      const closed = actions.length - open.length;
      const tally =
        [
          closed ? `${closed} corrective action${closed === 1 ? '' : 's'} closed by ${closed === 1 ? 'its' : 'their'} due date` : '',
          open.length ? `open and not yet due: ${open.map((a) => `${a.row.key} (due ${a.row.dueDate ?? 'date not set'})`).join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') || 'no corrective actions';
      return {
        ...base,
        status: 'pass',
        reason: `${name}: postmortem (${written.where}) ${duration(written.at - ms(resolved))} after the resolution, within ${p.postmortemDays} days; ${tally}`,
        details,
      };
    }
  },
});
