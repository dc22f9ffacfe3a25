import { describe, expect, it } from 'vitest';
import { matchOktaLog } from './okta.ts';
import { oktaRowOfApiEvent } from './labelled-sets.ts';
import { pantherLog } from './fixtures.testing.ts';
import type { OktaLogEventRow } from '../../connectors/okta/events/system-log.ts';

const matches = (row: Record<string, unknown>) => matchOktaLog(row as unknown as OktaLogEventRow).map((m) => [m.detection, m.subject, m.reason]);

describe('Okta System Log detections on real events', () => {
  it('flags a factor reset, every factor reset, a factor suspended and a factor turned off for the org', () => {
    expect(matches(pantherLog('okta', 'Okta.User.MFA.Reset.Single', 'User reset own MFA factor'))).toEqual([
      ['mfa-removed', 'homer@springfield.gov', 'homer@springfield.gov reset an MFA factor of homer@springfield.gov (User reset FIDO_WEBAUTHN factor)'],
    ]);
    expect(matches(pantherLog('okta', 'Okta.User.MFA.Reset.All', 'Reset All Event'))).toEqual([
      ['mfa-removed', 'peter.griffin@company.com', 'homer.simpson@duff.com reset every MFA factor of peter.griffin@company.com'],
    ]);
    expect(matches(pantherLog('okta', 'Okta.User.MFA.Factor.Suspend', 'Suspend Event'))).toEqual([
      ['mfa-removed', 'peter.griffin@company.com', 'homer.simpson@duff.com suspended an MFA factor of peter.griffin@company.com (User suspended SIGNED_NONCE factor)'],
    ]);
    expect(matches(pantherLog('okta', 'Okta.Global.MFA.Disabled', 'MFA Disabled'))).toEqual([['mfa-removed', null, 'homer@springfield.gov deactivated an MFA factor for the whole Okta org']]);
  });

  it('flags an admin role granted, with the roles Okta names', () => {
    expect(matches(pantherLog('okta', 'Okta.AdminRoleAssigned', 'Super Admin Access Assigned (High sev)'))).toEqual([
      ['admin-granted', 'alice@acme.io', 'jack@acme.io granted Super administrator, Read only admin to alice@acme.io'],
    ]);
  });

  it('stays quiet on a grant Okta refused, a sign-in and a rate-limit event', () => {
    expect(matches(pantherLog('okta', 'Okta.Group.Admin.Role.Assigned', 'Group Privilege Grant'))).toEqual([]);
    expect(matches(pantherLog('okta', 'Okta.Global.MFA.Disabled', 'Login Event'))).toEqual([]);
    expect(matches(pantherLog('okta', 'Okta.User.MFA.Reset.All', 'Other Event'))).toEqual([]);
  });

  it('reads Panther’s lower-case field names as Okta’s camelCase ones', () => {
    const row = oktaRowOfApiEvent({ eventtype: 'group.privilege.grant', actor: { id: 'a', type: 'User', alternateId: 'boss@x.io' }, outcome: { result: 'SUCCESS' }, target: [{ id: 'g', type: 'UserGroup', alternateId: 'Admins' }], debugcontext: { debugData: { privilegeGranted: 'Super administrator' } } });
    expect(matches(row)).toEqual([['admin-granted', 'Admins', 'boss@x.io granted Super administrator to group Admins']]);
  });
});
