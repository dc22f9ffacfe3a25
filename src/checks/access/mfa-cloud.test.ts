import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createAwsCheckStore } from '../cloud/aws-store.testing.ts';
import { mfaCloud } from './mfa-cloud.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const arn = (u: string) => `arn:aws:iam::123456789012:user/${u}`;

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
});

describe('access.mfa-cloud', () => {
  it('fails a console user without MFA, passes one with it, and leaves users without a password and root out', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('credential-report', { arn: arn('alice'), user: 'alice', passwordEnabled: true, mfaActive: true });
    await store.put('credential-report', { arn: arn('bob'), user: 'bob', passwordEnabled: true, mfaActive: false, passwordLastUsed: '2026-02-27T08:30:00.000Z' });
    await store.put('credential-report', { arn: arn('svc-ci'), user: 'svc-ci', passwordEnabled: false, mfaActive: false });
    await store.put('credential-report', { arn: 'arn:aws:iam::123456789012:root', user: '<root_account>', isRoot: true, passwordEnabled: null, mfaActive: false });
    const results = await store.evaluate(mfaCloud, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      [`aws.credential-report/${arn('alice')}`, 'pass', 'alice signs in to the console with MFA'],
      [`aws.credential-report/${arn('bob')}`, 'fail', 'bob can sign in to the AWS console with a password alone: no MFA device is enabled (last console sign-in 2026-02-27)'],
      [`aws.credential-report/${arn('svc-ci')}`, 'not_applicable', 'svc-ci has no console password: it cannot sign in to the console'],
    ]);
    const bob = results[1]!;
    expect(bob.status === 'fail' && bob.remediation).toContain('Assign MFA device');
    expect(bob.evidence).toEqual([`ev_aws.credential-report_${arn('bob')}`]);
    expect(bob.source).toBe('aws');
  });

  it('returns no result when no credential report is stored (the engine decides stale)', async () => {
    const store = await createAwsCheckStore(db);
    expect(await store.evaluate(mfaCloud, NOW)).toEqual([]);
  });
});
