/**
 * S3 buckets with default encryption, the bucket's public access block, versioning and lifecycle
 * expiration. A missing configuration is an answer, not a failure: S3 documents
 * `ServerSideEncryptionConfigurationNotFoundError`, `NoSuchPublicAccessBlockConfiguration` and
 * `NoSuchLifecycleConfiguration` (404) for "none set", and an empty versioning document
 * for "never enabled". A setting the credentials may not read is `unknown` and recorded as a gap.
 */
import { z } from 'zod';
import { GetBucketEncryptionCommand, GetBucketLifecycleConfigurationCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand, ListBucketsCommand, type Bucket } from '@aws-sdk/client-s3';
import { isVigilError } from '../../../lib/errors.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { hasAwsCode } from '../errors.ts';
import { listOf, pages } from '../paginate.ts';
import { awsSession, type AwsSession } from '../session.ts';

const block = (what: string) => z.boolean().nullable().describe(`${what}; null unless a public access block is configured.`);

export const bucketSchema = z.object({
  name: z.string().describe('Bucket name (globally unique).'),
  region: z.string().describe('Region the bucket lives in.'),
  creationDate: z.iso.datetime().describe('When the bucket was created (UTC).'),
  encryption: z.enum(['enabled', 'not-configured', 'unknown']).describe('Default encryption: enabled, not-configured (S3 said none is set), or unknown (not readable).'),
  encryptionAlgorithm: z.string().nullable().describe('Default server-side encryption: AES256 (S3-managed keys), aws:kms or aws:kms:dsse.'),
  kmsKeyId: z.string().nullable().describe('KMS key used by default, for aws:kms encryption.'),
  bucketKeyEnabled: z.boolean().nullable().describe('Whether S3 Bucket Keys reduce KMS calls for this bucket.'),
  publicAccessBlock: z
    .enum(['configured', 'not-configured', 'unknown'])
    .describe("The bucket's own public access block: configured, not-configured (S3 said none is set), or unknown (not readable)."),
  blockPublicAcls: block('Whether new public ACLs are rejected'),
  ignorePublicAcls: block('Whether existing public ACLs are ignored'),
  blockPublicPolicy: block('Whether bucket policies granting public access are rejected'),
  restrictPublicBuckets: block('Whether access through a public policy is limited to AWS services and the owner'),
  versioning: z.enum(['Enabled', 'Suspended', 'never-enabled', 'unknown']).describe('Versioning state; never-enabled when it was never turned on.'),
  mfaDelete: z.enum(['Enabled', 'Disabled']).nullable().describe('Whether deleting a version needs MFA; null when versioning was never configured.'),
  lifecycle: z.enum(['configured', 'not-configured', 'unknown']).describe('Lifecycle rules: configured, not-configured (S3 said none is set), or unknown (not readable).'),
  expirationDays: z
    .number()
    .int()
    .nullable()
    .describe('The shortest object expiration, in days, of the enabled lifecycle rules (a rule may cover only a prefix); null when no enabled rule expires objects after a number of days.'),
});

type BucketRow = z.output<typeof bucketSchema>;

const notConfigured = ['ServerSideEncryptionConfigurationNotFoundError', 'NoSuchPublicAccessBlockConfiguration', 'NoSuchLifecycleConfiguration'];
const isDenied = (e: unknown) => isVigilError(e) && e._tag === 'PermissionDenied';

/** A bucket setting: the answer, `absent` for S3's "none set", `unknown` when denied (recorded). */
async function setting<T>(ctx: RunContext<AwsConfig>, bucket: string, what: string, read: () => Promise<T>): Promise<T | 'absent' | 'unknown' | 'gone'> {
  try {
    return await read();
  } catch (e) {
    if (hasAwsCode(e, ...notConfigured)) return 'absent';
    if (hasAwsCode(e, 'NoSuchBucket')) return 'gone';
    if (!isDenied(e)) throw e;
    ctx.permissionMissing(`aws.s3-buckets (${what} of ${bucket})`, isVigilError(e) ? String(e.details?.providerMessage ?? e.message) : String(e));
    return 'unknown';
  }
}

async function describeBucket(ctx: RunContext<AwsConfig>, aws: AwsSession, b: Bucket): Promise<BucketRow | undefined> {
  const name = b.Name ?? '';
  const region = b.BucketRegion ?? aws.config.region;
  const s3 = aws.s3(region);
  const enc = await setting(ctx, name, 'encryption', () => aws.call('s3', 'GetBucketEncryption', region, (o) => s3.send(new GetBucketEncryptionCommand({ Bucket: name }), o)));
  const pab = await setting(ctx, name, 'public access block', () => aws.call('s3', 'GetPublicAccessBlock', region, (o) => s3.send(new GetPublicAccessBlockCommand({ Bucket: name }), o)));
  const ver = await setting(ctx, name, 'versioning', () => aws.call('s3', 'GetBucketVersioning', region, (o) => s3.send(new GetBucketVersioningCommand({ Bucket: name }), o)));
  const life = await setting(ctx, name, 'lifecycle', () => aws.call('s3', 'GetBucketLifecycleConfiguration', region, (o) => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: name }), o)));
  // Deleted between the listing and now: it no longer exists, so it is not in the snapshot.
  if (enc === 'gone' || pab === 'gone' || ver === 'gone' || life === 'gone') return undefined;
  const expiring = typeof life === 'object' ? (life.Rules ?? []).filter((r) => r.Status === 'Enabled' && r.Expiration?.Days !== undefined).map((r) => r.Expiration!.Days!) : [];
  const rule = typeof enc === 'object' ? enc.ServerSideEncryptionConfiguration?.Rules?.find((r) => r.ApplyServerSideEncryptionByDefault) : undefined;
  const pabConfig = typeof pab === 'object' ? (pab.PublicAccessBlockConfiguration ?? {}) : undefined;
  return {
    name,
    region,
    creationDate: (b.CreationDate ?? new Date(0)).toISOString(),
    encryption: enc === 'unknown' ? 'unknown' : rule ? 'enabled' : 'not-configured',
    encryptionAlgorithm: rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? null,
    kmsKeyId: rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID ?? null,
    bucketKeyEnabled: rule ? (rule.BucketKeyEnabled ?? false) : null,
    publicAccessBlock: pab === 'unknown' ? 'unknown' : pabConfig ? 'configured' : 'not-configured',
    blockPublicAcls: pabConfig ? (pabConfig.BlockPublicAcls ?? false) : null,
    ignorePublicAcls: pabConfig ? (pabConfig.IgnorePublicAcls ?? false) : null,
    blockPublicPolicy: pabConfig ? (pabConfig.BlockPublicPolicy ?? false) : null,
    restrictPublicBuckets: pabConfig ? (pabConfig.RestrictPublicBuckets ?? false) : null,
    versioning: ver === 'unknown' ? 'unknown' : typeof ver === 'object' && ver.Status ? ver.Status : 'never-enabled',
    mfaDelete: typeof ver === 'object' && ver.MFADelete ? ver.MFADelete : null,
    lifecycle: life === 'unknown' ? 'unknown' : typeof life === 'object' && life.Rules?.length ? 'configured' : 'not-configured',
    expirationDays: expiring.length ? Math.min(...expiring) : null,
  };
}

export const s3Buckets = defineResource({
  name: 's3-buckets',
  description: 'Every S3 bucket of the account with its default encryption, public access block, versioning and lifecycle expiration.',
  schema: bucketSchema,
  primaryKey: 'name',
  async *list(ctx: RunContext<AwsConfig>) {
    const aws = awsSession(ctx);
    const what = 'S3 ListBuckets';
    const fetch = (token: string | undefined) =>
      aws.call('s3', 'ListBuckets', undefined, (o) => aws.s3().send(new ListBucketsCommand({ MaxBuckets: 1000, ...(token ? { ContinuationToken: token } : {}) }), o));
    for await (const page of pages(what, aws.where, fetch, (p) => p.ContinuationToken)) {
      const rows: BucketRow[] = [];
      for (const b of listOf(page.Buckets ?? [], 'Buckets', what, aws.where)) {
        const row = await describeBucket(ctx, aws, b);
        if (row) rows.push(row);
      }
      yield rows;
    }
  },
});
