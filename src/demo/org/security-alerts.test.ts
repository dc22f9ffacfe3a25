import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lib/clock.ts';
import { createDemoOrg, plantedBy } from './org.ts';
import { ALERT_SLA_DAYS, dueOf, securityAlertPlan } from './security-alerts.ts';

const org = createDemoOrg({ anchor: new Date('2026-11-26T00:00:00Z') });
const alertFailures = (t: Date) => plantedBy(org, t).filter((f) => f.kind === 'vulnerability-alert-past-sla');

describe('the security alerts the demo plants', () => {
  it('plants alerts past their SLA — open, fixed late, dismissed without a fix — beside ones that pass', () => {
    const plan = securityAlertPlan(org);
    const story = plan.map((a) => {
      const due = dueOf(a).getTime();
      if (a.dismissed) return `${a.tool} ${a.repo} dismissed as ${a.dismissed.reason}`;
      if (!a.fixedAt) return `${a.tool} ${a.repo} open, due ${Math.round((due - org.anchor.getTime()) / DAY_MS)} d from the anchor`;
      return `${a.tool} ${a.repo} fixed ${a.fixedAt.getTime() <= due ? 'on time' : 'late'}`;
    });
    expect(story).toEqual([
      'dependabot billing open, due -25 d from the anchor',
      'dependabot api fixed late',
      "code-scanning auth-service dismissed as won't fix",
      'dependabot infra open, due 10 d from the anchor',
      'code-scanning web-app fixed on time',
      'dependabot mobile fixed on time',
      'dependabot data-pipeline dismissed as not_used',
    ]);
    expect(plan.filter((a) => a.failsPastDue).map((a) => a.repo)).toEqual(['billing', 'api', 'auth-service', 'infra']);
    // Every one lies inside the year the demo covers, and the dismissals name a real GitHub member of the security team.
    const security = new Set(org.people.filter((p) => p.department === 'Security' && p.github).map((p) => p.github!.login));
    for (const a of plan) {
      expect(a.createdAt > org.periodStart && a.createdAt < org.anchor).toBe(true);
      if (a.dismissed) expect(security.has(a.dismissed.by)).toBe(true);
    }
    expect(ALERT_SLA_DAYS).toEqual({ critical: 15, high: 30, medium: 90, low: 180 });
  });

  it('lists each failure in planted from the moment it is past due, so a failure appears as the company keeps living', () => {
    const atAnchor = alertFailures(org.anchor).map((f) => (f.kind === 'vulnerability-alert-past-sla' ? f.repo : ''));
    expect(atAnchor).toEqual(['billing', 'api', 'auth-service']);
    const infra = org.planted.find((f) => f.kind === 'vulnerability-alert-past-sla' && f.repo === 'infra')!;
    expect(infra.kind === 'vulnerability-alert-past-sla' && infra.dueAt.getTime()).toBe(org.anchor.getTime() + 10 * DAY_MS + 10 * 3_600_000);
    expect(alertFailures(new Date(org.anchor.getTime() + 10 * DAY_MS + 10 * 3_600_000))).toHaveLength(3);
    expect(alertFailures(new Date(org.anchor.getTime() + 10 * DAY_MS + 10 * 3_600_000 + 1))).toHaveLength(4);
  });
});
