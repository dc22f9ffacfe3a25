import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createAwsCheckStore } from '../cloud/aws-store.testing.ts';
import { keyRotation } from './key-rotation.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const daysAgo = (d: number, extraMs = 0) => new Date(NOW.getTime() - d * 86_400_000 - extraMs).toISOString();

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.close();
});

describe('access.key-rotation', () => {
  it('fails keys older than 90 days or unused for 90 days, passes fresh used keys, skips inactive ones', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('iam-access-keys', { accessKeyId: 'AKIAFRESH000000000001', createDate: daysAgo(10), lastUsedDate: daysAgo(1) });
    await store.put('iam-access-keys', { accessKeyId: 'AKIAOLD00000000000002', createDate: daysAgo(200), lastUsedDate: daysAgo(0, 3_600_000) });
    await store.put('iam-access-keys', { accessKeyId: 'AKIAIDLE0000000000003', createDate: daysAgo(120), lastUsedDate: daysAgo(95) });
    await store.put('iam-access-keys', { accessKeyId: 'AKIAOFF00000000000004', status: 'Inactive', createDate: daysAgo(400) });
    const results = await store.evaluate(keyRotation, NOW);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['aws.iam-access-keys/AKIAFRESH000000000001', 'pass', 'Access key AKIAFRESH000000000001 of alice created 2026-02-19 (rotation due by 2026-05-20), last used 2026-02-28'],
      ['aws.iam-access-keys/AKIAIDLE0000000000003', 'fail', 'Access key AKIAIDLE0000000000003 of alice: created 2025-11-01, due for rotation by 2026-01-30 (90 days); last used 2025-11-26, idle past 2026-02-24 (more than 90 days)'],
      ['aws.iam-access-keys/AKIAOFF00000000000004', 'not_applicable', 'AKIAOFF00000000000004 of alice is inactive: it cannot sign requests'],
      ['aws.iam-access-keys/AKIAOLD00000000000002', 'fail', 'Access key AKIAOLD00000000000002 of alice: created 2025-08-13, due for rotation by 2025-11-11 (90 days)'],
    ]);
    const old = results[3]!;
    expect(old.status === 'fail' && old.remediation).toContain('deactivate and delete AKIAOLD00000000000002');
  });

  it('draws the line at exactly maxAgeDays: 90 days old passes, a second more fails', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('iam-access-keys', { accessKeyId: 'AKIAEDGE0000000000001', createDate: daysAgo(90), lastUsedDate: daysAgo(0, 60_000) });
    await store.put('iam-access-keys', { accessKeyId: 'AKIAEDGE0000000000002', createDate: daysAgo(90, 1000), lastUsedDate: daysAgo(0, 60_000) });
    expect((await store.evaluate(keyRotation, NOW)).map((r) => r.status)).toEqual(['pass', 'fail']);
  });

  it('flags a key never used since creation only past maxUnusedDays, and judges a key with unreadable last use on its rotation due date alone', async () => {
    const store = await createAwsCheckStore(db);
    await store.put('iam-access-keys', { accessKeyId: 'AKIANEVER000000000001', createDate: daysAgo(30), lastUsedDate: null });
    await store.put('iam-access-keys', { accessKeyId: 'AKIANEVER000000000002', createDate: daysAgo(60), lastUsedDate: null }, {});
    await store.put('iam-access-keys', { accessKeyId: 'AKIAUNKNOWN000000003', createDate: daysAgo(80), lastUsedDate: null, lastUseKnown: false });
    const results = await store.evaluate(keyRotation, NOW, { maxUnusedDays: 45 });
    expect(results.map((r) => [r.resource.split('/')[1], r.status, r.reason])).toEqual([
      ['AKIANEVER000000000001', 'pass', 'Access key AKIANEVER000000000001 of alice created 2026-01-30 (rotation due by 2026-04-30), not used yet'],
      ['AKIANEVER000000000002', 'fail', 'Access key AKIANEVER000000000002 of alice: never used, idle past 2026-02-14 (more than 45 days)'],
      ['AKIAUNKNOWN000000003', 'pass', 'Access key AKIAUNKNOWN000000003 of alice created 2025-12-11 (rotation due by 2026-03-11), last use unknown (not readable)'],
    ]);
  });
});
