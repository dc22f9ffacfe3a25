/**
 * What the AWS checks (cloud.* here, and access.mfa-cloud, access.root-account, access.key-rotation
 * and access.password-policy) read from the stored rows of the AWS connector: the fields each
 * judges, parsed so that a connector changing shape fails the check loudly (`error`) rather than
 * letting it judge on missing fields, and each row linked to its stored evidence.
 */
import { z } from 'zod';
import type { InputReader } from '../sdk/inputs.ts';

export const AWS_CREDENTIAL_REPORT = 'aws.credential-report';
export const AWS_ACCESS_KEYS = 'aws.iam-access-keys';
export const AWS_PASSWORD_POLICY = 'aws.password-policy';
export const AWS_TRAILS = 'aws.cloudtrail-trails';
export const AWS_BUCKETS = 'aws.s3-buckets';
export const AWS_SECURITY_GROUPS = 'aws.security-groups';
export const AWS_RDS = 'aws.rds-instances';

const when = z.string().nullable();

export const credentialRow = z.object({
  arn: z.string(),
  user: z.string(),
  isRoot: z.boolean(),
  passwordEnabled: z.boolean().nullable(),
  passwordLastUsed: when,
  mfaActive: z.boolean(),
  accessKey1Active: z.boolean(),
  accessKey1LastUsedDate: when,
  accessKey2Active: z.boolean(),
  accessKey2LastUsedDate: when,
  reportGeneratedAt: z.string(),
});

export const accessKeyRow = z.object({
  accessKeyId: z.string(),
  userName: z.string(),
  status: z.string(),
  createDate: z.string(),
  lastUsedDate: when,
  lastUseKnown: z.boolean(),
});

export const passwordPolicyRow = z.object({
  accountId: z.string(),
  configured: z.boolean(),
  minimumPasswordLength: z.number().nullable(),
  requireSymbols: z.boolean().nullable(),
  requireNumbers: z.boolean().nullable(),
  requireUppercaseCharacters: z.boolean().nullable(),
  requireLowercaseCharacters: z.boolean().nullable(),
  maxPasswordAge: z.number().nullable(),
  passwordReusePrevention: z.number().nullable(),
});

export const trailRow = z.object({
  trailArn: z.string(),
  name: z.string(),
  homeRegion: z.string(),
  isMultiRegion: z.boolean(),
  logFileValidation: z.boolean(),
  isLogging: z.boolean().nullable(),
  managementEvents: z.string().nullable(),
});

export const bucketRow = z.object({
  name: z.string(),
  encryption: z.enum(['enabled', 'not-configured', 'unknown']),
  encryptionAlgorithm: z.string().nullable(),
  publicAccessBlock: z.enum(['configured', 'not-configured', 'unknown']),
  blockPublicAcls: z.boolean().nullable(),
  ignorePublicAcls: z.boolean().nullable(),
  blockPublicPolicy: z.boolean().nullable(),
  restrictPublicBuckets: z.boolean().nullable(),
});

const ruleRow = z.object({ protocol: z.string(), fromPort: z.number().nullable(), toPort: z.number().nullable(), source: z.string(), sourceKind: z.string() });
export const securityGroupRow = z.object({ groupId: z.string(), groupName: z.string(), region: z.string(), vpcId: z.string().nullable(), inbound: z.array(ruleRow) });

export const rdsRow = z.object({
  arn: z.string(),
  identifier: z.string(),
  region: z.string(),
  engine: z.string(),
  storageEncrypted: z.boolean(),
  backupRetentionPeriod: z.number(),
  deletionProtection: z.boolean(),
});

/** A stored row: its data, and where it is stored (result id, source, evidence). */
export type Stored<T> = T & { resource: string; source: string; evidence: string[] };

/** Every current row of a resource type, parsed; a row that does not parse fails the check. */
export async function readAws<S extends z.ZodObject>(inputs: InputReader, type: string, schema: S): Promise<Stored<z.output<S>>[]> {
  const rows = await inputs.resources(type);
  return rows.map((r) => {
    const parsed = schema.safeParse(r.data);
    if (!parsed.success) {
      throw new Error(`${type}/${r.key} (source ${r.source}) does not have the fields this check reads: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return { ...(parsed.data as z.output<S>), resource: `${type}/${r.key}`, source: r.source, evidence: r.evidenceId ? [r.evidenceId] : [] };
  });
}

