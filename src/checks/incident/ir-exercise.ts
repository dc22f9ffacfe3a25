/**
 * incident.ir-exercise — one result for the organization: an incident-response exercise (tabletop or
 * live) was completed within the last N days (365 by default). An exercise is a Jira issue the
 * connector classed as kind `exercise`, or one carrying a configured label or issue type, that is
 * resolved (status category done). Finding none is a failure, judged on the Jira snapshot searched.
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import { defineCheck } from '../sdk/define.ts';
import { dayOf, issueRow, JIRA_ISSUES, ms, readRows } from './incident-rows.ts';

/** The organization is the one member of this population. */
export const EXERCISE_RESOURCE = 'organization/incident-response-exercise';

const params = z.object({
  maxAgeDays: z.number().int().min(1).max(3650).default(365).describe('An exercise must have been completed within this many days (yearly by default).'),
  labels: z.array(z.string().min(1)).default(['ir-exercise', 'tabletop-exercise']).describe('Labels that mark an issue as an incident-response exercise (besides the Jira source’s exercise kind).'),
  issueTypes: z.array(z.string().min(1)).default([]).describe('Issue types that are incident-response exercises (besides the Jira source’s exercise kind).'),
});

export const irExercise = defineCheck({
  id: 'incident.ir-exercise',
  title: 'The incident response plan is exercised every year',
  description: 'An incident-response exercise (a Jira issue of the exercise kind, or with a configured label or type) was completed within the last 365 days.',
  area: 'incident',
  controls: ['INC-05'],
  severity: 'medium',
  // Results move with the clock: the last exercise ages with the clock.
  readsNow: true,
  inputs: { resources: [JIRA_ISSUES] },
  params,
  async evaluate({ params: p, now, inputs }) {
    const labels = new Set(p.labels.map((l) => l.toLowerCase()));
    const types = new Set(p.issueTypes.map((t) => t.toLowerCase()));
    const exercises = (await readRows(inputs, JIRA_ISSUES, issueRow)).filter(
      (s) => s.row.kind === 'exercise' || s.row.labels.some((l) => labels.has(l.toLowerCase())) || types.has(s.row.issueType.toLowerCase()),
    );
    const done = exercises
      .filter((s) => s.row.statusCategory === 'done' && s.row.resolvedAt !== null && ms(s.row.resolvedAt) <= now.getTime())
      .sort((a, b) => ms(b.row.resolvedAt!) - ms(a.row.resolvedAt!));
    const latest = done[0];
    const since = now.getTime() - p.maxAgeDays * DAY_MS;
    const planned = exercises.filter((s) => s.row.statusCategory !== 'done');
    const details = {
      latest: latest ? { key: latest.row.key, summary: latest.row.summary, completedAt: latest.row.resolvedAt, url: latest.row.url } : null,
      planned: planned.map((s) => ({ key: s.row.key, summary: s.row.summary, status: s.row.status, dueDate: s.row.dueDate })),
    };
    const base = { resource: EXERCISE_RESOURCE, source: latest?.source ?? exercises[0]?.source ?? 'jira' };
    if (latest && ms(latest.row.resolvedAt!) >= since) {
      return [
        {
          ...base,
          status: 'pass',
          evidence: latest.evidence,
          reason: `${latest.row.key} "${latest.row.summary}" was completed on ${dayOf(latest.row.resolvedAt!)}; the next exercise is due by ${dayOf(ms(latest.row.resolvedAt!) + p.maxAgeDays * DAY_MS)}`,
          details,
        },
      ];
    }
    // Nothing recent: the evidence is the Jira snapshot that was searched, and the stale exercise if any.
    const evidence = [...new Set([...(latest?.evidence ?? []), ...(await inputs.snapshots([JIRA_ISSUES]))])];
    const what = [...[...labels].map((l) => `labelled ${l}`), ...[...types].map((t) => `of type ${t}`)].join(', ');
    return [
      {
        ...base,
        status: 'fail',
        evidence,
        reason: latest
          ? `the last incident-response exercise, ${latest.row.key} "${latest.row.summary}", was completed on ${dayOf(latest.row.resolvedAt!)}; one is due every ${p.maxAgeDays} days, so the next was due by ${dayOf(ms(latest.row.resolvedAt!) + p.maxAgeDays * DAY_MS)}`
          : `no incident-response exercise completed in the last ${p.maxAgeDays} days is recorded in Jira (looked for issues of the exercise kind${what ? `, or ${what}` : ''})${planned.length ? `; planned but not done: ${planned.map((s) => s.row.key).join(', ')}` : ''}`,
        remediation: `Run a tabletop or live exercise of the incident response plan, record it as a Jira issue labelled ${p.labels[0] ?? 'ir-exercise'} with what was learned, resolve it, and update the plan.`,
        details,
      },
    ];
  },
});
