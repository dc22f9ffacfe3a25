/**
 * backup.jobs-succeeded over the AWS Backup jobs the AWS connector collects from the demo's
 * simulated account. The demo plants no backup failure (see plantedAws), so every protected
 * database must pass — and only the databases in a backup plan are judged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from '../../connectors/aws/index.ts';
import { createRunContext, readEvents, type Row } from '../../connectors/sdk/index.ts';
import { createDemoOrg } from '../../demo/org/org.ts';
import { awsProvider, plantedAws } from '../../demo/providers/aws.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { HOUR_MS, fixedClock } from '../../lib/clock.ts';
import { seed, type Seeded } from '../access/hr-test-data.ts';
import { jobsSucceeded } from './jobs-succeeded.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const NOW = new Date(anchor.getTime() + 12 * HOUR_MS);
const org = createDemoOrg({ anchor });
let server: DemoServer;
let store: Seeded;

beforeAll(async () => {
  const clock = fixedClock(NOW);
  server = await startDemoServer(org, clock, { providers: [awsProvider] });
  store = await seed({ slug: 'backup-demo' });
  const ctx = createRunContext({ connector: aws, config: server.sources[0]!.config, clock });
  const jobs: Row[] = [];
  const outcome = await readEvents(ctx, aws.events.find((e) => e.name === 'backup-jobs')!, null, (p) => void jobs.push(...p.rows));
  expect(outcome.status).toBe('complete');
  await store.putEvents('aws.backup-jobs', 'aws', 'backupJobId', 'completedAt', jobs);
}, 60_000);
afterAll(async () => {
  await server.close();
  await store.close();
});

describe('backup.jobs-succeeded over the demo AWS account', () => {
  it('passes every database in a backup plan: the occasional failed job was followed by a success', async () => {
    expect(plantedAws(org).filter((p) => p.check.startsWith('backup.'))).toEqual([]);
    const results = await store.run(jobsSucceeded, NOW.toISOString());
    expect(results.map((r) => [r.resource.split(':db:')[1], r.status])).toEqual([
      ['analytics-db', 'pass'],
      ['app-db', 'pass'],
    ]);
    expect(results[0]!.reason).toMatch(/^RDS analytics-db \(.+\): last backed up 2026-11-26 05:25 UTC; 1 failed job was followed by a successful one$/);
    // One job a night at 05:25 over the 30-day lookback (2026-10-28 to 2026-11-26), the one of 2026-11-17 failed.
    expect(results[0]!.details).toMatchObject({ jobs: 30, failedJobs: 1, latestState: 'COMPLETED', lastSuccessAt: '2026-11-26T05:25:00.000Z' });
  });
});
