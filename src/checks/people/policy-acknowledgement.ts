/**
 * people.policy-acknowledgement — everyone employed acknowledges the security policies within N
 * days of starting (default 30) and again every year. One result per person on the HR roster,
 * joined to the acknowledgements export (training-csv) by work email; with `policies` listed,
 * each of them must be acknowledged. Not applicable while no acknowledgement is collected.
 */
import { z } from 'zod';
import { HR_TYPES, readHrRoster, requireRoster } from '../access/hr-roster.ts';
import { isoDuration } from '../availability/uptime.ts';
import { defineCheck } from '../sdk/define.ts';
import { dayOrInstant, judgePeople, type PersonRecord, type Requirement } from './yearly.ts';

export const POLICY_ACKNOWLEDGEMENTS = 'training-csv.acknowledgements';

const row = z.object({ email: z.string(), policy: z.string(), version: z.string().nullable(), acknowledgedAt: z.string() });

export const policyAcknowledgement = defineCheck({
  id: 'people.policy-acknowledgement',
  title: 'Security policies acknowledged at hire and every year',
  description: 'Every current employee on the HR roster acknowledged the security policies within N days of starting (default 30) and at least once a year since; each policy in `policies` separately when listed.',
  area: 'people',
  controls: ['GOV-02'],
  severity: 'medium',
  // Results move with the clock: acknowledgements are due yearly.
  readsNow: true,
  inputs: { resources: [POLICY_ACKNOWLEDGEMENTS, ...HR_TYPES], optional: [...HR_TYPES] },
  params: z.object({
    withinDays: z.number().int().min(0).max(365).default(30).describe('Days after the start date by which a new joiner must have acknowledged.'),
    interval: isoDuration('P1Y', 'How often the acknowledgement must be renewed (an ISO 8601 duration).'),
    policies: z
      .array(z.string().min(1))
      .default([])
      .describe('Policies each person must acknowledge, matched by name (any case); empty means an acknowledgement of any policy counts.'),
  }),
  async evaluate({ inputs, params: p, now }) {
    const stored = await inputs.resources(POLICY_ACKNOWLEDGEMENTS);
    if (stored.length === 0) {
      return [{ resource: POLICY_ACKNOWLEDGEMENTS, status: 'not_applicable', evidence: await inputs.snapshots([POLICY_ACKNOWLEDGEMENTS]), reason: 'no policy acknowledgements are collected: give a training-csv source its acknowledgements export' }];
    }
    const people = await readHrRoster(inputs);
    requireRoster(people, 'people.policy-acknowledgement');
    const records = new Map<string, PersonRecord[]>();
    for (const r of stored) {
      const a = row.safeParse(r.data);
      if (!a.success) throw new Error(`stored ${POLICY_ACKNOWLEDGEMENTS} row ${r.key} does not have the fields this check reads: ${a.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const email = a.data.email.toLowerCase();
      const label = a.data.version ? `${a.data.policy} ${a.data.version}` : a.data.policy;
      records.set(email, [...(records.get(email) ?? []), { at: dayOrInstant(a.data.acknowledgedAt), written: a.data.acknowledgedAt, label, evidence: r.evidenceId ? [r.evidenceId] : [] }]);
    }
    const requirements: Requirement[] = p.policies.length
      ? p.policies.map((name) => ({ name: `the ${name}`, verb: 'acknowledged', act: 'acknowledge', matches: (r) => r.label.toLowerCase().startsWith(name.toLowerCase()) }))
      : [{ name: 'the security policies', verb: 'acknowledged', act: 'acknowledge', matches: () => true }];
    return judgePeople(people, records, requirements, now, p);
  },
});
