/**
 * Which channels an alert goes to: every channel named by a rule that matches it (kind, minimum
 * severity, owners), plus the digest channel for digests — each channel once. An email channel
 * that would have nobody to write to for this alert is left out rather than failing later.
 */
import type { AlertChannelConfig, AlertsConfig } from '../core/config/schema.ts';
import { alertOwner, alertSeverity, atLeast, type Alert } from './alerts.ts';
import { recipientsFor } from './email.ts';

export function routeAlert(alerts: Pick<AlertsConfig, 'channels' | 'rules' | 'digest'>, alert: Alert): AlertChannelConfig[] {
  const severity = alertSeverity(alert);
  const owner = alertOwner(alert);
  const names = new Set<string>();
  for (const rule of alerts.rules) {
    if (!rule.kinds.includes(alert.kind)) continue;
    if (rule.minSeverity && severity && !atLeast(severity, rule.minSeverity)) continue;
    if (rule.owners && (owner === null || !rule.owners.includes(owner))) continue;
    names.add(rule.channel);
  }
  if (alert.kind === 'digest' && alerts.digest) names.add(alerts.digest.channel);
  return alerts.channels.filter(
    (c) => names.has(c.name) && (c.type !== 'email' || recipientsFor(c, owner).length > 0),
  );
}
