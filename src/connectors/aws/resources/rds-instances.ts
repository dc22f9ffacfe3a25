/**
 * RDS database instances with storage encryption, automated backups and exposure, per region
 * (DescribeDBInstances, Marker). For Aurora, encryption and backup retention are the cluster's and
 * RDS reports them on each instance as well.
 */
import { z } from 'zod';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { pages } from '../paginate.ts';
import { awsSession } from '../session.ts';

export const dbInstanceSchema = z.object({
  arn: z.string().describe('ARN of the DB instance.'),
  identifier: z.string().describe('DB instance identifier, unique per account and region.'),
  region: z.string().describe('Region of the instance.'),
  engine: z.string().describe('Database engine, e.g. postgres, mysql, aurora-postgresql.'),
  engineVersion: z.string().nullable().describe('Engine version.'),
  instanceClass: z.string().nullable().describe('Instance class, e.g. db.t3.medium.'),
  status: z.string().describe('Instance status, e.g. available, stopped.'),
  storageEncrypted: z.boolean().describe('Whether the storage (and so its snapshots and backups) is encrypted at rest.'),
  kmsKeyId: z.string().nullable().describe('KMS key of the storage encryption.'),
  backupRetentionPeriod: z.number().int().describe('Days automated backups are kept; 0 means automated backups are off.'),
  latestRestorableTime: z.iso.datetime().nullable().describe('Latest time the instance can be restored to (point-in-time recovery), UTC.'),
  deletionProtection: z.boolean().describe('Whether the instance cannot be deleted until this is turned off.'),
  multiAz: z.boolean().describe('Whether a standby in another availability zone exists.'),
  publiclyAccessible: z.boolean().describe('Whether the instance has a public DNS name reachable from the internet.'),
  clusterIdentifier: z.string().nullable().describe('Aurora cluster the instance belongs to, if any.'),
  createdAt: z.iso.datetime().nullable().describe('When the instance was created (UTC); null while it is being created.'),
});

export const rdsInstances = defineResource({
  name: 'rds-instances',
  description: 'Every RDS DB instance in the collected regions, with encryption, backup and exposure settings.',
  schema: dbInstanceSchema,
  primaryKey: 'arn',
  async *list(ctx: RunContext<AwsConfig>) {
    const aws = awsSession(ctx);
    for (const region of aws.regions) {
      const what = `RDS DescribeDBInstances in ${region}`;
      const fetch = (marker: string | undefined) =>
        aws.call('rds', 'DescribeDBInstances', region, (o) => aws.rds(region).send(new DescribeDBInstancesCommand({ MaxRecords: 100, ...(marker ? { Marker: marker } : {}) }), o));
      for await (const page of pages(what, aws.where, fetch, (p) => p.Marker)) {
        yield (page.DBInstances ?? []).map((d) => ({
          arn: d.DBInstanceArn ?? '',
          identifier: d.DBInstanceIdentifier ?? '',
          region,
          engine: d.Engine ?? '',
          engineVersion: d.EngineVersion ?? null,
          instanceClass: d.DBInstanceClass ?? null,
          status: d.DBInstanceStatus ?? 'unknown',
          storageEncrypted: d.StorageEncrypted ?? false,
          kmsKeyId: d.KmsKeyId ?? null,
          backupRetentionPeriod: d.BackupRetentionPeriod ?? 0,
          latestRestorableTime: d.LatestRestorableTime?.toISOString() ?? null,
          deletionProtection: d.DeletionProtection ?? false,
          multiAz: d.MultiAZ ?? false,
          publiclyAccessible: d.PubliclyAccessible ?? false,
          clusterIdentifier: d.DBClusterIdentifier ?? null,
          createdAt: d.InstanceCreateTime?.toISOString() ?? null,
        }));
      }
    }
  },
});
