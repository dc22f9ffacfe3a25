/**
 * The GitHub security alerts the demo plants on top of the routine ones (which the GitHub model
 * derives, every one fixed within two days): a few that tell the remediation-SLA story — one open
 * past its due date, one fixed late, one dismissed as "won't fix" (a dismissal is not a fix), one
 * that comes due a few days after the anchor as the company keeps living — and, beside them, ones
 * that must pass: fixed on time after days rather than hours, and one dismissed as not a
 * vulnerability (the vulnerable package is not used). Deterministic from the anchor; no random draw,
 * so nothing else in the org moves.
 */
import { DAY_MS, HOUR_MS } from '../../lib/clock.ts';
import type { DemoOrg, Planted } from './org.ts';

export type AlertSeverity = 'critical' | 'high' | 'medium' | 'low';

/** vulnerability.remediation-sla's default SLA in days per severity, from first detection. */
export const ALERT_SLA_DAYS: Record<AlertSeverity, number> = { critical: 15, high: 30, medium: 90, low: 180 };

export interface DemoAlertPlan {
  tool: 'dependabot' | 'code-scanning';
  repo: string;
  severity: AlertSeverity;
  /** Index into the GitHub model's advisory (Dependabot) or rule (code scanning) list. */
  kind: number;
  createdAt: Date;
  fixedAt: Date | null;
  dismissed: { at: Date; reason: string; by: string; comment: string | null } | null;
  /** Whether Vigil must fail it once it is past its due date (a dismissal as not_used closes it). */
  failsPastDue: boolean;
}

export function securityAlertPlan(org: Pick<DemoOrg, 'anchor' | 'people'>): DemoAlertPlan[] {
  const t = (days: number, hours: number) => new Date(org.anchor.getTime() + days * DAY_MS + hours * HOUR_MS);
  // The security team's GitHub admin triages the alerts.
  const triager = org.people.find((p) => p.department === 'Security' && p.github?.role === 'admin')?.github?.login ?? org.people.find((p) => p.github?.role === 'admin')!.github!.login;
  const plan: Omit<DemoAlertPlan, 'failsPastDue'>[] = [
    { tool: 'dependabot', repo: 'billing', severity: 'critical', kind: 1, createdAt: t(-40, 9), fixedAt: null, dismissed: null },
    { tool: 'dependabot', repo: 'api', severity: 'high', kind: 2, createdAt: t(-110, 14), fixedAt: t(-62, 11), dismissed: null },
    {
      tool: 'code-scanning',
      repo: 'auth-service',
      severity: 'high',
      kind: 1,
      createdAt: t(-75, 10),
      fixedAt: null,
      dismissed: { at: t(-73, 15), reason: "won't fix", by: triager, comment: 'Only reachable from the VPN; revisit next quarter' },
    },
    // Comes due ten days after the anchor: the demo's month shows a new failure appear.
    { tool: 'dependabot', repo: 'infra', severity: 'high', kind: 1, createdAt: t(-20, 10), fixedAt: null, dismissed: null },
    // Passing: fixed in time after days of work, and one closed as not a vulnerability.
    { tool: 'code-scanning', repo: 'web-app', severity: 'critical', kind: 0, createdAt: t(-21, 10), fixedAt: t(-9, 16), dismissed: null },
    { tool: 'dependabot', repo: 'mobile', severity: 'low', kind: 1, createdAt: t(-100, 11), fixedAt: t(-30, 12), dismissed: null },
    {
      tool: 'dependabot',
      repo: 'data-pipeline',
      severity: 'medium',
      kind: 0,
      createdAt: t(-150, 10),
      fixedAt: null,
      dismissed: { at: t(-148, 10), reason: 'not_used', by: triager, comment: 'ansible is only in the dev requirements' },
    },
  ];
  return plan.map((a) => ({ ...a, failsPastDue: a.dismissed?.reason !== 'not_used' && (!a.fixedAt || a.fixedAt.getTime() > dueOf(a).getTime()) }));
}

export const dueOf = (a: Pick<DemoAlertPlan, 'createdAt' | 'severity'>) => new Date(a.createdAt.getTime() + ALERT_SLA_DAYS[a.severity] * DAY_MS);

/** The planted failures among them, for the org's `planted` list. */
export function plantedSecurityAlerts(org: Pick<DemoOrg, 'anchor' | 'people'>): Planted[] {
  return securityAlertPlan(org)
    .filter((a) => a.failsPastDue)
    .map((a) => ({ kind: 'vulnerability-alert-past-sla', tool: a.tool, repo: a.repo, severity: a.severity, createdAt: a.createdAt, dueAt: dueOf(a), fixedAt: a.fixedAt, dismissedAs: a.dismissed?.reason ?? null }));
}
