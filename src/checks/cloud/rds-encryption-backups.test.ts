import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createAwsCheckStore } from './aws-store.testing.ts';
import { rdsEncryptionBackups } from './rds-encryption-backups.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const db_ = (id: string, row: Record<string, unknown> = {}) => ({ arn: `arn:aws:rds:us-east-1:123456789012:db:${id}`, identifier: id, ...row });

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
});

describe('cloud.rds-encryption-backups', () => {
  it('fails an unencrypted instance and one with too few backup days, passes one at exactly the minimum', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('rds-instances', db_('a-good', { backupRetentionPeriod: 7 }));
    await store.put('rds-instances', db_('b-plain', { storageEncrypted: false, engine: 'mysql' }));
    await store.put('rds-instances', db_('c-short', { backupRetentionPeriod: 6 }));
    await store.put('rds-instances', db_('d-off', { backupRetentionPeriod: 0 }));
    const results = await store.evaluate(rdsEncryptionBackups, NOW);
    expect(results.map((r) => [r.resource.split(':db:')[1], r.status, r.reason])).toEqual([
      ['a-good', 'pass', 'RDS instance a-good is encrypted and keeps automated backups for 7 days'],
      ['b-plain', 'fail', 'RDS instance b-plain (mysql, us-east-1): storage is not encrypted'],
      ['c-short', 'fail', 'RDS instance c-short (postgres, us-east-1): automated backups are kept 6 days (at least 7 required)'],
      ['d-off', 'fail', 'RDS instance d-off (postgres, us-east-1): automated backups are off'],
    ]);
    const plain = results[1]!;
    expect(plain.status === 'fail' && plain.remediation).toContain('copying the snapshot with a KMS key');
    expect(plain.evidence).toEqual(['ev_aws.rds-instances_arn:aws:rds:us-east-1:123456789012:db:b-plain']);
  });

  it('requires deletion protection only when asked to', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('rds-instances', db_('unprotected', { deletionProtection: false }));
    expect((await store.evaluate(rdsEncryptionBackups, NOW))[0]!.status).toBe('pass');
    const [r] = await store.evaluate(rdsEncryptionBackups, NOW, { requireDeletionProtection: true });
    expect(r!.reason).toBe('RDS instance unprotected (postgres, us-east-1): deletion protection is off');
  });
});
