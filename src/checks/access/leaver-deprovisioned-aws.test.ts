import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../sdk/define.ts';
import { cloudtrailIamEvent, csvEmployee, iamAccessKey, iamUser, seed, type Seeded } from './hr-test-data.ts';
import { leaverDeprovisioned } from './leaver-deprovisioned.ts';

const NOW = '2026-06-10T12:00:00.000Z';
const CSV = 'hris-csv.employees';
const USERS = 'aws.iam-users';
const KEYS = 'aws.iam-access-keys';
const TRAIL = 'aws.cloudtrail-events';
// Every leaver below left on 2026-06-01: counted from 2026-06-02 00:00 UTC, due by 2026-06-03 00:00.
const leaver = (name: string) => csvEmployee({ email: `${name}@acme.test`, name, startDate: '2024-01-08', terminationDate: '2026-06-01' });

let s: Seeded;
let results: CheckResult[];
const resultFor = (name: string, rs = results) => {
  const r = rs.find((x) => (x.details as { email?: string }).email === `${name}@acme.test`);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
};

beforeAll(async () => {
  s = await seed();
  await s.put(CSV, 'hr-export', 'email', ['ava', 'bo', 'cy', 'di', 'ed', 'flo', 'gil', 'hue', 'ivo', 'jo'].map(leaver));
  // Seen in their current state since before the termination (a collection long ago).
  await s.put(USERS, 'aws', 'arn', [iamUser({ userName: 'ava.admin', tags: { Email: 'AVA@acme.test', team: 'ops' } }), iamUser({ userName: 'bo', consolePassword: true })]);
  // Disabled, and the first collection to see it so was within the SLA (no CloudTrail record).
  await s.put(USERS, 'aws', 'arn', [iamUser({ userName: 'cy@acme.test' })], { changedAt: '2026-06-02T06:00:00.000Z' });
  await s.put(KEYS, 'aws', 'accessKeyId', [iamAccessKey({ accessKeyId: 'AKIACY', userName: 'cy@acme.test', status: 'Inactive' })], { changedAt: '2026-06-02T06:00:00.000Z' });
  // Disabled, but first seen so two days past the deadline, and no CloudTrail record says when.
  await s.put(USERS, 'aws', 'arn', [iamUser({ userName: 'di' })], { changedAt: '2026-06-05T06:00:00.000Z' });
  // Deleted from IAM: the collection of 06-02 08:00 was the first not to find it.
  await s.put(USERS, 'aws', 'arn', [iamUser({ userName: 'ed', consolePassword: true })], { firstSeenAt: '2025-01-01T00:00:00.000Z', changedAt: '2026-06-02T08:00:00.000Z', deletedAt: '2026-06-02T08:00:00.000Z' });
  // Key deactivated late, timed by CloudTrail; the password went in time.
  await s.put(USERS, 'aws', 'arn', [iamUser({ userName: 'flo' })], { changedAt: '2026-06-02T10:00:00.000Z' });
  await s.put(KEYS, 'aws', 'accessKeyId', [iamAccessKey({ accessKeyId: 'AKIAFLO', userName: 'flo', status: 'Inactive' })], { changedAt: '2026-06-05T00:00:00.000Z' });
  // Whether gil has a console password could not be read.
  await s.put(USERS, 'aws', 'arn', [iamUser({ userName: 'gil', consolePassword: null })]);
  // Named like hue, but not tagged: linked by name only.
  await s.put(USERS, 'aws', 'arn', [iamUser({ userName: 'hue', consolePassword: true })]);
  // ivo: password still on, the deadline far in the past; jo: an active key only.
  await s.put(USERS, 'aws', 'arn', [iamUser({ userName: 'svc-ivo', tags: { email: 'ivo@acme.test' }, consolePassword: false }), iamUser({ userName: 'jo' })]);
  await s.put(KEYS, 'aws', 'accessKeyId', [
    iamAccessKey({ accessKeyId: 'AKIAAVA', userName: 'ava.admin', status: 'Inactive' }),
    iamAccessKey({ accessKeyId: 'AKIAIVO', userName: 'svc-ivo', status: 'Inactive' }),
    iamAccessKey({ accessKeyId: 'AKIAJO', userName: 'jo', status: 'Active' }),
  ]);
  await s.putEvents(TRAIL, 'aws', 'eventId', 'eventTime', [
    cloudtrailIamEvent('ct-1', 'DeleteLoginProfile', '2026-06-02T09:00:00.000Z', { userName: 'ava.admin' }),
    cloudtrailIamEvent('ct-2', 'UpdateAccessKey', '2026-06-02T10:00:00.000Z', { userName: 'ava.admin', accessKeyId: 'AKIAAVA', status: 'Inactive' }),
    cloudtrailIamEvent('ct-3', 'UpdateAccessKey', '2026-06-04T12:00:00.000Z', { accessKeyId: 'AKIAFLO', status: 'Inactive' }),
    // A re-activation is not a removal, and a failed call did nothing.
    cloudtrailIamEvent('ct-4', 'UpdateAccessKey', '2026-06-02T11:00:00.000Z', { accessKeyId: 'AKIAJO', status: 'Active' }),
    { ...cloudtrailIamEvent('ct-5', 'DeleteLoginProfile', '2026-06-02T01:00:00.000Z', { userName: 'bo' }), errorCode: 'AccessDenied' },
  ]);
  results = await s.run(leaverDeprovisioned, NOW);
});
afterAll(() => s.close());

describe('access.leaver-deprovisioned: AWS IAM users', () => {
  it('passes a tagged user (tag key case-insensitive) whose password and key went in time, timed by CloudTrail', () => {
    const r = resultFor('ava');
    expect(r.status).toBe('pass');
    expect(r.reason).toContain('AWS IAM user ava.admin disabled 10 h after the termination (access key AKIAAVA deactivated: UpdateAccessKey in CloudTrail, 2026-06-02 10:00 UTC)');
    expect(r.details).toMatchObject({ aws: { offAt: '2026-06-02T10:00:00.000Z', timedBy: 'CloudTrail UpdateAccessKey', delayHours: 10 } });
    expect(r.evidence).toEqual(expect.arrayContaining(['ev-aws.iam-users-arn:aws:iam::123456789012:user/ava.admin', 'ev-aws.cloudtrail-events-ct-1', 'ev-aws.cloudtrail-events-ct-2']));
  });

  it('fails, critical, a user named by the local part that still has a console password past the deadline (a failed delete does not count)', () => {
    const r = resultFor('bo');
    expect(r).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(r.reason).toContain('AWS IAM user bo (a console password) is still active past its deadline 2026-06-03 00:00 UTC');
    expect((r as { remediation: string }).remediation).toContain('Delete the console password and deactivate the access keys of IAM user bo');
  });

  it('accepts a user named by the email that a collection within the SLA already saw disabled, saying AWS keeps no time', () => {
    const r = resultFor('cy');
    expect(r.status).toBe('pass');
    expect(r.reason).toContain('AWS IAM user cy@acme.test had no console password or active access key by 2026-06-02 06:00 UTC, 6 h after the termination, within the SLA; AWS records no time for the change');
    expect(r.details).toMatchObject({ aws: { timedBy: 'collection' } });
  });

  it('fails a disabled user first seen so past the deadline with no CloudTrail record: in time cannot be shown', () => {
    const r = resultFor('di');
    expect(r.status).toBe('fail');
    expect(r).not.toHaveProperty('severity');
    expect(r.reason).toContain('the first collection that saw it so (no console password) was 2026-06-05 06:00 UTC, 3 d 6 h after the termination');
    expect(r.reason).toContain('removal within the 24 h SLA cannot be shown');
    expect((r as { remediation: string }).remediation).toContain('collect the AWS source\'s cloudtrail-events');
  });

  it('counts a user deleted from IAM as removed at the collection that stopped seeing it', () => {
    const r = resultFor('ed');
    expect(r.status).toBe('pass');
    expect(r.reason).toContain('by 2026-06-02 08:00 UTC, 8 h after the termination');
    expect(r.details).toMatchObject({ aws: { users: [{ userName: 'ed', removedAt: '2026-06-02T08:00:00.000Z' }] } });
  });

  it('fails a key deactivated beyond the SLA, timed by CloudTrail, even though the password went in time', () => {
    const r = resultFor('flo');
    expect(r.status).toBe('fail');
    expect(r).not.toHaveProperty('severity');
    expect(r.reason).toContain('AWS IAM user flo lost its last credential 2 d 12 h after the termination (access key AKIAFLO deactivated: UpdateAccessKey in CloudTrail, 2026-06-04 12:00 UTC), beyond the 24 h SLA');
  });

  it('never passes a user whose console password could not be read', () => {
    const r = resultFor('gil');
    expect(r.status).toBe('fail');
    expect(r.reason).toContain('whether AWS IAM user gil (console password unknown: GetLoginProfile was not readable) can still sign in is unknown');
    expect((r as { remediation: string }).remediation).toContain('iam:GetLoginProfile');
  });

  it('judges every credential of every linked user: a tagged user with an inactive key passes, an active key alone fails', () => {
    expect(resultFor('ivo').status).toBe('pass');
    const jo = resultFor('jo');
    expect(jo).toMatchObject({ status: 'fail', severity: 'critical' });
    expect(jo.reason).toContain('AWS IAM user jo (active access key AKIAJO) is still active');
  });

  it('links by name only while awsMatchUserName is on, and by the configured tag key', async () => {
    const off = await s.run(leaverDeprovisioned, NOW, { awsMatchUserName: false });
    expect(resultFor('hue', off).reason).toContain('no Okta account, GitHub membership or AWS IAM user is linked to hue@acme.test');
    expect(resultFor('bo', off).status).toBe('pass');
    expect(resultFor('ava', off).status).toBe('pass');
    expect(resultFor('hue').status).toBe('fail');
    const otherTag = await s.run(leaverDeprovisioned, NOW, { awsMatchUserName: false, awsEmailTag: 'owner' });
    expect(resultFor('ava', otherTag).reason).toContain('nothing to deprovision');
  });

  it('says "in progress" before the deadline instead of failing', async () => {
    const r = resultFor('bo', await s.run(leaverDeprovisioned, '2026-06-02T12:00:00.000Z'));
    expect(r.status).toBe('pass');
    expect(r.reason).toContain('AWS IAM user bo (a console password) still active, to be disabled by 2026-06-03 00:00 UTC');
  });

  it('declares every AWS input optional, so a workspace without AWS is not stale for it', () => {
    const aws = ['aws.iam-users', 'aws.iam-access-keys', 'aws.cloudtrail-events'];
    expect(leaverDeprovisioned.inputs.optional).toEqual(expect.arrayContaining(aws));
    expect([...(leaverDeprovisioned.inputs.resources ?? []), ...(leaverDeprovisioned.inputs.events ?? [])]).toEqual(expect.arrayContaining(aws));
  });
});
