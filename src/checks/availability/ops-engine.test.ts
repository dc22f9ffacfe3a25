/**
 * The availability and people checks through the engine, as the demo runs them: the status probes
 * collected by collectSource every five minutes through the night after the anchor (the outage
 * state carried in the stored cursor), then Prometheus, PagerDuty, the HR export and the training
 * exports; every check judged by evaluateChecks with evidence behind each result — and exactly the
 * planted failures failing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoOrg } from '../../demo/org/org.ts';
import { createHrCsvDemoProvider } from '../../demo/providers/hr.ts';
import { pagerdutyProvider } from '../../demo/providers/pagerduty.ts';
import { plantedStatus, prometheusDemoProvider, statusProvider } from '../../demo/providers/status.ts';
import { createTrainingDemoProvider, plantedTraining } from '../../demo/providers/training.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { collectSource } from '../../engine/collect.ts';
import { evaluateChecks, paramsHash, type ResolvedCheck } from '../../engine/evaluate.ts';
import { currentResults } from '../../engine/results.ts';
import { syncSources } from '../../engine/sources.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../../evidence/testing.ts';
import { policyAcknowledgement } from '../people/policy-acknowledgement.ts';
import { training } from '../people/training.ts';
import { outageHasIncident } from './outage-has-incident.ts';
import { slo } from './slo.ts';
import { uptime } from './uptime.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const org = createDemoOrg({ anchor });
const checks = [uptime, slo, outageHasIncident, training, policyAcknowledgement];
const resolved: ResolvedCheck[] = checks.map((check) => {
  const params = check.params.parse({});
  return { check, params, paramsHash: paramsHash(params) };
});

let f: EvidenceFixture;
let server: DemoServer;
const dir = mkdtempSync(join(tmpdir(), 'vigil-ops-engine-'));

beforeAll(async () => {
  f = await createEvidenceFixture('2026-11-27T01:00:00.000Z');
  server = await startDemoServer(org, f.clock, {
    providers: [statusProvider, prometheusDemoProvider, pagerdutyProvider, createHrCsvDemoProvider(), createTrainingDemoProvider()],
    dataDir: dir,
  });
  await syncSources(f.db.orm, f.workspaceId, server.sources);
  const deps = { db: f.db, clock: f.clock, evidence: f.log, blobs: f.blobs };
  const probes = server.sources.find((s) => s.type === 'http-probe')!;
  for (let run = 0; run < 36; run++) {
    const outcome = await collectSource(deps, f.workspaceId, probes);
    expect(outcome.status).toBe('ok');
    f.clock.advance(5 * 60_000);
  }
  for (const s of server.sources.filter((x) => x !== probes)) {
    const outcome = await collectSource(deps, f.workspaceId, { ...s, http: { requestsPerSecond: 1000 } });
    expect(outcome.status, `${s.name}: ${outcome.error ?? ''}`).toBe('ok');
  }
}, 180_000);
afterAll(async () => {
  await server?.close();
  await f?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the ops checks through the engine on the demo company', () => {
  it('judges every check, each result naming its evidence, and fails exactly what is planted', async () => {
    expect(f.clock.now().toISOString()).toBe('2026-11-27T04:00:00.000Z');
    const summaries = await evaluateChecks({ db: f.db, clock: f.clock }, f.workspaceId, resolved);
    expect(summaries.map((s) => [s.check, s.outcome])).toEqual(checks.map((c) => [c.id, 'judged']));
    const failing: string[] = [];
    for (const c of checks) {
      for (const row of await currentResults(f.db.orm, f.workspaceId, c.id)) {
        expect(row.evidence.length, `${c.id} ${row.resource}`).toBeGreaterThan(0);
        if (row.status === 'fail') failing.push(`${c.id} ${c.area === 'people' ? String((row.details as { email: string }).email) : row.resource}`);
      }
    }
    const expected = [
      ...new Set(plantedStatus(org).map((p) => `${p.check} ${p.resource}`)),
      ...plantedTraining(org).map((p) => `${p.check} ${p.email}`),
    ];
    expect(failing.sort()).toEqual(expected.sort());
  });
});
