import { describe, expect, it } from 'vitest';
import { auditEntryOfRow, matchGitHubAudit } from './github.ts';
import { pantherLog } from './fixtures.testing.ts';

const matches = (e: Record<string, unknown>) => matchGitHubAudit(e).map((m) => [m.detection, m.subject, m.reason]);

describe('GitHub audit-log detections on real events', () => {
  it('flags branch protection destroyed and a ruleset deleted', () => {
    expect(matches(pantherLog('github', 'GitHub.Branch.ProtectionDisabled', 'GitHub - Branch Protection Disabled'))).toEqual([
      ['branch-protection-removed', 'my-org/my-repo', 'cat removed branch protection in my-org/my-repo'],
    ]);
    expect(matches(pantherLog('github', 'GitHub.Repo.RulesetModified', 'GitHub - Ruleset Deleted'))).toEqual([
      ['branch-protection-removed', 'some-org/ruleset-repo', 'dog deleted the ruleset a-ruleset-name of some-org/ruleset-repo'],
    ]);
  });

  it('does not flag a ruleset created, one moved from evaluate to disabled, or a protected branch renamed', () => {
    expect(matches(pantherLog('github', 'GitHub.Repo.RulesetModified', 'GitHub - Ruleset Created'))).toEqual([]);
    expect(matches(pantherLog('github', 'GitHub.Repo.RulesetModified', 'Github - Ruleset Modified for entire Organization'))).toEqual([]);
    expect(matches(pantherLog('github', 'GitHub.Branch.ProtectionDisabled', 'GitHub - Protected Branch Name Updated'))).toEqual([]);
    const enforced = { ...pantherLog('github', 'GitHub.Repo.RulesetModified', 'Github - Ruleset Modified for entire Organization'), ruleset_old_enforcement: 'active' };
    expect(matches(enforced)).toEqual([
      ['branch-protection-removed', 'Name of org-wide ruleset', 'dog disabled the ruleset Name of org-wide ruleset of some-org (it was enforced)'],
    ]);
  });

  it('flags the 2FA requirement turned off, and not turned on', () => {
    expect(matches(pantherLog('github', 'GitHub.Org.AuthChange', 'GitHub - Two Factor Requirement Disabled'))).toEqual([
      ['mfa-removed', 'my-org', 'admin-user turned off the two-factor authentication requirement for my-org'],
    ]);
    expect(matches(pantherLog('github', 'GitHub.Org.AuthChange', 'GitHub - Two Factor Requirement Enabled'))).toEqual([]);
    expect(matches(pantherLog('github', 'GitHub.Org.AuthChange', 'GitHub - SAML Disabled'))).toEqual([]);
  });

  it('flags a promotion to owner, a role change it cannot read, and not a demotion or an invitation', () => {
    const updated = pantherLog('github', 'GitHub.User.RoleUpdated', 'GitHub - Member Updated');
    expect(matches({ ...updated, permission: 'admin', old_permission: 'read' })).toEqual([['admin-granted', 'bob', 'cat made bob an owner of the organization']]);
    expect(matches(updated)).toEqual([['admin-granted', 'bob', 'cat changed the organization role of (possibly to owner) bob in the organization; the entry does not say which role']]);
    expect(matches({ ...updated, permission: 'read', old_permission: 'admin' })).toEqual([]);
    expect(matches(pantherLog('github', 'GitHub.User.RoleUpdated', 'GitHub - Member Invited'))).toEqual([]);
  });

  it('puts a stored row back into the API entry it came from', () => {
    const row = { action: 'protected_branch.destroy', actor: 'cat', user: null, repo: 'acme/api', details: { org: 'acme', branch: 'main' } };
    expect(matches(auditEntryOfRow(row))).toEqual([['branch-protection-removed', 'acme/api:main', 'cat removed branch protection from main in acme/api']]);
  });
});
