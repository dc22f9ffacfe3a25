/**
 * logging.retention — logs are kept at least as long as the policy says (default 365 days, LOG-02).
 * Judged on CloudWatch Logs groups (their retention setting; "never expire" passes) and on Vigil's
 * own evidence retention (vigil.yaml `evidence.retention`, per record kind), which Vigil passes in
 * as the `evidenceRetention` parameter.
 *
 * The log groups are read from `aws.log-groups` rows: `logGroupName`, `region` and
 * `retentionInDays` (null when the group never expires), as CloudWatch Logs DescribeLogGroups
 * reports them (the AWS connector's `log-groups` resource). The S3 buckets CloudTrail trails deliver
 * log files to (`aws.cloudtrail-trails` `s3BucketName`) are judged on `aws.s3-buckets`
 * `expirationDays`, the shortest enabled lifecycle expiration (conservative: a short rule on another
 * prefix counts too). Without a source collecting `aws.log-groups` the engine reports this check
 * not applicable — Vigil's evidence retention included.
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import { addDuration } from '../../lib/duration.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import type { InputReader } from '../sdk/inputs.ts';

export const AWS_LOG_GROUPS = 'aws.log-groups';
export const AWS_TRAILS = 'aws.cloudtrail-trails';
export const AWS_BUCKETS = 'aws.s3-buckets';

const trailRow = z.object({ name: z.string(), s3BucketName: z.string().nullable() });
const bucketRow = z.object({ name: z.string(), lifecycle: z.enum(['configured', 'not-configured', 'unknown']), expirationDays: z.number().int().nullable() });

const logGroupRow = z.object({
  logGroupName: z.string(),
  region: z.string().optional(),
  retentionInDays: z.number().int().nullable(),
});

const iso = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

const params = z.object({
  minimumDays: z.number().int().min(1).max(3650).default(365).describe('The shortest retention the logging policy allows, in days.'),
  excludePrefixes: z.array(z.string().min(1)).default([]).describe('Log groups whose names start with one of these are not judged (e.g. short-lived test groups the policy exempts).'),
  evidenceRetention: z
    .record(z.string(), z.string().regex(iso, 'an ISO 8601 duration'))
    .default({})
    .describe("Vigil's own evidence retention per record kind (vigil.yaml evidence.retention, \"default\" for the rest); Vigil passes its configured values in."),
});

const fields = (type: string, key: string, issues: z.core.$ZodIssue[]) =>
  new Error(`stored ${type} row ${key} does not have the fields this check reads: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);

/** The buckets CloudTrail trails deliver to, judged on their lifecycle expiration. */
async function logBuckets(inputs: InputReader, minimumDays: number): Promise<CheckResult[]> {
  const trailsByBucket = new Map<string, { names: string[]; evidence: string[] }>();
  for (const r of await inputs.resources(AWS_TRAILS)) {
    const t = trailRow.safeParse(r.data);
    if (!t.success) throw fields(AWS_TRAILS, r.key, t.error.issues);
    if (!t.data.s3BucketName) continue;
    const entry = trailsByBucket.get(t.data.s3BucketName) ?? { names: [], evidence: [] };
    entry.names.push(t.data.name);
    if (r.evidenceId) entry.evidence.push(r.evidenceId);
    trailsByBucket.set(t.data.s3BucketName, entry);
  }
  const results: CheckResult[] = [];
  for (const r of await inputs.resources(AWS_BUCKETS)) {
    const trails = trailsByBucket.get(r.key);
    if (!trails) continue;
    const b = bucketRow.safeParse(r.data);
    if (!b.success) throw fields(AWS_BUCKETS, r.key, b.error.issues);
    // An unreadable lifecycle is a recorded permission gap, not a judgement either way.
    if (b.data.lifecycle === 'unknown') continue;
    const days = b.data.expirationDays;
    const what = `S3 bucket ${b.data.name} (CloudTrail log files of ${trails.names.join(', ')})`;
    const base = { resource: `${r.type}/${r.key}`, source: r.source, evidence: [...(r.evidenceId ? [r.evidenceId] : []), ...trails.evidence], details: { bucket: b.data.name, trails: trails.names, expirationDays: days, minimumDays } };
    if (days === null) results.push({ ...base, status: 'pass', reason: `${what} has no lifecycle expiration: log files are kept` });
    else if (days >= minimumDays) results.push({ ...base, status: 'pass', reason: `${what} expires objects after ${days} days (at least ${minimumDays} required)` });
    else
      results.push({
        ...base,
        status: 'fail',
        reason: `${what} expires objects after only ${days} days; the policy requires ${minimumDays}`,
        remediation: `Raise the bucket's lifecycle expiration to at least ${minimumDays} days (aws s3api put-bucket-lifecycle-configuration --bucket ${b.data.name} …), or exclude the CloudTrail prefix from the short rule.`,
      });
  }
  return results;
}

/** Days a duration keeps something from now: calendar-aware, so P12M is a real year. */
const keptDays = (now: Date, duration: string) => Math.floor((addDuration(now, duration).getTime() - now.getTime()) / DAY_MS);

export const retention = defineCheck({
  id: 'logging.retention',
  title: 'Logs are kept at least as long as policy requires',
  description:
    "Every CloudWatch Logs group keeps its events at least the policy's minimum (default 365 days; never-expiring groups pass), so does every S3 bucket CloudTrail delivers log files to (its shortest enabled lifecycle expiration; no expiration passes), and so does Vigil's own evidence retention for every record kind.",
  area: 'logging',
  controls: ['LOG-02', 'LOG-08'],
  severity: 'medium',
  // The trails and buckets tell which buckets hold CloudTrail's log files and how long they keep them;
  // without them the log groups and Vigil's own retention are still judged.
  // Results move with the clock: a retention given in months or years is counted in days from now.
  readsNow: true,
  inputs: { resources: [AWS_LOG_GROUPS, AWS_TRAILS, AWS_BUCKETS], optional: [AWS_TRAILS, AWS_BUCKETS] },
  params,
  async evaluate({ inputs, params: p, now }) {
    const results: CheckResult[] = [];
    for (const r of await inputs.resources(AWS_LOG_GROUPS)) {
      const parsed = logGroupRow.safeParse(r.data);
      if (!parsed.success) throw new Error(`stored ${AWS_LOG_GROUPS} row ${r.key} does not have the fields this check reads: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const g = parsed.data;
      if (p.excludePrefixes.some((x) => g.logGroupName.startsWith(x))) continue;
      const where = g.region ? ` (${g.region})` : '';
      const base = { resource: `${r.type}/${r.key}`, source: r.source, evidence: r.evidenceId ? [r.evidenceId] : [], details: { logGroupName: g.logGroupName, region: g.region ?? null, retentionInDays: g.retentionInDays, minimumDays: p.minimumDays } };
      if (g.retentionInDays === null) results.push({ ...base, status: 'pass', reason: `log group ${g.logGroupName}${where} never expires its events` });
      else if (g.retentionInDays >= p.minimumDays) results.push({ ...base, status: 'pass', reason: `log group ${g.logGroupName}${where} keeps events ${g.retentionInDays} days (at least ${p.minimumDays} required)` });
      else {
        results.push({
          ...base,
          status: 'fail',
          reason: `log group ${g.logGroupName}${where} keeps events only ${g.retentionInDays} days; the policy requires ${p.minimumDays}`,
          // CloudWatch Logs accepts only its listed retention values; 400 is the first at or above a year.
          remediation: `Set a longer retention: aws logs put-retention-policy --log-group-name ${g.logGroupName} --retention-in-days ${p.minimumDays <= 365 ? 400 : p.minimumDays}${g.region ? ` --region ${g.region}` : ''} (or export older events to S3 with a lifecycle that keeps them long enough).`,
        });
      }
    }
    results.push(...(await logBuckets(inputs, p.minimumDays)));
    for (const [kind, duration] of Object.entries(p.evidenceRetention).sort(([a], [b]) => a.localeCompare(b))) {
      const days = keptDays(now, duration);
      const base = { resource: `vigil.evidence-retention/${kind}`, evidence: [], details: { kind, retention: duration, days, minimumDays: p.minimumDays } };
      const what = kind === 'default' ? 'Vigil keeps evidence' : `Vigil keeps ${kind} evidence`;
      results.push(
        days >= p.minimumDays
          ? { ...base, status: 'pass', reason: `${what} for ${duration} (${days} days; at least ${p.minimumDays} required)` }
          : {
              ...base,
              status: 'fail',
              reason: `${what} for only ${duration} (${days} days); the policy requires ${p.minimumDays}`,
              remediation: `Raise evidence.retention.${kind} in vigil.yaml to at least P${p.minimumDays}D (P15M covers a 12-month audit period plus fieldwork).`,
            },
      );
    }
    return results;
  },
});
