/**
 * For the AWS checks' tests: a workspace per test in a test database (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL), rows stored exactly as the collection engine stores the AWS connector's
 * output — validated against the connector's own schemas (with defaults for fields a test does not
 * care about) and keyed by its primary key — and a check evaluated over them.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { aws } from '../../connectors/aws/index.ts';
import type { Database } from '../../db/client.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { resources } from '../../db/schema/resources.ts';
import type { CheckDefinition, CheckResult } from '../sdk/define.ts';
import { createInputReader } from '../sdk/inputs.ts';

let counter = 0;

const T = '2026-01-01T00:00:00.000Z';

/** Defaults for every field of each AWS resource, so a test names only what it judges. */
export const defaults: Record<string, Record<string, unknown>> = {
  'credential-report': {
    isRoot: false,
    userCreationTime: T,
    passwordEnabled: true,
    passwordLastUsed: null,
    passwordLastChanged: null,
    passwordNextRotation: null,
    mfaActive: true,
    accessKey1Active: false,
    accessKey1LastRotated: null,
    accessKey1LastUsedDate: null,
    accessKey1LastUsedRegion: null,
    accessKey1LastUsedService: null,
    accessKey2Active: false,
    accessKey2LastRotated: null,
    accessKey2LastUsedDate: null,
    accessKey2LastUsedRegion: null,
    accessKey2LastUsedService: null,
    cert1Active: false,
    cert1LastRotated: null,
    cert2Active: false,
    cert2LastRotated: null,
    reportGeneratedAt: T,
  },
  'iam-access-keys': { userName: 'alice', status: 'Active', createDate: T, lastUsedDate: null, lastUsedService: null, lastUsedRegion: null, lastUseKnown: true },
  'password-policy': {
    accountId: '123456789012',
    configured: true,
    minimumPasswordLength: 14,
    requireSymbols: false,
    requireNumbers: false,
    requireUppercaseCharacters: false,
    requireLowercaseCharacters: false,
    allowUsersToChangePassword: true,
    expirePasswords: false,
    maxPasswordAge: null,
    passwordReusePrevention: 24,
    hardExpiry: false,
  },
  'cloudtrail-trails': {
    homeRegion: 'us-east-1',
    isMultiRegion: true,
    isOrganizationTrail: false,
    includeGlobalServiceEvents: true,
    logFileValidation: true,
    s3BucketName: 'trail-bucket',
    kmsKeyId: null,
    cloudWatchLogsLogGroupArn: null,
    isLogging: true,
    latestDeliveryTime: T,
    latestDeliveryError: null,
    managementEvents: 'all',
  },
  's3-buckets': {
    region: 'us-east-1',
    creationDate: T,
    encryption: 'enabled',
    encryptionAlgorithm: 'AES256',
    kmsKeyId: null,
    bucketKeyEnabled: false,
    publicAccessBlock: 'configured',
    blockPublicAcls: true,
    ignorePublicAcls: true,
    blockPublicPolicy: true,
    restrictPublicBuckets: true,
    versioning: 'Enabled',
    mfaDelete: null,
    lifecycle: 'not-configured',
    expirationDays: null,
  },
  'security-groups': { region: 'us-east-1', vpcId: 'vpc-1', ownerId: '123456789012', description: 'test', inbound: [], outbound: [], tags: {} },
  'rds-instances': {
    region: 'us-east-1',
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    status: 'available',
    storageEncrypted: true,
    kmsKeyId: null,
    backupRetentionPeriod: 7,
    latestRestorableTime: null,
    deletionProtection: true,
    multiAz: false,
    publiclyAccessible: false,
    clusterIdentifier: null,
    createdAt: T,
  },
};

export interface AwsCheckStore {
  workspaceId: string;
  /** Store a row of an AWS resource (by its name, e.g. `s3-buckets`); returns its result id. */
  put(resource: string, row: Record<string, unknown>, options?: { source?: string; evidenceId?: string | null }): Promise<string>;
  evaluate<P extends z.ZodType>(check: CheckDefinition<P>, now: Date, params?: Partial<z.input<P>>): Promise<CheckResult[]>;
}

export async function createAwsCheckStore(db: Database): Promise<AwsCheckStore> {
  const ws = await createWorkspaceRepo(db.orm).ensure(`aws-checks-${process.pid}-${++counter}`, 'AWS checks');
  return {
    workspaceId: ws.id,
    async put(name, row, options = {}) {
      const resource = aws.resources.find((r) => r.name === name);
      if (!resource) throw new Error(`the AWS connector has no resource ${name}`);
      const data = resource.schema.parse({ ...defaults[name], ...row }) as Record<string, unknown>;
      const keys = typeof resource.primaryKey === 'string' ? [resource.primaryKey] : resource.primaryKey;
      const key = keys.map((k) => String(data[k])).join('/');
      const type = `aws.${name}`;
      const t = new Date(T);
      await db.orm.insert(resources).values({
        workspaceId: ws.id,
        source: options.source ?? 'aws',
        type,
        key,
        data,
        dataHash: createHash('sha256').update(JSON.stringify(data)).digest('hex'),
        firstSeenAt: t,
        lastSeenAt: t,
        changedAt: t,
        evidenceId: options.evidenceId === undefined ? `ev_${type}_${key}` : options.evidenceId,
      });
      return `${type}/${key}`;
    },
    async evaluate(check, now, params = {}) {
      const results = await check.evaluate({ workspaceId: ws.id, params: check.params.parse(params), now, inputs: createInputReader(db.orm, ws.id) });
      return [...results].sort((a, b) => a.resource.localeCompare(b.resource));
    },
  };
}
