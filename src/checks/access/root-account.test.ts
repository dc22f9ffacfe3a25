import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createAwsCheckStore } from '../cloud/aws-store.testing.ts';
import { rootAccount } from './root-account.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const ROOT = 'arn:aws:iam::123456789012:root';
const root = (row: Record<string, unknown>) => ({ arn: ROOT, user: '<root_account>', isRoot: true, passwordEnabled: null, mfaActive: true, ...row });

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
});

describe('access.root-account', () => {
  it('passes a root with MFA, no keys and no recent use; ignores IAM users', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('credential-report', root({ passwordLastUsed: '2025-06-01T10:00:00.000Z' }));
    await store.put('credential-report', { arn: 'arn:aws:iam::123456789012:user/alice', user: 'alice', accessKey1Active: true });
    const results = await store.evaluate(rootAccount, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      [`aws.credential-report/${ROOT}`, 'pass', 'The AWS root user of 123456789012 has MFA, no access keys, and no use in the last 90 days'],
    ]);
  });

  it('fails a root that holds an access key, with every problem and fix named', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('credential-report', root({ accessKey1Active: true, mfaActive: false, accessKey1LastUsedDate: '2026-02-20T09:00:00.000Z' }));
    const [r] = await store.evaluate(rootAccount, NOW);
    expect(r!.status).toBe('fail');
    expect(r!.reason).toBe('The AWS root user of 123456789012 is not locked down: it holds an active access key; it has no MFA device; last access key use 2026-02-20, within 90 days');
    expect(r!.status === 'fail' && r!.remediation).toMatch(/^delete the root access keys .*; assign a hardware or passkey MFA device to root; find out who used root/);
    expect(r!.evidence).toEqual([`ev_aws.credential-report_${ROOT}`]);
  });

  it('counts a sign-in exactly recentUseDays ago as recent, and one a second earlier as not', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('credential-report', root({ passwordLastUsed: '2026-01-30T12:00:00.000Z' }));
    expect((await store.evaluate(rootAccount, NOW, { recentUseDays: 30 }))[0]!.status).toBe('fail');
    const other = await createAwsCheckStore(db);
    await other.put('credential-report', root({ passwordLastUsed: '2026-01-30T11:59:59.000Z' }));
    expect((await other.evaluate(rootAccount, NOW, { recentUseDays: 30 }))[0]!.status).toBe('pass');
  });
});
