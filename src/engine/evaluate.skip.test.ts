/**
 * Incremental evaluation of checks that read across rows (scope 'population'): one that does not
 * read the clock is skipped when no row of its inputs was written since its last judged run and its
 * params are the same — even though its sources collected again — and re-runs on any change to any
 * of its inputs (a row changed, added or removed, an event stored, other params). A check that
 * reads the clock always re-runs, and one that reads it without declaring `readsNow` fails, naming
 * the declaration. Real inventory writes (the collection's upsert), on PGlite and on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { defineCheck, type AnyCheck } from '../checks/sdk/define.ts';
import { sources } from '../db/schema/sources.ts';
import { testDbKind } from '../db/testing.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import type { Row } from '../connectors/sdk/index.ts';
import { collectRows, ingestEventPage } from './collect.ts';
import { evaluateChecks, paramsHash, type ResolvedCheck } from './evaluate.ts';
import { syncSources } from './sources.ts';

const BUCKETS = 'aws.s3-buckets';
const PROTECTIONS = 'github.branch-protections';
const LOG = 'okta.system-log';

const bucket = (i: number, encryption = 'enabled'): Row => ({ name: `bucket-${i}`, region: 'us-east-1', encryption });
const protection = (i: number, adminsIncluded = true): Row => ({ repository: `acme/r${i}`, branch: 'main', adminsIncluded });
const logEvent = (i: number): Row => ({ uuid: `ev-${i}`, published: '2026-03-02T07:00:00.000Z', eventType: 'user.session.start' });

/** A population check over two resource types and a stream, counting what it reads: no clock. */
const counting = defineCheck({
  id: 'test.counting',
  title: 'Counts encrypted buckets, protected branches and sign-ins',
  description: 'One result over the whole population: its reason changes with any row it reads.',
  area: 'cloud',
  controls: ['DAT-01'],
  severity: 'low',
  inputs: { resources: [BUCKETS, PROTECTIONS], events: [LOG] },
  params: z.object({ label: z.string().default('population') }),
  async evaluate({ inputs, params }) {
    const buckets = await inputs.resources<{ encryption: string }>(BUCKETS);
    const protections = await inputs.resources<{ adminsIncluded: boolean }>(PROTECTIONS);
    const events = await inputs.events(LOG);
    const encrypted = buckets.filter((b) => b.data.encryption === 'enabled').length;
    const strict = protections.filter((p) => p.data.adminsIncluded).length;
    return [{ resource: 'test/population', status: 'pass', reason: `${params.label}: ${encrypted}/${buckets.length} encrypted, ${strict}/${protections.length} strict, ${events.length} events`, evidence: [] }];
  },
});

const timed = defineCheck({
  ...counting,
  id: 'test.timed',
  title: 'Counts buckets as of now',
  readsNow: true,
  async evaluate({ inputs, now }) {
    const buckets = await inputs.resources(BUCKETS);
    return [{ resource: 'test/population', status: 'pass', reason: `${buckets.length} buckets at ${now.toISOString()}`, evidence: [] }];
  },
});

const resolve = (check: AnyCheck, overrides: Record<string, unknown> = {}): ResolvedCheck => {
  const params = check.params.parse(overrides);
  return { check, params, paramsHash: paramsHash(params) };
};

let fx: EvidenceFixture;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function collect(inv: Inventory) {
  const deps = { db: fx.db, clock: fx.clock, evidence: fx.log, blobs: fx.blobs };
  await collectRows(deps, fx.workspaceId, 'aws', BUCKETS, 'name', [inv.buckets]);
  await collectRows(deps, fx.workspaceId, 'github', PROTECTIONS, 'repository', [inv.protections]);
  // Every source collected successfully again: the inputs version changes whatever was written.
  await fx.db.orm.update(sources).set({ status: 'ok', lastRunAt: fx.clock.now(), lastSuccessAt: fx.clock.now() }).where(eq(sources.workspaceId, fx.workspaceId));
}

interface Inventory {
  buckets: Row[];
  protections: Row[];
}

const first = (): Inventory => ({ buckets: range(5).map((i) => bucket(i)), protections: range(3).map((i) => protection(i)) });

async function run(checks: ResolvedCheck[]) {
  fx.clock.advance(60_000);
  const out = await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, checks, { onlyChanged: true });
  return out.map((s) => s.outcome);
}

describe(`incremental evaluation of population checks (${testDbKind()})`, () => {
  beforeEach(async () => {
    fx = await createEvidenceFixture('2026-03-02T08:00:00.000Z');
    await syncSources(fx.db.orm, fx.workspaceId, [
      { name: 'aws', type: 'aws', enabled: true, config: { region: 'us-east-1', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
      { name: 'okta', type: 'okta', enabled: true, config: { baseUrl: 'https://acme.okta.com', token: 'okta-secret-token-0123456789' } },
      { name: 'github', type: 'github', enabled: true, config: { org: 'acme', token: 'ghp_test0123456789abcdefghijklmnopqrstuv' } },
    ] as never);
    await collect(first());
    await ingestEventPage({ db: fx.db, clock: fx.clock, evidence: fx.log }, { workspaceId: fx.workspaceId, source: 'okta', stream: LOG, key: 'uuid', time: 'published' }, { rows: [logEvent(1)], cursor: null });
    fx.clock.advance(60_000);
    await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, [resolve(counting), resolve(timed)]);
  });

  afterEach(async () => {
    await fx.close();
  });

  it('skips a check that does not read the clock when its sources collected again but wrote none of its rows', async () => {
    fx.clock.advance(60_000);
    await collect(first());
    expect(await run([resolve(counting)])).toEqual(['skipped']);
    // Still nothing written since the judgement it skipped to: skipped again, its mark unmoved.
    fx.clock.advance(60_000);
    await collect(first());
    expect(await run([resolve(counting)])).toEqual(['skipped']);
  });

  it('re-runs it when any of its inputs was written: a row changed, added or removed in any type, or an event stored', async () => {
    const storeEvent = () => ingestEventPage({ db: fx.db, clock: fx.clock, evidence: fx.log }, { workspaceId: fx.workspaceId, source: 'okta', stream: LOG, key: 'uuid', time: 'published' }, { rows: [logEvent(2)], cursor: null });
    const cases: { what: string; inventory: () => Inventory; also?: () => Promise<unknown> }[] = [
      { what: 'a bucket changed', inventory: () => ({ ...first(), buckets: first().buckets.map((b, i) => (i === 2 ? bucket(2, 'not-configured') : b)) }) },
      { what: 'a protection added', inventory: () => ({ ...first(), protections: [...first().protections, protection(9)] }) },
      { what: 'a bucket removed', inventory: () => ({ ...first(), buckets: first().buckets.slice(1) }) },
      { what: 'an event stored', inventory: first, also: storeEvent },
    ];
    for (const { what, inventory, also } of cases) {
      // Back to the first inventory and judged on it, so that each case starts from a skip.
      fx.clock.advance(60_000);
      await collect(first());
      await run([resolve(counting)]);
      fx.clock.advance(60_000);
      await collect(first());
      expect(await run([resolve(counting)]), `${what}: before`).toEqual(['skipped']);
      fx.clock.advance(60_000);
      await collect(inventory());
      await also?.();
      expect(await run([resolve(counting)]), what).toEqual(['judged']);
      // That judgement is the new mark: collecting the same again writes nothing, and it is skipped.
      fx.clock.advance(60_000);
      await collect(inventory());
      expect(await run([resolve(counting)]), `${what}, then nothing new`).toEqual(['skipped']);
    }
  });

  it('re-runs it when its params changed, even with no input written', async () => {
    fx.clock.advance(60_000);
    await collect(first());
    const [summary] = await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, [resolve(counting, { label: 'edited' })], { onlyChanged: true });
    expect(summary).toMatchObject({ outcome: 'judged', changes: 1 });
  });

  it('always re-runs a check that reads the clock', async () => {
    fx.clock.advance(60_000);
    await collect(first());
    expect(await run([resolve(timed)])).toEqual(['judged']);
  });

  it('fails a check that reads now without declaring readsNow, naming the declaration', async () => {
    const sneaky = defineCheck({ ...counting, id: 'test.sneaky', evaluate: async ({ now }) => [{ resource: 'test/x', status: 'pass', reason: now.toISOString(), evidence: [] }] });
    const [summary] = await evaluateChecks({ db: fx.db, clock: fx.clock }, fx.workspaceId, [resolve(sneaky)]);
    expect(summary).toMatchObject({ outcome: 'error' });
    expect(summary!.reason).toMatch(/reads the current time \(now\) but does not declare readsNow: true/);
  });
});

describe('declaring that a check reads the clock', () => {
  it('refuses readsNow on a scope resource check, whose results depend only on their rows', () => {
    expect(() => defineCheck({ ...counting, id: 'test.r', inputs: { resources: [BUCKETS] }, scope: 'resource', readsNow: true })).toThrow(/cannot read now/);
  });
});
