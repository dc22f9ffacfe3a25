/**
 * people.training — everyone employed completes security awareness training within N days of
 * starting (default 30) and again every year. One result per person on the HR roster, joined to
 * the training export (training-csv) by work email. With no completions collected at all the
 * check is not applicable: an unconfigured export never reads as "nobody was trained".
 */
import { z } from 'zod';
import { HR_TYPES, readHrRoster, requireRoster } from '../access/hr-roster.ts';
import { isoDuration } from '../availability/uptime.ts';
import { defineCheck } from '../sdk/define.ts';
import { dayOrInstant, judgePeople, type PersonRecord } from './yearly.ts';

export const TRAINING_COMPLETIONS = 'training-csv.completions';

const row = z.object({ email: z.string(), course: z.string(), completedAt: z.string() });

export const training = defineCheck({
  id: 'people.training',
  title: 'Security awareness training at hire and every year',
  description: 'Every current employee on the HR roster completed security awareness training within N days of starting (default 30) and at least once a year since.',
  area: 'people',
  controls: ['GOV-03'],
  severity: 'medium',
  // Results move with the clock: training is due yearly.
  readsNow: true,
  inputs: { resources: [TRAINING_COMPLETIONS, ...HR_TYPES], optional: [...HR_TYPES] },
  params: z.object({
    withinDays: z.number().int().min(0).max(365).default(30).describe('Days after the start date by which a new joiner must have completed the training.'),
    interval: isoDuration('P1Y', 'How often the training must be repeated (an ISO 8601 duration; P1Y is a calendar year).'),
    courses: z
      .array(z.string().min(1))
      .default([])
      .describe('Only completions whose course contains one of these (any case) count; empty counts every course in the export.'),
  }),
  async evaluate({ inputs, params: p, now }) {
    const stored = await inputs.resources(TRAINING_COMPLETIONS);
    if (stored.length === 0) {
      return [{ resource: TRAINING_COMPLETIONS, status: 'not_applicable', evidence: await inputs.snapshots([TRAINING_COMPLETIONS]), reason: 'no training completions are collected: give a training-csv source its completions export' }];
    }
    const people = await readHrRoster(inputs);
    requireRoster(people, 'people.training');
    const records = new Map<string, PersonRecord[]>();
    for (const r of stored) {
      const c = row.safeParse(r.data);
      if (!c.success) throw new Error(`stored ${TRAINING_COMPLETIONS} row ${r.key} does not have the fields this check reads: ${c.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const email = c.data.email.toLowerCase();
      records.set(email, [...(records.get(email) ?? []), { at: dayOrInstant(c.data.completedAt), written: c.data.completedAt, label: c.data.course, evidence: r.evidenceId ? [r.evidenceId] : [] }]);
    }
    const wanted = p.courses.map((c) => c.toLowerCase());
    const requirement = {
      name: 'security awareness training',
      verb: 'completed',
      act: 'complete',
      matches: (r: PersonRecord) => wanted.length === 0 || wanted.some((w) => r.label.toLowerCase().includes(w)),
    };
    return judgePeople(people, records, [requirement], now, p);
  },
});
