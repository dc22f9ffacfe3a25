/**
 * AWS Backup jobs that finished (completed, failed, aborted, expired or partial), per region
 * (ListBackupJobs filtered by completion time, NextToken): the record of whether backups ran and
 * succeeded. A job is collected once it has finished, so its outcome never changes afterwards.
 */
import { z } from 'zod';
import { ListBackupJobsCommand } from '@aws-sdk/client-backup';
import { defineEvents, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { pages } from '../paginate.ts';
import { awsSession } from '../session.ts';
import { eventWindow } from './window.ts';

export const backupJobSchema = z.object({
  backupJobId: z.string().describe('Backup job id, unique.'),
  completedAt: z.iso.datetime().describe('When the job finished (UTC).'),
  createdAt: z.iso.datetime().describe('When the job was created (UTC).'),
  region: z.string().describe('Region the job ran in.'),
  state: z.string().describe('Final state: COMPLETED, FAILED, ABORTED, EXPIRED or PARTIAL.'),
  statusMessage: z.string().nullable().describe('Why a job did not complete, as AWS Backup reports it.'),
  resourceArn: z.string().describe('ARN of the resource backed up.'),
  resourceType: z.string().nullable().describe('Type of that resource, e.g. RDS, EBS, S3, DynamoDB.'),
  backupVaultName: z.string().nullable().describe('Vault the recovery point was written to.'),
  recoveryPointArn: z.string().nullable().describe('ARN of the recovery point created, if any.'),
  backupSizeBytes: z.number().nullable().describe('Size of the backup in bytes.'),
  backupPlanId: z.string().nullable().describe('Backup plan that started the job; null for an on-demand backup.'),
});

export const backupJobs = defineEvents({
  name: 'backup-jobs',
  description: 'Finished AWS Backup jobs with their outcome, collected incrementally.',
  schema: backupJobSchema,
  key: 'backupJobId',
  time: 'completedAt',
  async *list(ctx: RunContext<AwsConfig>, cursor: string | null) {
    const aws = awsSession(ctx);
    const { start, end } = eventWindow(cursor, ctx.clock.now(), ctx.config.lookbackDays, aws.where);
    for (const [i, region] of aws.regions.entries()) {
      const what = `AWS Backup ListBackupJobs in ${region}`;
      const fetch = (token: string | undefined) =>
        aws.call('backup', 'ListBackupJobs', region, (o) =>
          aws.backup(region).send(new ListBackupJobsCommand({ ByCompleteAfter: start, ByCompleteBefore: end, MaxResults: 1000, ...(token ? { NextToken: token } : {}) }), o),
        );
      const lastRegion = i === aws.regions.length - 1;
      for await (const page of pages(what, aws.where, fetch, (p) => p.NextToken)) {
        const rows = (page.BackupJobs ?? [])
          // Listed by completion time, so every job has one; a job without is not finished.
          .filter((j) => j.CompletionDate)
          .map((j) => ({
            backupJobId: j.BackupJobId ?? '',
            completedAt: j.CompletionDate!.toISOString(),
            createdAt: (j.CreationDate ?? j.CompletionDate!).toISOString(),
            region,
            state: j.State ?? 'UNKNOWN',
            statusMessage: j.StatusMessage ?? null,
            resourceArn: j.ResourceArn ?? '',
            resourceType: j.ResourceType ?? null,
            backupVaultName: j.BackupVaultName ?? null,
            recoveryPointArn: j.RecoveryPointArn ?? null,
            backupSizeBytes: j.BackupSizeInBytes ?? null,
            backupPlanId: j.CreatedBy?.BackupPlanId ?? null,
          }));
        yield { rows, cursor: lastRegion && !page.NextToken ? end.toISOString() : cursor };
      }
    }
  },
});
