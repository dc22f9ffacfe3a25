import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createAwsCheckStore } from './aws-store.testing.ts';
import { cloudtrailEnabled } from './cloudtrail-enabled.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const arn = (name: string, account = '123456789012') => `arn:aws:cloudtrail:us-east-1:${account}:trail/${name}`;

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
});

describe('cloud.cloudtrail-enabled', () => {
  it('passes the account through a good multi-region trail and fails a second trail without log-file validation', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('cloudtrail-trails', { trailArn: arn('org-trail'), name: 'org-trail' });
    await store.put('cloudtrail-trails', { trailArn: arn('legacy'), name: 'legacy', isMultiRegion: false, logFileValidation: false });
    const results = await store.evaluate(cloudtrailEnabled, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['aws.account/123456789012', 'pass', 'AWS account 123456789012 is covered in every region by org-trail (logging, validated, all management events)'],
      [`aws.cloudtrail-trails/${arn('legacy')}`, 'fail', 'CloudTrail trail legacy (us-east-1): log-file validation is off, so a changed or deleted log file would go unnoticed'],
      [`aws.cloudtrail-trails/${arn('org-trail')}`, 'pass', 'CloudTrail trail org-trail is logging in every region with log-file validation'],
    ]);
    expect(results[0]!.evidence.sort()).toEqual([`ev_aws.cloudtrail-trails_${arn('legacy')}`, `ev_aws.cloudtrail-trails_${arn('org-trail')}`]);
    const legacy = results[1]!;
    expect(legacy.status === 'fail' && legacy.remediation).toContain('--enable-log-file-validation');
  });

  it('fails the account when its only multi-region trail is stopped, writes-only, or of unknown status', async () => {
    for (const [row, trailReason] of [
      [{ isLogging: false }, 'it is not logging (stopped)'],
      [{ isLogging: null }, 'its logging status could not be read'],
      [{ managementEvents: 'write-only' }, null],
    ] as const) {
      const store = await createAwsCheckStore(db);
      await store.put('cloudtrail-trails', { trailArn: arn('main'), name: 'main', ...row });
      const results = await store.evaluate(cloudtrailEnabled, NOW);
      expect(results[0]!.resource).toBe('aws.account/123456789012');
      expect(results[0]!.status).toBe('fail');
      expect(results[0]!.reason).toBe('AWS account 123456789012 has no multi-region trail that is logging with log-file validation and records all management events (trails: main)');
      expect(results[1]!.status).toBe(trailReason ? 'fail' : 'pass');
      if (trailReason) expect(results[1]!.reason).toBe(`CloudTrail trail main (us-east-1): ${trailReason}`);
    }
  });

  it('accepts write-only management events when the parameter allows it', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('cloudtrail-trails', { trailArn: arn('main'), name: 'main', managementEvents: 'write-only' });
    expect((await store.evaluate(cloudtrailEnabled, NOW, { requireAllManagementEvents: false }))[0]!.status).toBe('pass');
  });

  it('judges each account of each source on its own trails', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('cloudtrail-trails', { trailArn: arn('main', '111111111111'), name: 'main' }, { source: 'aws-prod' });
    await store.put('cloudtrail-trails', { trailArn: arn('dev', '222222222222'), name: 'dev', isMultiRegion: false }, { source: 'aws-dev' });
    const accounts = (await store.evaluate(cloudtrailEnabled, NOW)).filter((r) => r.resource.startsWith('aws.account/'));
    expect(accounts.map((r) => [r.resource, r.source, r.status])).toEqual([
      ['aws.account/111111111111', 'aws-prod', 'pass'],
      ['aws.account/222222222222', 'aws-dev', 'fail'],
    ]);
  });

  it('fails when the account has no trail at all', async () => {
    const store = await createAwsCheckStore(db);
    const results = await store.evaluate(cloudtrailEnabled, NOW);
    expect(results.map((r) => [r.resource, r.status])).toEqual([['aws.cloudtrail-trails/(none)', 'fail']]);
  });
});
