import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupJobSchema } from '../../connectors/aws/events/backup-jobs.ts';
import { seed, type Seeded } from '../access/hr-test-data.ts';
import { jobsSucceeded } from './jobs-succeeded.ts';

let store: Seeded;
beforeAll(async () => {
  store = await seed({ slug: 'backup-jobs' });
});
afterAll(() => store.close());

const arn = (db: string) => `arn:aws:rds:eu-west-1:123456789012:db:${db}`;

/** A finished AWS Backup job as the AWS connector writes it. */
function job(id: string, db: string, completedAt: string, state = 'COMPLETED', statusMessage: string | null = null) {
  return backupJobSchema.parse({
    backupJobId: id,
    completedAt,
    createdAt: new Date(Date.parse(completedAt) - 25 * 60_000).toISOString(),
    region: 'eu-west-1',
    state,
    statusMessage,
    resourceArn: arn(db),
    resourceType: 'RDS',
    backupVaultName: 'prod-vault',
    recoveryPointArn: state === 'COMPLETED' ? `arn:aws:rds:eu-west-1:123456789012:snapshot:awsbackup:job-${id}` : null,
    backupSizeBytes: state === 'COMPLETED' ? 5_000_000 : null,
    backupPlanId: 'plan-daily',
  });
}

describe('backup.jobs-succeeded', () => {
  it('passes a resource backed up daily, fails a failed latest job, a stopped schedule, and notes reruns', async () => {
    await store.putEvents('aws.backup-jobs', 'aws-prod', 'backupJobId', 'completedAt', [
      job('a1', 'app-db', '2026-03-08T05:25:00.000Z'),
      job('a2', 'app-db', '2026-03-09T05:25:00.000Z', 'FAILED', 'Insufficient privileges to perform this action.'),
      job('a3', 'app-db', '2026-03-09T09:10:00.000Z'),
      job('b1', 'billing-db', '2026-03-08T05:25:00.000Z'),
      job('b2', 'billing-db', '2026-03-09T05:25:00.000Z', 'ABORTED', 'Backup job was aborted by the user.'),
      job('c1', 'analytics-db', '2026-03-07T05:25:00.000Z'),
      // Before the 30-day lookback: this resource is not judged.
      job('d1', 'retired-db', '2026-01-01T05:25:00.000Z'),
    ]);
    const results = await store.run(jobsSucceeded, '2026-03-09T12:00:00Z');
    expect(results.map((r) => [r.resource.split(':db:')[1], r.status, r.reason])).toEqual([
      ['analytics-db', 'fail', 'RDS analytics-db (eu-west-1): the last successful backup was at 2026-03-07 05:25 UTC, and the next was due by 2026-03-08 17:25 UTC (at most 1 d 12 h apart)'],
      ['app-db', 'pass', 'RDS app-db (eu-west-1): last backed up 2026-03-09 09:10 UTC; 1 failed job was followed by a successful one'],
      ['billing-db', 'fail', 'RDS billing-db (eu-west-1): its latest backup job (2026-03-09 05:25 UTC) ended ABORTED: Backup job was aborted by the user.'],
    ]);
    expect(results[2]!.evidence).toEqual(['ev-aws.backup-jobs-b2', 'ev-aws.backup-jobs-b1']);
    expect(results[2]!.status === 'fail' && results[2]!.remediation).toContain('run an on-demand backup now');
    expect(results[0]!.details).toMatchObject({ jobs: 1, failedJobs: 0, lastSuccessAt: '2026-03-07T05:25:00.000Z' });
    expect(results[1]!.details).toMatchObject({ jobs: 3, failedJobs: 1, lastSuccessAt: '2026-03-09T09:10:00.000Z' });
  });

  it('passes at exactly the allowed age and fails a second later', async () => {
    const s = await seed({ db: store.db, slug: 'backup-jobs-edge' });
    await s.putEvents('aws.backup-jobs', 'aws-prod', 'backupJobId', 'completedAt', [job('e1', 'app-db', '2026-03-08T00:00:00.000Z')]);
    expect((await s.run(jobsSucceeded, '2026-03-09T12:00:00Z'))[0]!.status).toBe('pass');
    expect((await s.run(jobsSucceeded, '2026-03-09T12:00:01Z'))[0]!.status).toBe('fail');
  });
});
