/**
 * Detections over one GitHub organization audit-log entry, in the shape the REST API returns it
 * (`GET /orgs/{org}/audit-log`). The connector stores the named fields apart and every other
 * field under `details`; `auditEntryOfRow` puts them back together.
 */
import { str, type Match } from './match.ts';

export type GitHubAuditEntry = Record<string, unknown>;

export function auditEntryOfRow(row: { action: string; actor: string | null; user: string | null; repo: string | null; details?: Record<string, unknown> }): GitHubAuditEntry {
  return { ...(row.details ?? {}), action: row.action, actor: row.actor, user: row.user, repo: row.repo };
}

/** GitHub records an organization owner as permission `admin` (a member is `read`). */
const OWNER = 'admin';

export function matchGitHubAudit(e: GitHubAuditEntry): Match[] {
  const action = str(e.action) ?? '';
  const actor = str(e.actor);
  const by = actor ?? 'GitHub';
  const org = str(e.org) ?? str(e.business) ?? 'the organization';
  const user = str(e.user);
  const repo = str(e.repo);

  if (action === 'org.disable_two_factor_requirement' || action === 'business.disable_two_factor_requirement') {
    return [
      {
        detection: 'mfa-removed',
        actor,
        subject: org,
        reason: `${by} turned off the two-factor authentication requirement for ${org}`,
        remediation: `Turn the 2FA requirement back on for ${org} (Settings → Authentication security) and ask ${by} why it was turned off.`,
      },
    ];
  }
  if (action === 'two_factor_authentication.disabled') {
    return [
      {
        detection: 'mfa-removed',
        actor,
        subject: user ?? actor,
        reason: `${user ?? by} turned off two-factor authentication on their GitHub account`,
        remediation: `Have ${user ?? by} enable 2FA again today; if they did not do it themselves, reset their credentials and review their recent activity.`,
      },
    ];
  }

  if (action === 'org.update_member') {
    const permission = str(e.permission);
    if (permission !== null && permission !== OWNER) return [];
    // Members and owners are the only organization roles this action moves between; when the entry
    // does not say which way, alerting on a possible promotion beats missing one.
    const how = permission === OWNER ? 'made' : 'changed the organization role of (possibly to owner)';
    return [
      {
        detection: 'admin-granted',
        actor,
        subject: user,
        reason: permission === OWNER ? `${by} made ${user ?? 'a member'} an owner of ${org}` : `${by} ${how} ${user ?? 'a member'} in ${org}; the entry does not say which role`,
        remediation: `Check that ${user ?? 'the member'} should be an owner of ${org} and that the change was approved; if not, change the role back to member.`,
      },
    ];
  }
  if ((action === 'org.add_member' && str(e.permission) === OWNER) || action === 'business.add_admin') {
    const where = action === 'business.add_admin' ? `the enterprise ${org}` : org;
    return [
      {
        detection: 'admin-granted',
        actor,
        subject: user,
        reason: `${by} added ${user ?? 'someone'} to ${where} as an owner`,
        remediation: `Check that ${user ?? 'the new owner'} should own ${where} and that it was approved; if not, remove the owner role.`,
      },
    ];
  }

  const removal = (what: string): Match[] => [
    {
      detection: 'branch-protection-removed',
      actor,
      subject: repo ? `${repo}${str(e.branch) ? `:${str(e.branch)}` : ''}` : str(e.ruleset_name),
      reason: `${by} ${what}`,
      remediation: `Restore the protection (required reviews, no force push, admins included) and ask ${by} why it was removed; review what was pushed while it was off.`,
    },
  ];
  if (action === 'protected_branch.destroy') {
    const branch = str(e.branch) ?? str(e.name);
    return removal(`removed branch protection${branch ? ` from ${branch}` : ''} in ${repo ?? org}`);
  }
  if (action === 'repository_ruleset.destroy') {
    const name = str(e.ruleset_name);
    return removal(`deleted the ruleset${name ? ` ${name}` : ''} of ${repo ?? org}`);
  }
  if (action === 'repository_ruleset.update' && str(e.ruleset_enforcement) === 'disabled' && str(e.ruleset_old_enforcement) === 'active') {
    const name = str(e.ruleset_name);
    return removal(`disabled the ruleset${name ? ` ${name}` : ''} of ${repo ?? org} (it was enforced)`);
  }
  return [];
}
