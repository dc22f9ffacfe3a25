import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jira } from '../../connectors/jira/index.ts';
import { createRunContext, readResource, type Row } from '../../connectors/sdk/index.ts';
import { createTestTime } from '../../connectors/sdk/testing/index.ts';
import { DAY_MS, HOUR_MS, fixedClock } from '../../lib/clock.ts';
import { isVigilError } from '../../lib/errors.ts';
import { createDemoOrg, type DemoOrg } from '../org/org.ts';
import { startDemoServer, type DemoServer } from '../server.ts';
import { incidentsOf } from './incidents-model.ts';
import { parseJql } from './jira-jql.ts';
import { jiraProvider } from './jira.ts';
import { incidentPlanted } from './pagerduty.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const NOW = new Date(anchor.getTime() + 14 * HOUR_MS);
const demoClock = fixedClock(NOW);

let org: DemoOrg;
let server: DemoServer;

beforeAll(async () => {
  org = createDemoOrg({ anchor });
  server = await startDemoServer(org, demoClock, { providers: [jiraProvider] });
});
afterAll(() => server.close());

async function collect(config: Record<string, unknown> = {}) {
  const time = createTestTime(demoClock.now());
  const ctx = createRunContext({ connector: jira, config: { ...server.sources[0]!.config, ...config }, clock: time.clock, sleep: time.sleep });
  const rows: Row[] = [];
  const outcome = await readResource(ctx, jira.resources[0]!, (page) => void rows.push(...page));
  return { rows, outcome };
}

describe('the simulated Jira', () => {
  let rows: Row[];
  beforeAll(async () => {
    demoClock.set(NOW);
    const c = await collect({ pageSize: 4 });
    expect(c.outcome.status).toBe('complete');
    expect(c.outcome.pages).toBeGreaterThan(3);
    rows = c.rows;
  });
  const byKey = (k: string) => rows.find((r) => r.key === k)!;

  it('serves the incident tickets of P1/P2 incidents, their corrective actions and the exercise, as they stand now', () => {
    const { incidents, exercise } = incidentsOf(org);
    const tickets = incidents.filter((i) => i.ticket && i.ticket.createdAt <= NOW);
    const actions = tickets.flatMap((i) => i.ticket!.correctiveActions.filter((a) => a.createdAt <= NOW));
    expect(rows.filter((r) => r.kind === 'incident').map((r) => r.pagerdutyIncident).sort()).toEqual(tickets.map((i) => i.id).sort());
    expect(rows.filter((r) => r.kind === 'corrective-action').map((r) => r.key).sort()).toEqual(actions.map((a) => a.key).sort());
    expect(rows.filter((r) => r.kind === 'exercise').map((r) => [r.key, r.statusCategory])).toEqual([[exercise.key, 'done']]);
    expect(rows).toHaveLength(tickets.length + actions.length + 1);
    for (const r of rows) expect(jira.resources[0]!.schema.safeParse(r).success).toBe(true);
  });

  it('fills the custom fields the source config names by name and by id, with the postmortem time from the changelog', () => {
    for (const r of rows.filter((x) => x.kind === 'incident')) {
      expect(r.severity).toMatch(/^SEV[12]$/);
      const i = incidentsOf(org).incidents.find((x) => x.id === r.pagerdutyIncident)!;
      if (i.ticket!.postmortemAt && i.ticket!.postmortemAt <= NOW) {
        expect(r.postmortem).toBe(i.ticket!.postmortemUrl);
        expect(r.postmortemAt).toBe(i.ticket!.postmortemAt.toISOString());
        expect(r.rootCause).toBe(i.ticket!.rootCause);
        expect(r.status).toBe('Closed');
      }
    }
  });

  it('shows the planted facts: an incident without a postmortem, and an open corrective action past its due date', () => {
    for (const p of incidentPlanted(org)) {
      if (p.kind === 'incident-without-postmortem') expect(byKey(p.ticket)).toMatchObject({ status: 'Resolved', postmortem: null, postmortemAt: null });
      if (p.kind === 'corrective-action-overdue') {
        expect(byKey(p.action)).toMatchObject({ statusCategory: 'indeterminate', dueDate: p.dueDate, resolvedAt: null });
        expect(Date.parse(p.dueDate) + DAY_MS).toBeLessThan(NOW.getTime());
        expect((byKey(p.ticket).links as { key: string }[]).map((l) => l.key)).toContain(p.action);
      }
    }
    const openActions = rows.filter((r) => r.kind === 'corrective-action' && r.resolvedAt === null);
    const overdue = openActions.filter((r) => Date.parse(r.dueDate as string) + DAY_MS <= NOW.getTime());
    expect(overdue.map((r) => r.key)).toEqual(incidentPlanted(org).flatMap((p) => (p.kind === 'corrective-action-overdue' ? [p.action] : [])));
  });

  it('evaluates the JQL the connector sends: a narrower query returns fewer issues', async () => {
    const c = await collect({ kinds: { incident: { issueTypes: [], labels: [] }, security: { issueTypes: [], labels: [] }, change: { issueTypes: [], labels: [] }, postmortem: { issueTypes: [], labels: [] }, correctiveAction: { issueTypes: [], labels: [] }, exercise: { issueTypes: [], labels: ['ir-exercise'] } } });
    expect(c.rows.map((r) => r.kind)).toEqual(['exercise']);
    const recent = await collect({ jql: 'created >= -30d' });
    expect(recent.rows.length).toBeGreaterThan(0);
    expect(recent.rows.every((r) => Date.parse(r.createdAt as string) >= NOW.getTime() - 30 * DAY_MS)).toBe(true);
  });

  it('parses JQL as Jira would, and refuses a field it does not know', () => {
    const q = parseJql('project in ("OPS") AND (issuetype in ("Incident") OR labels in ("x")) AND NOT status = Done ORDER BY created DESC', NOW);
    const base = { key: 'OPS-1', project: 'OPS', issueType: 'Incident', labels: [], status: 'Open', statusCategory: 'new' as const, created: NOW, updated: NOW, resolved: null };
    expect(q.where(base)).toBe(true);
    expect(q.where({ ...base, status: 'Done' })).toBe(false);
    expect(q.where({ ...base, issueType: 'Task', labels: ['x'] })).toBe(true);
    expect(q.orderBy).toEqual([{ field: 'created', desc: true }]);
    expect(() => parseJql('colour = red', NOW)).toThrow("Field 'colour' does not exist");
  });

  it('refuses wrong credentials with 401 and a bad query with 400 and Jira’s message', async () => {
    const wrong = createRunContext({ connector: jira, config: { ...server.sources[0]!.config, apiToken: 'nope' } });
    const e = await readResource(wrong, jira.resources[0]!, () => {}).catch((x: unknown) => x);
    expect(isVigilError(e) && e._tag).toBe('AuthFailed');
    const bad = await collect({ jql: 'colour = red' }).catch((x: unknown) => x);
    expect(isVigilError(bad) && bad._tag).toBe('ProviderError');
    expect((bad as Error).message).toContain("Field 'colour' does not exist or you do not have permission to view it.");
  });
});
