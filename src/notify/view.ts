/**
 * One neutral description of each alert kind — title, the sentence that matters, labelled facts,
 * a link back to Vigil — that the Slack and email renderers lay out in their own formats. Adding
 * a kind means adding one case here (the switch is exhaustive) and nothing in the channels.
 */
import type { Severity } from '../core/config/schema.ts';
import { alertSeverity, type Alert, type FindingAlertPayload } from './alerts.ts';

export interface AlertView {
  /** One line: email subject (after the severity tag), Slack header. */
  title: string;
  severity: Severity | undefined;
  /** The sentence a person acts on: why it fails, what the error was — and its label. */
  summary: string;
  summaryLabel: string;
  facts: { label: string; value: string }[];
  /** Longer text after the facts (remediation), if any. */
  details?: string;
  /** List rows (the findings in a digest). */
  items?: string[];
  link?: { label: string; url: string };
}

/** A human date: 2026-12-01 14:00 UTC (the wire format stays ISO 8601). */
export function humanTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A URL inside Vigil's UI, or undefined when server.publicUrl is not set. */
export function vigilUrl(publicUrl: string | undefined, path: string): string | undefined {
  if (!publicUrl) return undefined;
  // Keep a base path (https://example.com/vigil/) by resolving against a trailing slash.
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  return new URL(path, base).toString();
}

export const findingPath = (id: string) => `findings/${encodeURIComponent(id)}`;
export const sourcePath = (name: string) => `sources/${encodeURIComponent(name)}`;

/** The link an alert carries back into Vigil. */
export function alertPath(alert: Alert): string {
  switch (alert.kind) {
    case 'source.failing':
    case 'source.recovered':
      return sourcePath(alert.payload.source);
    case 'digest': {
      const q = new URLSearchParams({ status: 'open' });
      if (alert.payload.owner) q.set('owner', alert.payload.owner);
      return `findings?${q.toString()}`;
    }
    default:
      return findingPath(alert.payload.findingId);
  }
}

function findingFacts(p: FindingAlertPayload): AlertView['facts'] {
  const facts = [
    { label: 'Severity', value: p.severity },
    { label: 'Resource', value: p.resource },
    { label: 'Owner', value: p.owner ?? 'unassigned' },
    { label: 'Due', value: humanTime(p.dueAt) },
    { label: 'Check', value: p.check },
  ];
  if (p.controls.length) facts.push({ label: 'Controls', value: p.controls.join(', ') });
  return facts;
}

export function viewOf(alert: Alert, publicUrl?: string): AlertView {
  const url = vigilUrl(publicUrl, alertPath(alert));
  const link = (label: string) => (url ? { link: { label, url } } : {});
  const severity = alertSeverity(alert);
  switch (alert.kind) {
    case 'finding.opened':
    case 'finding.sla_breached':
    case 'finding.sla_at_risk':
    case 'finding.reopened':
    case 'mute.expiring': {
      const p = alert.payload;
      const title = {
        'finding.opened': `New finding: ${p.title}`,
        'finding.sla_breached': `SLA breached: ${p.title}`,
        'finding.sla_at_risk': `SLA at risk: ${p.title}`,
        'finding.reopened': `Finding reopened: ${p.title}`,
        'mute.expiring': `Mute expiring: ${p.title}`,
      }[alert.kind];
      const facts = findingFacts(p);
      if (alert.kind === 'finding.sla_at_risk') {
        facts.splice(4, 0, { label: 'Time used', value: `${Math.round(alert.payload.elapsedShare * 100)} %` });
      }
      if (alert.kind === 'finding.reopened') {
        facts.push({ label: 'Reopened', value: `${humanTime(alert.payload.reopenedAt)} (${alert.payload.reopenedCount}×)` });
      }
      if (alert.kind === 'mute.expiring') {
        const m = alert.payload.mute;
        facts.push({ label: 'Mute expires', value: humanTime(m.expiresAt) });
        facts.push({ label: 'Muted by', value: `${m.approver}: ${m.reason}` });
      }
      return {
        title,
        severity,
        summary: p.reason,
        summaryLabel: 'What failed',
        facts,
        ...(p.remediation ? { details: `How to fix: ${p.remediation}` } : {}),
        ...link('View in Vigil'),
      };
    }
    case 'source.failing': {
      const p = alert.payload;
      return {
        title: `Source failing: ${p.source}`,
        severity,
        summary: p.error,
        summaryLabel: 'Error',
        facts: [
          { label: 'Source', value: `${p.source} (${p.type})` },
          { label: 'Failing since', value: humanTime(p.failingSince) },
          { label: 'Last success', value: p.lastSuccessAt ? humanTime(p.lastSuccessAt) : 'never' },
        ],
        details: "Checks that depend on this source are stale until it recovers; nothing already collected is lost.",
        ...link('View source in Vigil'),
      };
    }
    case 'source.recovered': {
      const p = alert.payload;
      return {
        title: `Source recovered: ${p.source}`,
        severity,
        summary: `${p.source} collects again.`,
        summaryLabel: 'Status',
        facts: [
          { label: 'Source', value: `${p.source} (${p.type})` },
          { label: 'Failing since', value: humanTime(p.failingSince) },
          { label: 'Recovered', value: humanTime(p.recoveredAt) },
        ],
        ...link('View source in Vigil'),
      };
    }
    case 'digest': {
      const p = alert.payload;
      const who = p.owner ?? 'unassigned findings';
      const t = p.totals;
      return {
        title: `${p.schedule === 'daily' ? 'Daily' : 'Weekly'} digest for ${who}: ${t.open} open, ${t.overdue} overdue`,
        severity,
        summaryLabel: 'Period',
        summary: `${t.openedInPeriod} opened and ${t.resolvedInPeriod} resolved from ${humanTime(p.periodStart)} to ${humanTime(p.periodEnd)}.`,
        facts: [
          { label: 'Open', value: String(t.open) },
          { label: 'Overdue', value: String(t.overdue) },
        ],
        items: p.findings.map((f) => `[${f.severity.toUpperCase()}] ${f.title} — ${f.resource}, due ${humanTime(f.dueAt)}${f.status === 'open' ? '' : ` (${f.status})`}`),
        ...link('Open findings in Vigil'),
      };
    }
  }
}
