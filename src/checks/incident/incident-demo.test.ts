/**
 * The demo organization's PagerDuty and Jira, collected by the real connectors from the simulated
 * providers and judged by the incident checks: the failures are exactly the ones the simulator
 * planted for incidents, and nothing else fails — on the anchor day and three weeks later, as the
 * company keeps living.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, fixedClock } from '../../lib/clock.ts';
import { jira } from '../../connectors/jira/index.ts';
import { pagerduty } from '../../connectors/pagerduty/index.ts';
import { createRunContext, readResource, type AnyConnector } from '../../connectors/sdk/index.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { resources } from '../../db/schema/resources.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createDemoOrg, type DemoOrg } from '../../demo/org/org.ts';
import { incidentPlantedBy, pagerdutyProvider } from '../../demo/providers/pagerduty.ts';
import { jiraProvider } from '../../demo/providers/jira.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import type { AnyCheck, CheckResult } from '../sdk/define.ts';
import { createInputReader } from '../sdk/inputs.ts';
import { ackResolveSla } from './ack-resolve-sla.ts';
import { irExercise } from './ir-exercise.ts';
import { postmortem } from './postmortem.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const checks: AnyCheck[] = [ackResolveSla, postmortem, irExercise];

describe('the incident checks over the demo organization', () => {
  let db: TestDb;
  let server: DemoServer;
  let org: DemoOrg;
  const clock = fixedClock(anchor);

  /** What the collection engine does with each page, minus the evidence log; then every check. */
  async function judgeAt(now: Date): Promise<Map<string, CheckResult[]>> {
    clock.set(now);
    const ws = await createWorkspaceRepo(db.orm).ensure(`demo-incidents-${now.getTime()}`, 'Demo incidents');
    for (const [connector, source] of [
      [pagerduty, server.sources.find((s) => s.type === 'pagerduty')!],
      [jira, server.sources.find((s) => s.type === 'jira')!],
    ] as [AnyConnector, (typeof server.sources)[number]][]) {
      const ctx = createRunContext({ connector, config: source.config, clock, http: { rateLimit: { requestsPerSecond: 100_000 } } });
      for (const resource of connector.resources) {
        const outcome = await readResource(ctx, resource, async (rows) => {
          await db.orm.insert(resources).values(
            rows.map((data) => {
              const key = String(data[resource.primaryKey as string]);
              return { workspaceId: ws.id, source: source.name, type: `${connector.id}.${resource.name}`, key, data, dataHash: key, firstSeenAt: now, lastSeenAt: now, changedAt: now, evidenceId: `ev_${resource.name}_${key}` };
            }),
          );
        });
        expect(outcome.status, `${connector.id}.${resource.name}`).toBe('complete');
      }
    }
    const results = new Map<string, CheckResult[]>();
    for (const check of checks) results.set(check.id, await check.evaluate({ workspaceId: ws.id, params: check.params.parse({}), now, inputs: createInputReader(db.orm, ws.id) }));
    return results;
  }

  const failing = (results: Map<string, CheckResult[]>) => [...results].flatMap(([id, rs]) => rs.filter((r) => r.status === 'fail').map((r) => `${id} ${r.resource}`)).sort();
  const expectedAt = (t: Date) =>
    incidentPlantedBy(org, t)
      .map((f) => `${f.kind === 'incident-acknowledged-late' || f.kind === 'incident-resolved-late' ? 'incident.ack-resolve-sla' : 'incident.postmortem'} pagerduty.incidents/${f.incidentId}`)
      .sort();

  let atAnchor: Map<string, CheckResult[]>;
  const now = new Date(anchor.getTime() + 14 * HOUR_MS);

  beforeAll(async () => {
    db = await createTestDb();
    org = createDemoOrg({ anchor });
    server = await startDemoServer(org, clock, { providers: [pagerdutyProvider, jiraProvider] });
    atAnchor = await judgeAt(now);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('fails exactly the planted incident failures, and nothing else', () => {
    const expected = expectedAt(now);
    expect(expected).toHaveLength(5);
    expect(failing(atAnchor)).toEqual(expected);
  });

  it('judges the whole population: every incident of the year, every high-severity one, and the yearly exercise', () => {
    const year = atAnchor.get('incident.ack-resolve-sla')!;
    expect(year.length).toBeGreaterThanOrEqual(18);
    expect(year.filter((r) => r.status === 'pass').length).toBeGreaterThanOrEqual(year.length - 4);
    const reviewed = atAnchor.get('incident.postmortem')!;
    expect(reviewed.length).toBeGreaterThanOrEqual(8);
    for (const r of reviewed) expect(r.evidence.length, r.resource).toBeGreaterThanOrEqual(2);
    expect(atAnchor.get('incident.ir-exercise')).toEqual([expect.objectContaining({ status: 'pass' })]);
  });

  it('gives every planted failure a reason a person can act on', () => {
    const fails = [...atAnchor.values()].flat().filter((r) => r.status === 'fail');
    const reasons = fails.map((r) => r.reason).join('\n');
    expect(reasons.match(/was acknowledged \d+ min after it was triggered/g)).toHaveLength(2);
    expect(reasons).toMatch(/was resolved 31 h 30 min after it was triggered; the target is 24 h \(P2\)/);
    expect(reasons).toMatch(/\(P1, OPS-\d+\) was resolved at .* and has no postmortem/);
    expect(reasons).toMatch(/corrective action OPS-\d+ ".*" is still In Progress, past its due date 2026-03-13/);
    const overdue = fails.find((r) => /is still In Progress, past its due date 2026-03-13/.test(r.reason))!;
    expect(overdue.details).toMatchObject({ correctiveActions: expect.arrayContaining([expect.objectContaining({ status: 'In Progress', dueDate: '2026-03-13', resolvedAt: null })]) });
  });

  it('still fails exactly the planted ones three weeks later, as incidents keep arriving', async () => {
    const later = new Date(anchor.getTime() + 21 * DAY_MS + 10 * HOUR_MS);
    const results = await judgeAt(later);
    expect(failing(results)).toEqual(expectedAt(later));
    expect(results.get('incident.ack-resolve-sla')!.length).toBeGreaterThanOrEqual(atAnchor.get('incident.ack-resolve-sla')!.length);
  });
});
