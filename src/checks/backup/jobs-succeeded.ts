/**
 * backup.jobs-succeeded — every resource AWS Backup protects was backed up successfully within its
 * interval, and its latest backup job did not fail. One result per backed-up resource seen in the
 * last `lookback`: a resource whose jobs stopped fails for missing its interval, not silently.
 */
import { z } from 'zod';
import { durationMs } from '../../lib/duration.ts';
import { formatSpan, showTime } from '../access/hr-roster.ts';
import { isoDuration } from '../availability/uptime.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';

export const AWS_BACKUP_JOBS = 'aws.backup-jobs';

const row = z.object({
  backupJobId: z.string(),
  completedAt: z.string(),
  state: z.string(),
  statusMessage: z.string().nullable(),
  resourceArn: z.string(),
  resourceType: z.string().nullable(),
  backupVaultName: z.string().nullable(),
  region: z.string(),
});

type Job = z.infer<typeof row> & { at: Date; evidence: string[]; source: string };

const params = z.object({
  maxAge: isoDuration('PT36H', 'The latest successful backup of each resource may be at most this old (a daily schedule plus slack).'),
  lookback: isoDuration('P30D', 'Resources with a backup job in this period are judged.'),
});

const shortName = (arn: string) => arn.split(/[:/]/).at(-1) ?? arn;

function judge(jobs: Job[], now: Date, maxAgeMs: number): CheckResult {
  const latest = jobs.at(-1)!;
  const lastOk = [...jobs].reverse().find((j) => j.state === 'COMPLETED');
  const failed = jobs.filter((j) => j.state !== 'COMPLETED');
  const name = `${latest.resourceType ?? 'resource'} ${shortName(latest.resourceArn)} (${latest.region})`;
  const base = {
    resource: `${AWS_BACKUP_JOBS}/${latest.resourceArn}`,
    source: latest.source,
    evidence: [...new Set([...latest.evidence, ...(lastOk?.evidence ?? []), ...failed.slice(-20).flatMap((j) => j.evidence)])],
    details: {
      resourceArn: latest.resourceArn,
      vault: latest.backupVaultName,
      jobs: jobs.length,
      failedJobs: failed.length,
      latestState: latest.state,
      latestCompletedAt: latest.completedAt,
      lastSuccessAt: lastOk?.completedAt ?? null,
    },
  };
  const problems: string[] = [];
  if (latest.state !== 'COMPLETED') problems.push(`its latest backup job (${showTime(latest.at)}) ended ${latest.state}${latest.statusMessage ? `: ${latest.statusMessage}` : ''}`);
  if (!lastOk) problems.push('no backup job completed in the period');
  else if (now.getTime() - lastOk.at.getTime() > maxAgeMs) problems.push(`the last successful backup was at ${showTime(lastOk.at)}, and the next was due by ${showTime(new Date(lastOk.at.getTime() + maxAgeMs))} (at most ${formatSpan(maxAgeMs)} apart)`);
  if (problems.length) {
    return {
      ...base,
      status: 'fail',
      reason: `${name}: ${problems.join('; ')}`,
      remediation: `Look at the failed or missing jobs of ${shortName(latest.resourceArn)} in AWS Backup, fix the cause (permissions of the backup role, the resource's state, the plan's window), and run an on-demand backup now.`,
    };
  }
  const retried = failed.length ? `; ${failed.length} failed job${failed.length === 1 ? ' was' : 's were'} followed by a successful one` : '';
  return { ...base, status: 'pass', reason: `${name}: last backed up ${showTime(lastOk!.at)}${retried}` };
}

export const jobsSucceeded = defineCheck({
  id: 'backup.jobs-succeeded',
  title: 'Backup jobs succeed on schedule',
  description: 'Each resource protected by AWS Backup has a successful backup no older than the allowed age (default 36 h), and its latest job did not fail.',
  area: 'backup',
  controls: ['BCK-01'],
  severity: 'high',
  // Results move with the clock: jobs within the lookback before now.
  readsNow: true,
  inputs: { events: [AWS_BACKUP_JOBS] },
  params,
  async evaluate({ inputs, params: p, now }) {
    const byResource = new Map<string, Job[]>();
    const since = new Date(now.getTime() - durationMs(p.lookback));
    for (const e of await inputs.events(AWS_BACKUP_JOBS, { since, until: new Date(now.getTime() + 1) })) {
      const r = row.safeParse(e.data);
      if (!r.success) throw new Error(`stored ${AWS_BACKUP_JOBS} row ${e.key} does not have the fields this check reads: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const list = byResource.get(r.data.resourceArn) ?? [];
      list.push({ ...r.data, at: e.occurredAt, evidence: e.evidenceId ? [e.evidenceId] : [], source: e.source });
      byResource.set(r.data.resourceArn, list);
    }
    return [...byResource.keys()].sort().map((arn) => judge(byResource.get(arn)!, now, durationMs(p.maxAge)));
  },
});
