/**
 * The AWS checks (cloud.*, the IAM access checks and logging.retention) over what the AWS connector collects from the
 * demo's simulated AWS account: they must report exactly the failures the demo plants for AWS
 * (`plantedAws`), and nothing else.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from '../../connectors/aws/index.ts';
import { createRunContext, readResource } from '../../connectors/sdk/index.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { resources } from '../../db/schema/resources.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createDemoOrg } from '../../demo/org/org.ts';
import { awsProvider, plantedAws, type PlantedAws } from '../../demo/providers/aws.ts';
import { startDemoServer } from '../../demo/server.ts';
import { HOUR_MS, fixedClock } from '../../lib/clock.ts';
import { keyRotation } from '../access/key-rotation.ts';
import { mfaCloud } from '../access/mfa-cloud.ts';
import { passwordPolicy } from '../access/password-policy.ts';
import { rootAccount } from '../access/root-account.ts';
import { retention } from '../logging/retention.ts';
import type { AnyCheck, CheckResult } from '../sdk/define.ts';
import { createInputReader } from '../sdk/inputs.ts';
import { adminPortsOpen } from './admin-ports-open.ts';
import { cloudtrailEnabled } from './cloudtrail-enabled.ts';
import { rdsEncryptionBackups } from './rds-encryption-backups.ts';
import { s3EncryptionPublicAccess } from './s3-encryption-public-access.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const NOW = new Date(anchor.getTime() + 12 * HOUR_MS);
const checks: AnyCheck[] = [mfaCloud, rootAccount, keyRotation, passwordPolicy, cloudtrailEnabled, s3EncryptionPublicAccess, adminPortsOpen, rdsEncryptionBackups, retention];

let db: TestDb;
let workspaceId: string;
let planted: PlantedAws[];
const results = new Map<string, CheckResult[]>();

beforeAll(async () => {
  db = await createTestDb();
  workspaceId = (await createWorkspaceRepo(db.orm).ensure('aws-demo', 'AWS demo')).id;
  const org = createDemoOrg({ anchor });
  planted = plantedAws(org);
  const clock = fixedClock(NOW);
  const server = await startDemoServer(org, clock, { providers: [awsProvider] });
  try {
    // Collect every resource into the inventory as the engine does: type `aws.<name>`, keyed by the primary key.
    const ctx = createRunContext({ connector: aws, config: server.sources[0]!.config, clock });
    for (const r of aws.resources) {
      const keys = typeof r.primaryKey === 'string' ? [r.primaryKey] : r.primaryKey;
      const type = `${aws.id}.${r.name}`;
      const outcome = await readResource(ctx, r, async (rows) => {
        await db.orm.insert(resources).values(
          rows.map((data) => {
            const key = keys.map((k) => String(data[k])).join('/');
            const hash = createHash('sha256').update(JSON.stringify(data)).digest('hex');
            return { workspaceId, source: 'aws', type, key, data, dataHash: hash, firstSeenAt: NOW, lastSeenAt: NOW, changedAt: NOW, evidenceId: `ev:${type}:${key}` };
          }),
        );
      });
      expect(outcome.status, r.name).toBe('complete');
    }
  } finally {
    await server.close();
  }
  for (const check of checks) {
    results.set(check.id, await check.evaluate({ workspaceId, params: check.params.parse({}), now: NOW, inputs: createInputReader(db.orm, workspaceId) }));
  }
}, 60_000);

afterAll(async () => {
  await db.close();
});

describe('the AWS checks over the demo account', () => {
  it('fail exactly the planted AWS failures, and nothing else', () => {
    const failures = [...results].flatMap(([check, rs]) => rs.filter((r) => r.status === 'fail').map((r) => `${check} ${r.resource}`));
    expect(failures.sort()).toEqual(planted.map((p) => `${p.check} ${p.resource}`).sort());
  });

  it('judge every collected thing, each result naming its evidence', () => {
    const count = (id: string, status: string) => results.get(id)!.filter((r) => r.status === status).length;
    // The CI user and the two leavers' IAM users (demo aws-model.ts) have no console password.
    expect([count('access.mfa-cloud', 'pass'), count('access.mfa-cloud', 'not_applicable')]).toEqual([9, 3]);
    // The leaver never disabled keeps a rotated, used key; the one removed in time has an inactive key.
    expect([count('access.key-rotation', 'pass'), count('access.key-rotation', 'not_applicable')]).toEqual([11, 1]);
    expect(count('access.password-policy', 'pass')).toBe(1);
    expect(results.get('cloud.cloudtrail-enabled')!.find((r) => r.resource === 'aws.account/210987654321')!.status).toBe('pass');
    expect(count('cloud.s3-encryption-public-access', 'pass')).toBe(3);
    expect(count('cloud.admin-ports-open', 'pass')).toBe(5);
    expect(count('cloud.rds-encryption-backups', 'pass')).toBe(2);
    // Three log groups and the CloudTrail bucket (its lifecycle keeps log files seven years).
    expect(count('logging.retention', 'pass')).toBe(4);
    for (const rs of results.values()) for (const r of rs) expect(r.evidence.length, r.resource).toBeGreaterThan(0);
  });

  it('give each planted failure a reason that says what is wrong', () => {
    const reason = (check: string, resource: string) => results.get(check)!.find((r) => r.resource === resource)!.reason;
    const [root, mfa, key, trail, bucket, sg, rds, logGroup] = planted;
    expect(reason(root!.check, root!.resource)).toContain('it holds an active access key');
    expect(reason(mfa!.check, mfa!.resource)).toContain('with a password alone');
    expect(reason(key!.check, key!.resource)).toMatch(/: created 2026-05-10, due for rotation by 2026-08-08 \(90 days\)$/);
    expect(reason(trail!.check, trail!.resource)).toContain('log-file validation is off');
    expect(reason(bucket!.check, bucket!.resource)).toBe('S3 bucket demo-corp-data-exports: no public access block');
    expect(reason(sg!.check, sg!.resource)).toContain('allows port 22 (SSH) from 0.0.0.0/0');
    expect(reason(rds!.check, rds!.resource)).toBe('RDS instance reporting-replica (mysql, us-east-1): storage is not encrypted');
    expect(reason(logGroup!.check, logGroup!.resource)).toBe('log group /aws/lambda/data-export (us-east-1) keeps events only 30 days; the policy requires 365');
  });
});
