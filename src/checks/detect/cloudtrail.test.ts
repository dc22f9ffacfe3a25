import { describe, expect, it } from 'vitest';
import { grantsEverything, matchCloudTrail, selectorsLogManagementWrites } from './cloudtrail.ts';
import { pantherLog, stratusEvents } from './fixtures.testing.ts';

const only = (events: Record<string, unknown>[]) => events.flatMap(matchCloudTrail).map((m) => [m.detection, m.subject, m.reason]);

describe('CloudTrail detections on real events', () => {
  it('flags the Stratus Red Team trail stop, deletion and event-selector detonations as logging stopped', () => {
    expect(only(stratusEvents('aws.defense-evasion.cloudtrail-stop'))).toEqual([
      ['logging-stopped', 'stratus-red-team-ct-stop-trail-buykxbqejv', 'arn:aws:iam::143434273843:user/christophe stopped logging on CloudTrail trail stratus-red-team-ct-stop-trail-buykxbqejv in apiso-centralnorth-2r'],
    ]);
    expect(only(stratusEvents('aws.defense-evasion.cloudtrail-delete'))).toEqual([
      ['logging-stopped', 'stratus-red-team-cloudtraild-trail-kvrwohmiai', 'arn:aws:iam::847129010505:user/christophe deleted CloudTrail trail stratus-red-team-cloudtraild-trail-kvrwohmiai in megov-westwest-1r'],
    ]);
    expect(only(stratusEvents('aws.defense-evasion.cloudtrail-event-selectors'))).toEqual([
      [
        'logging-stopped',
        'stratus-red-team-ctes-trail-khlvciwdor',
        'arn:aws:iam::958312252124:user/christophe changed the event selectors of CloudTrail trail stratus-red-team-ctes-trail-khlvciwdor in cn-northsouth-2r so that write management events are no longer recorded',
      ],
    ]);
  });

  it('flags only the AdministratorAccess attachment among a detonation that also creates a user and a key', () => {
    expect(only(stratusEvents('aws.persistence.iam-create-admin-user'))).toEqual([
      ['admin-granted', 'user/malicious-iam-user', 'arn:aws:iam::229654561268:user/christophe attached AdministratorAccess to IAM user malicious-iam-user'],
    ]);
    expect(only(stratusEvents('aws.persistence.iam-create-backdoor-role'))).toEqual([
      ['admin-granted', 'role/stratus-red-team-malicious-iam-role', 'arn:aws:iam::609418236337:user/christophe attached AdministratorAccess to IAM role stratus-red-team-malicious-iam-role'],
    ]);
  });

  it('stays quiet on a trail started, a stop that failed, selectors that still log, and a read-only policy attached', () => {
    expect(matchCloudTrail(pantherLog('aws', 'AWS.CloudTrail.Stopped', 'CloudTrail Was Started'))).toEqual([]);
    expect(matchCloudTrail(pantherLog('aws', 'AWS.CloudTrail.Stopped', 'Error Stopping CloudTrail'))).toEqual([]);
    expect(matchCloudTrail(pantherLog('aws', 'AWS.CloudTrail.EventSelectorsDisabled', 'Event Selector Enabled'))).toEqual([]);
    expect(matchCloudTrail(pantherLog('aws', 'AWS.IAM.AttachAdminUserPolicy', 'IAM User Policy Attached without Administrator Access'))).toEqual([]);
    expect(matchCloudTrail(pantherLog('aws', 'AWS.CloudTrail.IAMCompromisedKeyQuarantine', 'PutUserPolicy-false'))).toEqual([]);
    expect(matchCloudTrail(pantherLog('aws', 'AWS.CloudTrail.SecurityConfigurationChange', 'Security Configuration Not Changed - Error'))).toEqual([]);
  });

  it('flags an MFA device deactivated and an inline policy allowing everything', () => {
    const iam = (eventName: string, requestParameters: Record<string, unknown>) => ({
      eventSource: 'iam.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/mallory' },
      requestParameters,
    });
    expect(only([iam('DeactivateMFADevice', { userName: 'bob', serialNumber: 'arn:aws:iam::111122223333:mfa/bob' })])).toEqual([
      ['mfa-removed', 'bob', 'arn:aws:iam::111122223333:user/mallory deactivated MFA device arn:aws:iam::111122223333:mfa/bob of IAM user bob'],
    ]);
    const everything = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } });
    expect(only([iam('PutUserPolicy', { userName: 'bob', policyName: 'god', policyDocument: everything })])).toEqual([
      ['admin-granted', 'user/bob', 'arn:aws:iam::111122223333:user/mallory put inline policy god allowing every action on every resource on IAM user bob'],
    ]);
    expect(matchCloudTrail({ ...iam('PutUserPolicy', { userName: 'bob', policyDocument: everything }), errorCode: 'AccessDenied' })).toEqual([]);
    expect(matchCloudTrail({ ...iam('DeleteVirtualMFADevice', { serialNumber: 'arn:aws:iam::111122223333:mfa/bob' }), errorCode: 'EntityInUse' })).toEqual([]);
  });

  it('judges event selectors by whether write management events are still recorded', () => {
    expect(selectorsLogManagementWrites({ eventSelectors: [{ includeManagementEvents: true, readWriteType: 'WriteOnly' }] })).toBe(true);
    expect(selectorsLogManagementWrites({ eventSelectors: [{ includeManagementEvents: true, readWriteType: 'ReadOnly' }] })).toBe(false);
    expect(selectorsLogManagementWrites({ advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }] })).toBe(true);
    expect(
      selectorsLogManagementWrites({ advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', equals: ['true'] }] }] }),
    ).toBe(false);
    expect(selectorsLogManagementWrites({ advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }] }] })).toBe(false);
    expect(grantsEverything('{"Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":"*"}]}')).toBe(false);
    expect(grantsEverything('%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D')).toBe(true);
  });
});
