import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { resourceSnapshots } from '../../db/schema/resource-snapshots.ts';
import { EXERCISE_RESOURCE, irExercise } from './ir-exercise.ts';
import { createIncidentStore, jiraIssue, type IncidentStore } from './test-store.ts';

const now = new Date('2026-03-01T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();

describe('incident.ir-exercise', () => {
  let db: TestDb;
  let store: IncidentStore;
  beforeEach(async () => {
    db ??= await createTestDb();
    store = await createIncidentStore(db);
  });
  afterAll(() => db.close());

  it('passes when the latest exercise was completed within a year, naming it and the next due date', async () => {
    await store.issue(jiraIssue({ key: 'OPS-1', kind: 'exercise', summary: 'Tabletop: ransomware', createdAt: daysAgo(500), resolvedAt: daysAgo(400) }));
    await store.issue(jiraIssue({ key: 'OPS-2', kind: 'exercise', summary: 'Tabletop: lost laptop', createdAt: daysAgo(370), resolvedAt: daysAgo(365) }));
    const results = await store.evaluate(irExercise, now);
    expect(results).toEqual([
      {
        resource: EXERCISE_RESOURCE,
        source: 'jira',
        status: 'pass',
        evidence: ['ev_jira.issues_OPS-2'],
        reason: 'OPS-2 "Tabletop: lost laptop" was completed on 2025-03-01; the next exercise is due by 2026-03-01',
        details: { latest: { key: 'OPS-2', summary: 'Tabletop: lost laptop', completedAt: daysAgo(365), url: 'https://acme.atlassian.net/browse/OPS-2' }, planned: [] },
      },
    ]);
  });

  it('fails a day later, naming the last exercise and the date the next one was due', async () => {
    await store.issue(jiraIssue({ key: 'OPS-2', kind: 'exercise', summary: 'Tabletop: lost laptop', createdAt: daysAgo(370), resolvedAt: daysAgo(366) }));
    await store.issue(jiraIssue({ key: 'OPS-3', kind: 'exercise', summary: 'Live failover drill', createdAt: daysAgo(10), dueDate: '2026-03-20' }));
    const [r] = await store.evaluate(irExercise, now);
    expect(r).toMatchObject({
      status: 'fail',
      reason: 'the last incident-response exercise, OPS-2 "Tabletop: lost laptop", was completed on 2025-02-28; one is due every 365 days, so the next was due by 2026-02-28',
      remediation:
        'Run a tabletop or live exercise of the incident response plan, record it as a Jira issue labelled ir-exercise with what was learned, resolve it, and update the plan.',
      details: {
        latest: { key: 'OPS-2', summary: 'Tabletop: lost laptop', completedAt: daysAgo(366) },
        planned: [{ key: 'OPS-3', summary: 'Live failover drill', status: 'In Progress', dueDate: '2026-03-20' }],
      },
    });
  });

  it('counts issues by the configured labels and types as well as by kind, and ignores other issues', async () => {
    await store.issue(jiraIssue({ key: 'OPS-4', kind: 'other', labels: ['Tabletop-Exercise'], createdAt: daysAgo(40), resolvedAt: daysAgo(30) }));
    await store.issue(jiraIssue({ key: 'OPS-5', kind: 'incident', createdAt: daysAgo(5), resolvedAt: daysAgo(4) }));
    expect((await store.evaluate(irExercise, now))[0]).toMatchObject({ status: 'pass', evidence: ['ev_jira.issues_OPS-4'] });
    expect((await store.evaluate(irExercise, now, { labels: [] }))[0]).toMatchObject({ status: 'fail' });
    expect((await store.evaluate(irExercise, now, { labels: [], issueTypes: ['task'] }))[0]).toMatchObject({ status: 'pass' });
  });

  it('fails with no exercise at all, judged on the Jira snapshot it searched', async () => {
    await store.issue(jiraIssue({ key: 'OPS-6', kind: 'exercise', createdAt: daysAgo(3) }));
    await db.orm.insert(resourceSnapshots).values({ workspaceId: store.workspaceId, source: 'jira', type: 'jira.issues', evidenceId: 'ev_snapshot_jira', collectedAt: now, rows: 1, complete: true });
    const [r] = await store.evaluate(irExercise, now);
    expect(r).toMatchObject({
      resource: EXERCISE_RESOURCE,
      status: 'fail',
      evidence: ['ev_snapshot_jira'],
      reason: 'no incident-response exercise completed in the last 365 days is recorded in Jira (looked for issues of the exercise kind, or labelled ir-exercise, labelled tabletop-exercise); planned but not done: OPS-6',
    });
  });
});
