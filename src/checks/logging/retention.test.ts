import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed, type Seeded } from '../access/hr-test-data.ts';
import { retention } from './retention.ts';

let store: Seeded;
beforeAll(async () => {
  store = await seed({ slug: 'log-retention' });
  await store.put('aws.log-groups', 'aws-prod', 'logGroupName', [
    { logGroupName: '/aws/cloudtrail/org', region: 'eu-west-1', retentionInDays: 400, arn: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/cloudtrail/org' },
    { logGroupName: '/app/api', region: 'eu-west-1', retentionInDays: 365 },
    { logGroupName: '/app/worker', region: 'eu-west-1', retentionInDays: 90 },
    { logGroupName: '/vpc/flow', region: 'us-east-1', retentionInDays: null },
    { logGroupName: '/test/tmp-run-42', region: 'eu-west-1', retentionInDays: 1 },
  ]);
});
afterAll(() => store.close());

const NOW = '2026-03-01T12:00:00Z';

describe('logging.retention', () => {
  it('passes groups kept at least the minimum or forever, fails shorter ones, and skips excluded prefixes', async () => {
    const results = await store.run(retention, NOW, { excludePrefixes: ['/test/'] });
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['aws.log-groups//app/api', 'pass', 'log group /app/api (eu-west-1) keeps events 365 days (at least 365 required)'],
      ['aws.log-groups//app/worker', 'fail', 'log group /app/worker (eu-west-1) keeps events only 90 days; the policy requires 365'],
      ['aws.log-groups//aws/cloudtrail/org', 'pass', 'log group /aws/cloudtrail/org (eu-west-1) keeps events 400 days (at least 365 required)'],
      ['aws.log-groups//vpc/flow', 'pass', 'log group /vpc/flow (us-east-1) never expires its events'],
    ]);
    expect(results[1]!.status === 'fail' && results[1]!.remediation).toBe(
      'Set a longer retention: aws logs put-retention-policy --log-group-name /app/worker --retention-in-days 400 --region eu-west-1 (or export older events to S3 with a lifecycle that keeps them long enough).',
    );
    expect(results[1]!.evidence).toEqual(['ev-aws.log-groups-/app/worker']);
  });

  it("judges Vigil's own evidence retention per kind, counting months and years on the calendar", async () => {
    const results = await store.run(retention, NOW, { excludePrefixes: ['/'], evidenceRetention: { default: 'P15M', event: 'P12M', 'resource.snapshot': 'P6M' } });
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['vigil.evidence-retention/default', 'pass', 'Vigil keeps evidence for P15M (457 days; at least 365 required)'],
      ['vigil.evidence-retention/event', 'pass', 'Vigil keeps event evidence for P12M (365 days; at least 365 required)'],
      ['vigil.evidence-retention/resource.snapshot', 'fail', 'Vigil keeps resource.snapshot evidence for only P6M (184 days); the policy requires 365'],
    ]);
    expect(results[2]!.status === 'fail' && results[2]!.remediation).toBe('Raise evidence.retention.resource.snapshot in vigil.yaml to at least P365D (P15M covers a 12-month audit period plus fieldwork).');
  });

  it("judges the buckets CloudTrail delivers to on their lifecycle expiration, and no other bucket", async () => {
    const s = await seed({ db: store.db, slug: 'log-retention-buckets' });
    await s.put('aws.cloudtrail-trails', 'aws-prod', 'trailArn', [
      { trailArn: 'arn:t1', name: 'org-trail', s3BucketName: 'trail-logs' },
      { trailArn: 'arn:t2', name: 'legacy-trail', s3BucketName: 'trail-logs' },
      { trailArn: 'arn:t3', name: 'short-trail', s3BucketName: 'short-logs' },
      { trailArn: 'arn:t4', name: 'kept-trail', s3BucketName: 'kept-logs' },
      { trailArn: 'arn:t5', name: 'denied-trail', s3BucketName: 'denied-logs' },
      { trailArn: 'arn:t6', name: 'elsewhere-trail', s3BucketName: 'other-account-bucket' },
    ]);
    await s.put('aws.s3-buckets', 'aws-prod', 'name', [
      { name: 'trail-logs', lifecycle: 'configured', expirationDays: 365 },
      { name: 'short-logs', lifecycle: 'configured', expirationDays: 364 },
      { name: 'kept-logs', lifecycle: 'not-configured', expirationDays: null },
      { name: 'denied-logs', lifecycle: 'unknown', expirationDays: null },
      { name: 'app-assets', lifecycle: 'configured', expirationDays: 7 },
    ]);
    const results = await s.run(retention, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['aws.s3-buckets/kept-logs', 'pass', 'S3 bucket kept-logs (CloudTrail log files of kept-trail) has no lifecycle expiration: log files are kept'],
      ['aws.s3-buckets/short-logs', 'fail', 'S3 bucket short-logs (CloudTrail log files of short-trail) expires objects after only 364 days; the policy requires 365'],
      ['aws.s3-buckets/trail-logs', 'pass', 'S3 bucket trail-logs (CloudTrail log files of org-trail, legacy-trail) expires objects after 365 days (at least 365 required)'],
    ]);
    expect(results[1]!.status === 'fail' && results[1]!.remediation).toContain('--bucket short-logs');
    expect(results[2]!.evidence).toEqual(['ev-aws.s3-buckets-trail-logs', 'ev-aws.cloudtrail-trails-arn:t1', 'ev-aws.cloudtrail-trails-arn:t2']);
  });

  it('refuses a row without the fields it reads rather than guessing', async () => {
    const s = await seed({ db: store.db, slug: 'log-retention-bad' });
    await s.put('aws.log-groups', 'aws-prod', 'logGroupName', [{ logGroupName: '/x', retention: 30 }]);
    await expect(s.run(retention, NOW)).rejects.toThrow('stored aws.log-groups row /x does not have the fields this check reads: retentionInDays');
  });
});
