import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createAwsCheckStore } from './aws-store.testing.ts';
import { s3EncryptionPublicAccess } from './s3-encryption-public-access.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const noBlock = { publicAccessBlock: 'not-configured', blockPublicAcls: null, ignorePublicAcls: null, blockPublicPolicy: null, restrictPublicBuckets: null };

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
});

describe('cloud.s3-encryption-public-access', () => {
  it('passes an encrypted, blocked bucket and names what is missing on the others', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('s3-buckets', { name: 'good' });
    await store.put('s3-buckets', { name: 'no-block', ...noBlock });
    await store.put('s3-buckets', { name: 'partial', blockPublicPolicy: false, restrictPublicBuckets: false });
    await store.put('s3-buckets', { name: 'plain', encryption: 'not-configured', encryptionAlgorithm: null, bucketKeyEnabled: null });
    const results = await store.evaluate(s3EncryptionPublicAccess, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['aws.s3-buckets/good', 'pass', 'S3 bucket good is encrypted by default (AES256) and blocks public access'],
      ['aws.s3-buckets/no-block', 'fail', 'S3 bucket no-block: no public access block'],
      ['aws.s3-buckets/partial', 'fail', 'S3 bucket partial: the public access block leaves BlockPublicPolicy, RestrictPublicBuckets off'],
      ['aws.s3-buckets/plain', 'fail', 'S3 bucket plain: no default encryption'],
    ]);
    const plain = results[3]!;
    expect(plain.status === 'fail' && plain.remediation).toContain('put-bucket-encryption --bucket plain');
    expect(plain.evidence).toEqual(['ev_aws.s3-buckets_plain']);
  });

  it('fails (never passes) a bucket whose settings could not be read, naming the permission', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('s3-buckets', { name: 'hidden', encryption: 'unknown', encryptionAlgorithm: null, bucketKeyEnabled: null, ...noBlock, publicAccessBlock: 'unknown' });
    const [r] = await store.evaluate(s3EncryptionPublicAccess, NOW);
    expect(r!.status).toBe('fail');
    expect(r!.reason).toBe('S3 bucket hidden: its encryption setting could not be read; its public access block could not be read');
    expect(r!.status === 'fail' && r!.remediation).toContain('s3:GetBucketPublicAccessBlock');
  });

  it('does not require a public access block on an approved public bucket, but still requires encryption', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('s3-buckets', { name: 'website', ...noBlock });
    await store.put('s3-buckets', { name: 'downloads', ...noBlock, encryption: 'not-configured', encryptionAlgorithm: null, bucketKeyEnabled: null });
    const results = await store.evaluate(s3EncryptionPublicAccess, NOW, { approvedPublicBuckets: ['website', 'downloads'] });
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['aws.s3-buckets/downloads', 'fail', 'S3 bucket downloads: no default encryption'],
      ['aws.s3-buckets/website', 'pass', 'S3 bucket website is encrypted by default (AES256) and is an approved public bucket'],
    ]);
  });
});
