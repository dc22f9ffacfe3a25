import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createAwsCheckStore } from '../cloud/aws-store.testing.ts';
import { passwordPolicy } from './password-policy.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const RESOURCE = 'aws.password-policy/123456789012';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
});

describe('access.password-policy', () => {
  it('passes a policy at the default baseline (14 characters, 24 remembered)', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('password-policy', {});
    const [r] = await store.evaluate(passwordPolicy, NOW);
    expect([r!.resource, r!.status, r!.reason]).toEqual([RESOURCE, 'pass', 'The IAM password policy of AWS account 123456789012 meets the baseline (length 14, reuse prevention 24)']);
  });

  it('fails an account without a policy (IAM answered NoSuchEntity)', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('password-policy', {
      configured: false,
      minimumPasswordLength: null,
      requireSymbols: null,
      requireNumbers: null,
      requireUppercaseCharacters: null,
      requireLowercaseCharacters: null,
      allowUsersToChangePassword: null,
      expirePasswords: null,
      passwordReusePrevention: null,
      hardExpiry: null,
    });
    const [r] = await store.evaluate(passwordPolicy, NOW);
    expect(r!.status).toBe('fail');
    expect(r!.reason).toBe("AWS account 123456789012 has no IAM password policy, so IAM's default applies (8 characters, no reuse prevention)");
    expect(r!.status === 'fail' && r!.remediation).toContain('at least 14 characters and reuse prevention of 24');
  });

  it('lists every shortfall against a stricter baseline; one character short fails, equal passes', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('password-policy', { minimumPasswordLength: 13, passwordReusePrevention: 5, requireSymbols: true, requireNumbers: false, maxPasswordAge: 365 });
    const [r] = await store.evaluate(passwordPolicy, NOW, { requireSymbols: true, requireNumbers: true, maxAgeDays: 90 });
    expect(r!.reason).toBe(
      'The IAM password policy of AWS account 123456789012 is below the baseline: minimum length 13 (baseline 14); reuse prevention 5 (baseline 24); does not require numbers; passwords expire after 365 (baseline 90 days)',
    );
    const equal = await createAwsCheckStore(db);
    await equal.put('password-policy', { minimumPasswordLength: 12, passwordReusePrevention: 0 });
    expect((await equal.evaluate(passwordPolicy, NOW, { minimumLength: 12, reusePrevention: 0 }))[0]!.status).toBe('pass');
  });
});
