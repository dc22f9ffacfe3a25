/**
 * availability.outage-has-incident — every outage Vigil's probes saw was handled as an incident.
 * One result per outage that started in the last `lookback`: it passes when an incident in
 * PagerDuty or Jira (kind incident) was opened between `before` ahead of the outage and `after`
 * behind its end (or now, while it lasts); it fails once `grace` has passed since the outage began
 * without one.
 * With no incident source collected at all, outages are reported not applicable — Vigil cannot
 * tell — and targets with no outage pass, naming their latest probe.
 */
import { z } from 'zod';
import { durationMs } from '../../lib/duration.ts';
import { formatSpan, showTime } from '../access/hr-roster.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { JIRA_ISSUES, OUTAGES, PAGERDUTY_INCIDENTS, PROBES, readIncidents, readOutages, readProbes, type Incident, type Outage } from './rows.ts';
import { isoDuration } from './uptime.ts';

const params = z.object({
  lookback: isoDuration('P90D', 'Outages that started within this long before now are judged.'),
  grace: isoDuration('PT30M', 'How long after an outage begins an incident may still be opened before the outage fails.'),
  before: isoDuration('PT30M', 'An incident opened up to this long before the outage began still covers it (the alert may come from elsewhere first).'),
  after: isoDuration('PT2H', 'An incident opened up to this long after the outage ended still covers it (filed in retrospect).'),
});

type Params = z.infer<typeof params>;

function matching(outage: Outage, incidents: readonly Incident[], now: Date, p: Params): Incident[] {
  const from = outage.startedAt.getTime() - durationMs(p.before);
  const to = (outage.resolvedAt ?? now).getTime() + durationMs(p.after);
  // Opened around the outage: an incident left open for days does not cover every later outage.
  return incidents.filter((i) => i.createdAt.getTime() >= from && i.createdAt.getTime() <= to);
}

function judge(outage: Outage, incidents: readonly Incident[] | undefined, now: Date, p: Params): CheckResult {
  const duration = outage.resolvedAt ? `${formatSpan(outage.resolvedAt.getTime() - outage.startedAt.getTime())}, until ${showTime(outage.resolvedAt)}` : 'still ongoing';
  const what = `outage of ${outage.target} from ${showTime(outage.startedAt)} (${duration})`;
  const base = {
    resource: `${OUTAGES}/${outage.outageId}`,
    source: outage.source,
    details: {
      target: outage.target,
      startedAt: outage.startedAt.toISOString(),
      resolvedAt: outage.resolvedAt?.toISOString() ?? null,
      lastError: outage.lastError,
    },
  };
  if (!incidents) {
    return { ...base, status: 'not_applicable', evidence: outage.evidence, reason: `${what}: no incident source (PagerDuty or Jira) is collected, so whether it was handled as an incident cannot be seen` };
  }
  const found = matching(outage, incidents, now, p);
  if (found.length) {
    return {
      ...base,
      status: 'pass',
      evidence: [...outage.evidence, ...found.flatMap((i) => i.evidence)],
      reason: `${what} was handled as ${found.map((i) => i.label).join(' and ')}`,
      details: { ...base.details, incidents: found.map((i) => ({ resource: i.resource, createdAt: i.createdAt.toISOString(), url: i.url })) },
    };
  }
  const deadline = new Date(outage.startedAt.getTime() + durationMs(p.grace));
  if (now < deadline) {
    return { ...base, status: 'pass', evidence: outage.evidence, reason: `${what}: no incident yet; one is expected by ${showTime(deadline)}` };
  }
  return {
    ...base,
    status: 'fail',
    evidence: outage.evidence,
    reason: `${what} (${outage.lastError ?? 'probes failing'}) has no incident in PagerDuty or Jira`,
    remediation: `Open an incident for the ${outage.target} outage of ${showTime(outage.startedAt)} (retrospectively if it is over) with its impact and cause, and route the probe's failures to the on-call so the next outage pages someone.`,
  };
}

export const outageHasIncident = defineCheck({
  id: 'availability.outage-has-incident',
  title: 'Every outage is handled as an incident',
  description:
    "Each outage seen by Vigil's probes (consecutive failed probes) has an incident in PagerDuty or Jira opened around it; not applicable while no incident source is collected.",
  area: 'availability',
  controls: ['AVL-01', 'INC-08'],
  severity: 'medium',
  // Results move with the clock: outages within the lookback, the grace period passing.
  readsNow: true,
  inputs: { events: [OUTAGES, PROBES], resources: [PAGERDUTY_INCIDENTS, JIRA_ISSUES], optional: [PAGERDUTY_INCIDENTS, JIRA_ISSUES] },
  params,
  async evaluate({ inputs, params: p, now }) {
    const since = new Date(now.getTime() - durationMs(p.lookback));
    const outages = await readOutages(inputs, since, new Date(now.getTime() + 1));
    const { collected, incidents } = await readIncidents(inputs);
    const results = outages.map((o) => judge(o, collected ? incidents : undefined, now, p));
    // Targets without an outage: a pass on their latest probe, so the population shows every service.
    const recent = await readProbes(inputs, new Date(now.getTime() - 86_400_000), new Date(now.getTime() + 1));
    const withOutage = new Set(outages.map((o) => o.target));
    for (const [target, probes] of [...recent.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (withOutage.has(target)) continue;
      const last = probes.at(-1)!;
      results.push({
        resource: `${PROBES}/${target}`,
        source: last.source,
        status: 'pass',
        evidence: last.evidence,
        reason: `${target} had no outage in the last ${formatSpan(durationMs(p.lookback))}`,
        details: { target, lastProbedAt: new Date(last.at).toISOString() },
      });
    }
    return results;
  },
});
