/**
 * Vigil passes its own evidence retention (vigil.yaml evidence.retention) to the checks that
 * declare `evidenceRetention` (logging.retention), so a workspace keeping evidence shorter than the
 * logging policy fails — judged through the monitor, as `vigil evaluate` does.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { retention } from '../checks/logging/retention.ts';
import { defineCheck } from '../checks/sdk/define.ts';
import { checkResults } from '../db/schema/check-results.ts';
import { resources } from '../db/schema/resources.ts';
import { sources } from '../db/schema/sources.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import { createAlerter } from '../notify/index.ts';
import { configSchema } from './config/schema.ts';
import { createMonitor, withVigilParams } from './monitor.ts';

const other = defineCheck({
  id: 'test.other',
  title: 'Declares no Vigil param',
  description: 'A check without evidenceRetention.',
  area: 'logging',
  controls: ['LOG-02'],
  severity: 'low',
  inputs: { resources: ['aws.log-groups'] },
  params: z.object({ minimumDays: z.number().default(1) }),
  async evaluate() {
    return [];
  },
});

describe('withVigilParams', () => {
  it('adds evidence.retention only to checks declaring evidenceRetention, over any checks.params override, keeping the other overrides', () => {
    const config = configSchema.parse({
      evidence: { retention: { default: 'P6M', event: 'P2Y' } },
      checks: { params: { 'logging.retention': { minimumDays: 180, evidenceRetention: { default: 'P10Y' } }, 'test.other': { minimumDays: 3 } } },
    });
    expect(withVigilParams([retention, other], config)).toEqual({
      'logging.retention': { minimumDays: 180, evidenceRetention: { default: 'P6M', event: 'P2Y' } },
      'test.other': { minimumDays: 3 },
    });
  });
});

describe('logging.retention through the monitor', () => {
  let ev: EvidenceFixture;
  beforeEach(async () => {
    ev = await createEvidenceFixture('2026-03-02T09:00:00.000Z');
    const now = ev.clock.now();
    // An AWS source that has collected its log groups: one kept 400 days.
    await ev.db.orm.insert(sources).values({ workspaceId: ev.workspaceId, name: 'aws', type: 'aws', status: 'ok', lastRunAt: now, lastSuccessAt: now, provides: ['aws.log-groups'] });
    const arn = 'arn:aws:logs:us-east-1:123456789012:log-group:app';
    await ev.db.orm.insert(resources).values({
      workspaceId: ev.workspaceId,
      source: 'aws',
      type: 'aws.log-groups',
      key: arn,
      data: { arn, logGroupName: 'app', region: 'us-east-1', retentionInDays: 400 },
      dataHash: 'h1',
      firstSeenAt: now,
      lastSeenAt: now,
      changedAt: now,
      evidenceId: 'ev-log-group',
    });
  });
  afterEach(async () => {
    await ev.close();
  });

  const judge = async (retentionConfig?: Record<string, string>) => {
    const config = configSchema.parse(retentionConfig ? { evidence: { retention: retentionConfig } } : {});
    const monitor = createMonitor({
      db: ev.db,
      clock: ev.clock,
      evidence: ev.log,
      blobs: ev.blobs,
      alerts: createAlerter({ db: ev.db, clock: ev.clock, config: config.alerts }),
      config,
      checks: [retention],
    });
    const [summary] = await monitor.evaluate(ev.workspaceId, { checkIds: ['logging.retention'] });
    expect(summary).toMatchObject({ check: 'logging.retention', outcome: 'judged' });
    const rows = await ev.db.orm
      .select()
      .from(checkResults)
      .where(and(eq(checkResults.workspaceId, ev.workspaceId), eq(checkResults.checkId, 'logging.retention'), isNull(checkResults.validTo)));
    return Object.fromEntries(rows.map((r) => [r.resource, [r.status, r.reason]]));
  };

  it('fails a workspace whose evidence is kept shorter than the logging policy, naming the kind', async () => {
    expect(await judge({ default: 'P6M', 'check.result': 'P2Y' })).toEqual({
      'aws.log-groups/arn:aws:logs:us-east-1:123456789012:log-group:app': ['pass', 'log group app (us-east-1) keeps events 400 days (at least 365 required)'],
      'vigil.evidence-retention/default': ['fail', 'Vigil keeps evidence for only P6M (184 days); the policy requires 365'],
      'vigil.evidence-retention/check.result': ['pass', 'Vigil keeps check.result evidence for P2Y (731 days; at least 365 required)'],
    });
  });

  it('passes the default evidence retention (P15M)', async () => {
    expect((await judge())['vigil.evidence-retention/default']).toEqual(['pass', 'Vigil keeps evidence for P15M (457 days; at least 365 required)']);
  });
});
