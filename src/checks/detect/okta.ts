/**
 * Detections over one Okta System Log event as the connector stores it (`toLogRow` of the
 * documented API shape: the same function turns the labelled public events into rows for scoring).
 * Only events Okta recorded as done (outcome SUCCESS, or none given) match.
 */
import type { OktaLogEventRow } from '../../connectors/okta/events/system-log.ts';
import { str, type Match } from './match.ts';

type Row = Pick<OktaLogEventRow, 'eventType' | 'outcomeResult' | 'outcomeReason' | 'actorAlternateId' | 'actorId' | 'targets' | 'debugData'>;

const FACTOR_EVENTS: Readonly<Record<string, string>> = {
  'user.mfa.factor.deactivate': 'reset an MFA factor of',
  'user.mfa.factor.reset_all': 'reset every MFA factor of',
  'user.mfa.factor.suspend': 'suspended an MFA factor of',
};

const GRANT_EVENTS: ReadonlySet<string> = new Set(['user.account.privilege.grant', 'group.privilege.grant']);

export function matchOktaLog(e: Row): Match[] {
  if (e.outcomeResult !== null && e.outcomeResult !== 'SUCCESS') return [];
  const actor = e.actorAlternateId ?? e.actorId ?? null;
  const by = actor ?? 'someone';
  const user = e.targets.find((t) => t.type === 'User');
  const group = e.targets.find((t) => t.type === 'UserGroup');
  const name = (t: { alternateId: string | null; id: string } | undefined) => (t ? (t.alternateId ?? t.id) : null);

  const factor = FACTOR_EVENTS[e.eventType];
  if (factor) {
    const who = name(user) ?? 'a user';
    const why = e.outcomeReason ? ` (${e.outcomeReason})` : '';
    return [
      {
        detection: 'mfa-removed',
        actor,
        subject: name(user),
        reason: `${by} ${factor} ${who}${why}`,
        remediation: `Confirm with ${who} that this was asked for (lost phone, new key); have a factor enrolled again before their next sign-in, and if nobody asked, suspend the account and investigate.`,
      },
    ];
  }
  if (e.eventType === 'system.mfa.factor.deactivate') {
    const which = e.targets.map((t) => t.displayName ?? t.alternateId ?? t.id).join(', ');
    return [
      {
        detection: 'mfa-removed',
        actor,
        subject: which || null,
        reason: `${by} deactivated ${which ? `the MFA factor ${which}` : 'an MFA factor'} for the whole Okta org`,
        remediation: `Reactivate the factor (Security → Authenticators) unless a stronger one replaces it for every user; ask ${by} why it was turned off.`,
      },
    ];
  }
  if (GRANT_EVENTS.has(e.eventType)) {
    const privilege = str(e.debugData?.privilegeGranted) ?? 'an admin role';
    const to = group ? `group ${name(group)}` : (name(user) ?? 'someone');
    return [
      {
        detection: 'admin-granted',
        actor,
        subject: group ? name(group) : name(user),
        reason: `${by} granted ${privilege} to ${to}`,
        remediation: `Check that ${to} should hold ${privilege} and that the grant was approved; if not, revoke it and review what was done with it.`,
      },
    ];
  }
  return [];
}
