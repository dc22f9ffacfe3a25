/**
 * Incremental evaluation: a check declared `scope: 'resource'` re-judges only the rows written
 * since its last run (and the rows their changed `belongsTo` rows point at), and must end with
 * exactly the results a full run gives on the same data. Real built-in checks, real inventory
 * writes (the collection's upsert), on PGlite and on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { defineCheck } from '../checks/sdk/define.ts';
import { mfaIdp } from '../checks/access/mfa-idp.ts';
import { branchProtection } from '../checks/change/branch-protection.ts';
import { s3EncryptionPublicAccess } from '../checks/cloud/s3-encryption-public-access.ts';
import { checkResults } from '../db/schema/check-results.ts';
import { sources } from '../db/schema/sources.ts';
import { testDbKind } from '../db/testing.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import type { Row } from '../connectors/sdk/index.ts';
import { collectRows } from './collect.ts';
import { evaluateChecks, paramsHash, type ResolvedCheck } from './evaluate.ts';
import { syncSources } from './sources.ts';

const T0 = '2026-03-02T08:00:00.000Z';

const bucket = (i: number, over: Partial<Row> = {}): Row => ({
  name: `bucket-${i}`,
  region: 'us-east-1',
  creationDate: '2025-01-01T00:00:00.000Z',
  encryption: 'enabled',
  encryptionAlgorithm: 'AES256',
  kmsKeyId: null,
  bucketKeyEnabled: false,
  publicAccessBlock: 'configured',
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
  versioning: 'Enabled',
  mfaDelete: null,
  lifecycle: 'not-configured',
  expirationDays: null,
  ...over,
});
const user = (i: number, over: Partial<Row> = {}): Row => ({
  id: `00u${i}`,
  login: `u${i}@acme.example`,
  email: `u${i}@acme.example`,
  firstName: 'U',
  lastName: String(i),
  department: null,
  status: 'ACTIVE',
  created: '2025-01-01T00:00:00.000Z',
  activated: '2025-01-01T00:00:00.000Z',
  statusChanged: null,
  deactivated: null,
  lastLogin: '2026-03-01T00:00:00.000Z',
  lastUpdated: '2026-03-01T00:00:00.000Z',
  passwordChanged: null,
  ...over,
});
const factor = (i: number, type = 'push'): Row => ({
  id: `fct${i}${type}`,
  userId: `00u${i}`,
  userLogin: `u${i}@acme.example`,
  factorType: type,
  provider: 'OKTA',
  vendorName: 'OKTA',
  status: 'ACTIVE',
  created: '2025-01-02T00:00:00.000Z',
  lastUpdated: '2025-01-02T00:00:00.000Z',
});
const repo = (i: number): Row => ({ fullName: `acme/r${i}`, name: `r${i}`, id: i, private: true, visibility: 'private', archived: false, fork: false, defaultBranch: 'main', createdAt: '2025-01-01T00:00:00.000Z', pushedAt: null, htmlUrl: `https://github.com/acme/r${i}` });
const protection = (i: number, over: Partial<Row> = {}): Row => ({
  repository: `acme/r${i}`,
  branch: 'main',
  branchExists: true,
  protected: true,
  classicProtection: true,
  rulesetIds: [],
  requiredApprovingReviews: 1,
  dismissStaleReviews: true,
  requireCodeOwnerReviews: false,
  forcePushesBlocked: true,
  deletionsBlocked: true,
  adminsIncluded: true,
  requiredStatusChecks: [],
  ...over,
});

const N = 30;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

interface Inventory {
  buckets: Row[];
  users: Row[];
  factors: Row[];
  repos: Row[];
  protections: Row[];
}

const first = (): Inventory => ({
  buckets: range(N).map((i) => bucket(i, i % 7 === 0 ? { encryption: 'not-configured', encryptionAlgorithm: null, bucketKeyEnabled: null } : {})),
  users: range(N).map((i) => user(i)),
  factors: range(N).flatMap((i) => (i % 5 === 0 ? [factor(i, 'question')] : [factor(i)])),
  repos: range(N).map((i) => repo(i)),
  protections: range(N).map((i) => protection(i, i % 6 === 0 ? { adminsIncluded: false } : {})),
});

/** A few changes of every kind: changed, new and deleted rows, and belongsTo rows changed or deleted. */
const second = (): Inventory => {
  const inv = first();
  inv.buckets[3] = bucket(3, { publicAccessBlock: 'not-configured', blockPublicAcls: null, ignorePublicAcls: null, blockPublicPolicy: null, restrictPublicBuckets: null });
  inv.buckets[7] = bucket(7); // was unencrypted, now fixed
  inv.buckets.splice(20, 1); // bucket-20 deleted
  inv.buckets.push(bucket(100, { encryption: 'not-configured', encryptionAlgorithm: null, bucketKeyEnabled: null }));
  inv.users[4] = user(4, { status: 'SUSPENDED' }); // leaves the population: its result closes
  inv.factors = inv.factors.filter((f) => f.userId !== '00u8'); // user 8 loses its only factor
  inv.factors.push(factor(10, 'webauthn')); // user 10 (a security question only) gains a strong one
  inv.protections[2] = protection(2, { forcePushesBlocked: false });
  return inv;
};

let fx: EvidenceFixture;
const checks: ResolvedCheck[] = [s3EncryptionPublicAccess, mfaIdp, branchProtection].map((check) => {
  const params = check.params.parse({});
  return { check, params, paramsHash: paramsHash(params) };
});

async function collect(inv: Inventory) {
  const deps = { db: fx.db, clock: fx.clock, evidence: fx.log, blobs: fx.blobs };
  const ws = fx.workspaceId;
  await collectRows(deps, ws, 'aws', 'aws.s3-buckets', 'name', [inv.buckets]);
  await collectRows(deps, ws, 'okta', 'okta.users', 'id', [inv.users]);
  await collectRows(deps, ws, 'okta', 'okta.factors', ['userId', 'id'], [inv.factors]);
  await collectRows(deps, ws, 'github', 'github.repositories', 'fullName', [inv.repos]);
  await collectRows(deps, ws, 'github', 'github.branch-protections', 'repository', [inv.protections]);
  await fx.db.orm.update(sources).set({ status: 'ok', lastRunAt: fx.clock.now(), lastSuccessAt: fx.clock.now() }).where(eq(sources.workspaceId, ws));
}

async function current(checkId: string) {
  const rows = await fx.db.orm
    .select({ resource: checkResults.resource, status: checkResults.status, reason: checkResults.reason })
    .from(checkResults)
    .where(and(eq(checkResults.workspaceId, fx.workspaceId), eq(checkResults.checkId, checkId), isNull(checkResults.validTo)));
  return rows.sort((a, b) => a.resource.localeCompare(b.resource));
}

describe(`incremental evaluation (${testDbKind()})`, () => {
  beforeEach(async () => {
    fx = await createEvidenceFixture(T0);
    await syncSources(fx.db.orm, fx.workspaceId, [
      { name: 'aws', type: 'aws', enabled: true, config: { region: 'us-east-1', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
      { name: 'okta', type: 'okta', enabled: true, config: { baseUrl: 'https://acme.okta.com', token: 'okta-secret-token-0123456789' } },
      { name: 'github', type: 'github', enabled: true, config: { org: 'acme', token: 'ghp_test0123456789abcdefghijklmnopqrstuv' } },
    ] as never);
    await collect(first());
    fx.clock.advance(60_000);
  });

  afterEach(async () => {
    await fx.close();
  });

  it('re-judges only the changed rows and ends with exactly the results a full run gives', async () => {
    const full = await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, checks);
    expect(full.map((s) => [s.check, s.outcome, s.results])).toEqual([
      ['cloud.s3-encryption-public-access', 'judged', N],
      ['access.mfa-idp', 'judged', N],
      ['change.branch-protection', 'judged', N],
    ]);
    fx.clock.advance(60_000);
    await collect(second());
    fx.clock.advance(60_000);

    const inc = await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, checks, { onlyChanged: true });
    expect(inc.map((s) => [s.check, s.outcome, s.incremental, s.results])).toEqual([
      // buckets 3 and 7 changed, 20 deleted (no result), 100 new
      ['cloud.s3-encryption-public-access', 'judged', true, 3],
      // user 4 suspended (no result), user 8 lost its factor, user 10 gained one
      ['access.mfa-idp', 'judged', true, 2],
      ['change.branch-protection', 'judged', true, 1],
    ]);
    const afterIncremental = await Promise.all(checks.map((c) => current(c.check.id)));
    expect(afterIncremental[0]!.find((r) => r.resource === 'aws.s3-buckets/bucket-20')).toBeUndefined();
    expect(afterIncremental[0]!.find((r) => r.resource === 'aws.s3-buckets/bucket-100')?.status).toBe('fail');
    expect(afterIncremental[1]!.find((r) => r.resource === 'okta.users/00u8')?.status).toBe('fail');
    expect(afterIncremental[1]!.find((r) => r.resource === 'okta.users/00u10')?.status).toBe('pass');
    expect(afterIncremental[1]!.find((r) => r.resource === 'okta.users/00u4')).toBeUndefined();
    expect(afterIncremental[2]!.find((r) => r.resource === 'github.repositories/acme/r2')?.status).toBe('fail');

    // A full run over the same data changes nothing: the incremental result was the full result.
    fx.clock.advance(60_000);
    const again = await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, checks);
    expect(again.map((s) => [s.check, s.incremental ?? false, s.changes])).toEqual(checks.map((c) => [c.check.id, false, 0]));
    expect(await Promise.all(checks.map((c) => current(c.check.id)))).toEqual(afterIncremental);
  });

  it('judges nothing when no row changed since the last run, keeping every result', async () => {
    await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, checks);
    const before = await current('cloud.s3-encryption-public-access');
    fx.clock.advance(60_000);
    await collect(first());
    fx.clock.advance(60_000);
    const inc = await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, checks, { onlyChanged: true });
    expect(inc.map((s) => [s.outcome, s.incremental, s.results, s.changes])).toEqual(checks.map(() => ['judged', true, 0, 0]));
    expect(await current('cloud.s3-encryption-public-access')).toEqual(before);
  });

  it('re-judges everything when a source fails: the results go stale, and the next good run is a full one', async () => {
    await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, checks);
    fx.clock.advance(60_000);
    await fx.db.orm.update(sources).set({ status: 'failing', lastError: 'AuthFailed: 401', lastErrorAt: fx.clock.now() }).where(eq(sources.name, 'aws'));
    const stale = await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, checks.slice(0, 1), { onlyChanged: true });
    expect(stale[0]).toMatchObject({ outcome: 'stale' });
    expect((await current('cloud.s3-encryption-public-access')).every((r) => r.status === 'stale')).toBe(true);
    fx.clock.advance(60_000);
    await collect(second());
    const back = await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, checks.slice(0, 1), { onlyChanged: true });
    expect(back[0]).toMatchObject({ outcome: 'judged', results: N });
    expect(back[0]!.incremental).toBeUndefined();
    expect((await current('cloud.s3-encryption-public-access')).filter((r) => r.status === 'stale')).toEqual([]);
  });

  it('fails a scope resource check that returns a result for a row it was not given, naming it', async () => {
    const liar = defineCheck({
      id: 'test.liar',
      title: 'Claims to judge each bucket on its own',
      description: 'Returns a result for a bucket it did not read.',
      area: 'cloud',
      controls: ['DAT-01'],
      severity: 'low',
      inputs: { resources: ['aws.s3-buckets'] },
      scope: 'resource',
      params: z.object({}),
      async evaluate({ inputs }) {
        const rows = await inputs.resources('aws.s3-buckets');
        return [...rows.map((r) => r.key), 'bucket-0'].filter((k, i, a) => a.indexOf(k) === i).map((k) => ({ resource: `aws.s3-buckets/${k}`, status: 'pass' as const, reason: 'fine', evidence: [] }));
      },
    });
    const resolved = [{ check: liar, params: {}, paramsHash: paramsHash({}) }];
    await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, resolved);
    fx.clock.advance(60_000);
    await collect(second());
    const [run] = await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, resolved, { onlyChanged: true });
    expect(run).toMatchObject({ outcome: 'error' });
    expect(run!.reason).toMatch(/scope 'resource' but returned a result for aws\.s3-buckets\/bucket-0/);
  });
});

describe('declaring a check scope', () => {
  const base = { title: 't', description: 'd', area: 'cloud' as const, controls: ['DAT-01'], severity: 'low' as const, params: z.object({}), evaluate: async () => [] };
  it('refuses scope resource over events, and belongsTo naming a type the check does not read', () => {
    expect(() => defineCheck({ ...base, id: 'test.a', inputs: { resources: ['x.rows'], events: ['x.log'] }, scope: 'resource' })).toThrow(/cannot read events/);
    expect(() => defineCheck({ ...base, id: 'test.b', inputs: { resources: ['x.rows'] }, scope: 'resource', belongsTo: { 'x.other': { to: 'x.rows', by: 'rowId' } } })).toThrow(/not one of its resource inputs/);
    expect(() => defineCheck({ ...base, id: 'test.c', inputs: { resources: ['x.rows', 'x.parts'] }, belongsTo: { 'x.parts': { to: 'x.rows', by: 'rowId' } } })).toThrow(/only means something with scope 'resource'/);
  });
});
