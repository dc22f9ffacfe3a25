/**
 * incident.ack-resolve-sla — one population member per PagerDuty incident triggered in the window:
 * it was acknowledged within the response target for its priority (or urgency) and resolved within
 * the resolution target. Resolving an incident counts as responding to it when nobody acknowledged
 * it first (an alert that cleared itself); an open incident is judged once a target has passed.
 */
import { z } from 'zod';
import { HOUR_MS } from '../../lib/clock.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { at, duration, inWindow, incidentRow, ms, PAGERDUTY_INCIDENTS, readRows, windowParam, type IncidentRow } from './incident-rows.ts';

const MINUTE_MS = 60_000;

const target = z.object({
  priority: z.string().min(1).optional().describe('Applies to incidents of this priority (P1, P2, …; compared without case). Leave out to match any priority.'),
  urgency: z.enum(['high', 'low']).optional().describe('Applies to incidents of this urgency. Leave out to match any urgency.'),
  ackMinutes: z.number().positive().describe('Acknowledged within this many minutes of being triggered.'),
  resolveHours: z.number().positive().describe('Resolved within this many hours of being triggered.'),
});
type Target = z.output<typeof target>;

/** Common practice, not a rule: INC-02 names 15 minutes for the highest severity. */
export const defaultTargets: Target[] = [
  { priority: 'P1', ackMinutes: 15, resolveHours: 4 },
  { priority: 'P2', ackMinutes: 30, resolveHours: 24 },
  { urgency: 'high', ackMinutes: 30, resolveHours: 48 },
  { urgency: 'low', ackMinutes: 240, resolveHours: 120 },
];

const params = z.object({
  targets: z
    .array(target)
    .min(1)
    .default(defaultTargets)
    .describe('Response and resolution targets; the first whose priority and urgency match an incident applies. Defaults: P1 15 min / 4 h, P2 30 min / 24 h, other high urgency 30 min / 48 h, low urgency 4 h / 5 days.'),
  windowDays: windowParam,
});

const matches = (t: Target, i: IncidentRow) =>
  (t.priority === undefined || (i.priority !== null && t.priority.toLowerCase() === i.priority.toLowerCase())) && (t.urgency === undefined || t.urgency === i.urgency);

const label = (i: IncidentRow) => `#${i.number} "${i.title}" (${[i.priority, `${i.urgency} urgency`].filter(Boolean).join(', ')}, ${i.service})`;
const targetName = (t: Target) => [t.priority, t.urgency ? `${t.urgency} urgency` : null].filter(Boolean).join(', ');

export const ackResolveSla = defineCheck({
  id: 'incident.ack-resolve-sla',
  title: 'Incidents are acknowledged and resolved within their targets',
  description:
    'Every PagerDuty incident triggered in the window was acknowledged within the response target and resolved within the resolution target for its priority or urgency. An incident resolved without an acknowledgement counts as answered when it was resolved; an open incident fails once a target has passed.',
  area: 'incident',
  controls: ['INC-02', 'INC-03'],
  severity: 'medium',
  // Results move with the clock: SLA deadlines pass.
  readsNow: true,
  inputs: { resources: [PAGERDUTY_INCIDENTS] },
  params,
  async evaluate({ params: p, now, inputs }) {
    const results: CheckResult[] = [];
    for (const s of await readRows(inputs, PAGERDUTY_INCIDENTS, incidentRow)) {
      const i = s.row;
      if (!inWindow(i.createdAt, now, p.windowDays)) continue;
      const base = { resource: s.resource, source: s.source, evidence: s.evidence };
      const t = p.targets.find((x) => matches(x, i));
      if (!t) {
        results.push({ ...base, status: 'not_applicable', reason: `${label(i)}: no target applies to priority ${i.priority ?? 'none'} and ${i.urgency} urgency; add one to the check's targets to judge it` });
        continue;
      }
      const created = ms(i.createdAt);
      const ackDue = created + t.ackMinutes * MINUTE_MS;
      const resolveDue = created + t.resolveHours * HOUR_MS;
      const answered = i.acknowledgedAt ?? i.resolvedAt;
      const details = {
        number: i.number,
        priority: i.priority,
        urgency: i.urgency,
        service: i.service,
        createdAt: i.createdAt,
        acknowledgedAt: i.acknowledgedAt,
        acknowledgedBy: i.acknowledgedBy,
        resolvedAt: i.resolvedAt,
        ackMinutes: answered ? Math.round((ms(answered) - created) / MINUTE_MS) : null,
        resolveHours: i.resolvedAt ? Number(((ms(i.resolvedAt) - created) / HOUR_MS).toFixed(2)) : null,
        target: t,
        url: i.htmlUrl,
      };
      const late: string[] = [];
      let ackLate = false;
      if (answered && ms(answered) > ackDue) {
        ackLate = true;
        late.push(
          i.acknowledgedAt
            ? `was acknowledged ${duration(ms(answered) - created)} after it was triggered at ${at(created)}${i.acknowledgedBy ? ` (by ${i.acknowledgedBy})` : ''}; the target is ${duration(t.ackMinutes * MINUTE_MS)}`
            : `was never acknowledged and was resolved ${duration(ms(answered) - created)} after it was triggered at ${at(created)}; the response target is ${duration(t.ackMinutes * MINUTE_MS)}`,
        );
      } else if (!answered && now.getTime() > ackDue) {
        ackLate = true;
        late.push(`has not been acknowledged since it was triggered at ${at(created)}, past its acknowledgement deadline ${at(ackDue)}; the target is ${duration(t.ackMinutes * MINUTE_MS)}`);
      }
      if (i.resolvedAt && ms(i.resolvedAt) > resolveDue) late.push(`was resolved ${duration(ms(i.resolvedAt) - created)} after it was triggered; the target is ${duration(t.resolveHours * HOUR_MS)}`);
      else if (!i.resolvedAt && now.getTime() > resolveDue) late.push(`is still open past its resolution deadline ${at(resolveDue)}; the target is ${duration(t.resolveHours * HOUR_MS)}`);

      if (late.length) {
        const fixes = [
          ackLate
            ? `check that ${i.escalationPolicy ?? 'its escalation policy'} reaches an on-call responder within ${duration(t.ackMinutes * MINUTE_MS)} (schedule gaps, notification rules, escalation timeout)`
            : null,
          i.resolvedAt ? null : `resolve or downgrade the incident with a reason`,
          i.resolvedAt && ms(i.resolvedAt) > resolveDue ? 'review what slowed the resolution (runbook, access, escalation) in the postmortem' : null,
        ].filter(Boolean);
        results.push({
          ...base,
          status: 'fail',
          reason: `${label(i)} ${late.join(', and ')} (${targetName(t)})`,
          remediation: `Record in the notes of ${i.htmlUrl} why the target was missed, then ${fixes.join('; ')}.`,
          details,
        });
        continue;
      }
      if (!i.resolvedAt) {
        results.push({
          ...base,
          status: 'not_applicable',
          reason: `${label(i)} is still open${i.acknowledgedAt ? `, acknowledged ${duration(ms(i.acknowledgedAt) - created)} after it was triggered` : ''}; it is judged when it is resolved or its resolution target passes at ${at(resolveDue)}`,
          details,
        });
        continue;
      }
      results.push({
        ...base,
        status: 'pass',
        reason: `${label(i)} was ${i.acknowledgedAt ? `acknowledged after ${duration(ms(i.acknowledgedAt) - created)} and resolved after ${duration(ms(i.resolvedAt) - created)}` : `resolved after ${duration(ms(i.resolvedAt) - created)} without an acknowledgement`}, within the targets of ${duration(t.ackMinutes * MINUTE_MS)} and ${duration(t.resolveHours * HOUR_MS)} (${targetName(t)})`,
        details,
      });
    }
    return results;
  },
});
