/**
 * The incident checks through the engine, as `vigil collect && vigil check` runs them on the demo:
 * the PagerDuty and Jira sources collected by collectSource (with evidence), the checks judged by
 * evaluateChecks, results stored — and when the Jira source starts failing, the checks that need
 * Jira turn stale rather than keep passing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../lib/clock.ts';
import { createDemoOrg, type DemoOrg } from '../../demo/org/org.ts';
import { incidentPlantedBy, pagerdutyProvider } from '../../demo/providers/pagerduty.ts';
import { jiraProvider } from '../../demo/providers/jira.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { collectSource } from '../../engine/collect.ts';
import { evaluateChecks, paramsHash, type ResolvedCheck } from '../../engine/evaluate.ts';
import { currentResults } from '../../engine/results.ts';
import { syncSources } from '../../engine/sources.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../../evidence/testing.ts';
import { ackResolveSla } from './ack-resolve-sla.ts';
import { irExercise } from './ir-exercise.ts';
import { postmortem } from './postmortem.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const resolved: ResolvedCheck[] = [ackResolveSla, postmortem, irExercise].map((check) => {
  const params = check.params.parse({});
  return { check, params, paramsHash: paramsHash(params) };
});

describe('the incident checks through the engine', () => {
  let f: EvidenceFixture;
  let org: DemoOrg;
  let server: DemoServer;
  const deps = () => ({ db: f.db, clock: f.clock, evidence: f.log, blobs: f.blobs });
  const collectAll = async () => {
    for (const s of server.sources) await collectSource(deps(), f.workspaceId, { ...s, http: { requestsPerSecond: 1000 } });
  };

  beforeAll(async () => {
    f = await createEvidenceFixture(new Date(anchor.getTime() + 14 * HOUR_MS).toISOString());
    org = createDemoOrg({ anchor });
    server = await startDemoServer(org, f.clock, { providers: [pagerdutyProvider, jiraProvider] });
    await syncSources(f.db.orm, f.workspaceId, server.sources);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await f?.close();
  });

  it('collects both sources with evidence and stores exactly the planted failures as failing results', async () => {
    await collectAll();
    const summaries = await evaluateChecks({ db: f.db, clock: f.clock }, f.workspaceId, resolved);
    expect(summaries.map((s) => [s.check, s.outcome])).toEqual([
      ['incident.ack-resolve-sla', 'judged'],
      ['incident.postmortem', 'judged'],
      ['incident.ir-exercise', 'judged'],
    ]);
    const failing: string[] = [];
    for (const r of resolved) {
      for (const row of await currentResults(f.db.orm, f.workspaceId, r.check.id)) {
        expect(row.evidence.length, `${r.check.id} ${row.resource}`).toBeGreaterThan(0);
        if (row.status === 'fail') failing.push(`${r.check.id} ${row.resource}`);
      }
    }
    const expected = incidentPlantedBy(org, f.clock.now()).map(
      (p) => `${p.kind === 'incident-acknowledged-late' || p.kind === 'incident-resolved-late' ? 'incident.ack-resolve-sla' : 'incident.postmortem'} pagerduty.incidents/${p.incidentId}`,
    );
    expect(failing.sort()).toEqual(expected.sort());
  });

  it('turns the checks that need Jira stale, never pass, when the Jira source starts failing', async () => {
    f.clock.advance(HOUR_MS);
    server.breakProvider('jira', { status: 401, body: JSON.stringify({ errorMessages: ['Client must be authenticated to access this resource.'], errors: {} }) });
    await collectAll();
    server.breakProvider('jira', null);
    const summaries = await evaluateChecks({ db: f.db, clock: f.clock }, f.workspaceId, resolved);
    expect(Object.fromEntries(summaries.map((s) => [s.check, s.outcome]))).toEqual({
      'incident.ack-resolve-sla': 'judged',
      'incident.postmortem': 'stale',
      'incident.ir-exercise': 'stale',
    });
    const exercise = await currentResults(f.db.orm, f.workspaceId, 'incident.ir-exercise');
    expect(exercise.map((r) => r.status)).toEqual(['stale']);
    expect(exercise[0]!.reason).toContain('Client must be authenticated');
  });
});
