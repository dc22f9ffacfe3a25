import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { postmortem } from './postmortem.ts';
import { createIncidentStore, jiraIssue, link, pdIncident, type IncidentStore } from './test-store.ts';

const now = new Date('2026-03-01T12:00:00Z');
/** A P-priority incident resolved at `resolved` (ISO), triggered an hour before. */
const resolvedAt = (id: string, number: number, priority: string | null, resolved: string, extra: Record<string, unknown> = {}) =>
  pdIncident({ id, number, priority, createdAt: new Date(Date.parse(resolved) - 60 * 60_000).toISOString(), ackMin: 5, resolveMin: 60, ...extra });
const ticket = (key: string, pd: string | null, extra: Record<string, unknown> = {}) =>
  jiraIssue({ key, kind: 'incident', createdAt: '2026-01-20T00:00:00.000Z', pagerdutyIncident: pd, resolvedAt: '2026-01-21T00:00:00.000Z', ...extra });
const action = (key: string, due: string | null, resolved: string | null, extra: Record<string, unknown> = {}) =>
  jiraIssue({ key, kind: 'corrective-action', createdAt: '2026-01-25T00:00:00.000Z', dueDate: due, ...(resolved ? { resolvedAt: resolved } : {}), ...extra });

describe('incident.postmortem', () => {
  let db: TestDb;
  let store: IncidentStore;
  beforeAll(async () => {
    db = await createTestDb();
    store = await createIncidentStore(db);
    // PA: postmortem after 2 days; one action closed on time, one open and not yet due.
    await store.incident(resolvedAt('PA', 1, 'P1', '2026-02-10T10:00:00.000Z'));
    await store.issue(ticket('OPS-1', 'https://acme.pagerduty.com/incidents/PA', { postmortem: 'https://wiki/pm-1', postmortemAt: '2026-02-12T10:00:00.000Z', links: [link('OPS-2'), link('OPS-3')] }));
    await store.issue(action('OPS-2', '2026-02-20', '2026-02-20T23:00:00.000Z'));
    await store.issue(action('OPS-3', '2026-03-10', null));
    // PB: no postmortem, 19 days after the resolution.
    await store.incident(resolvedAt('PB', 2, 'P1', '2026-02-10T10:00:00.000Z'));
    await store.issue(ticket('OPS-4', 'PB'));
    // PC: resolved two days ago; the postmortem is not due yet.
    await store.incident(resolvedAt('PC', 3, 'P2', '2026-02-27T12:00:00.000Z'));
    // PD: postmortem 5 days and 14 hours after the resolution.
    await store.incident(resolvedAt('PD', 4, 'P2', '2026-02-01T10:00:00.000Z'));
    await store.issue(ticket('OPS-5', 'PD', { postmortem: 'https://wiki/pm-5', postmortemAt: '2026-02-07T00:00:00.000Z' }));
    // PE: P3 is not high severity; not in the population.
    await store.incident(resolvedAt('PE', 5, 'P3', '2026-02-01T10:00:00.000Z'));
    // PF: high severity and no Jira ticket names it.
    await store.incident(resolvedAt('PF', 6, 'P2', '2026-02-01T10:00:00.000Z'));
    // PG: an action open past its due date.
    await store.incident(resolvedAt('PG', 7, 'P1', '2026-02-01T10:00:00.000Z'));
    await store.issue(ticket('OPS-6', 'PG', { postmortem: 'https://wiki/pm-6', postmortemAt: '2026-02-03T10:00:00.000Z', links: [link('OPS-7')] }));
    await store.issue(action('OPS-7', '2026-02-20', null, { status: 'In Progress' }));
    // PH: P3 in PagerDuty, but its ticket says SEV-2: high severity. Postmortem at exactly 5 days.
    await store.incident(resolvedAt('PH', 8, 'P3', '2026-02-01T10:00:00.000Z'));
    await store.issue(ticket('OPS-14', 'PH', { severity: 'Sev 2', postmortem: 'pm', postmortemAt: '2026-02-06T10:00:00.000Z', links: [link('OPS-8'), link('OPS-9')] }));
    // … one action closed after its due date, one without owner or due date.
    await store.issue(action('OPS-8', '2026-02-20', '2026-02-22T09:00:00.000Z'));
    await store.issue(action('OPS-9', null, null, { assignee: null, assigneeAccountId: null }));
    // PI: still open.
    await store.incident(pdIncident({ id: 'PI', number: 9, priority: 'P1', createdAt: '2026-03-01T11:00:00.000Z', ackMin: 3, resolveMin: null }));
    // OPS-10: a Jira-only SEV-1 whose postmortem is its own issue, with the action linked from there.
    await store.issue(ticket('OPS-10', null, { severity: 'SEV-1', resolvedAt: '2026-02-01T10:00:00.000Z', links: [link('OPS-11')] }));
    await store.issue(jiraIssue({ key: 'OPS-11', kind: 'postmortem', createdAt: '2026-02-02T00:00:00.000Z', resolvedAt: '2026-02-03T10:00:00.000Z', links: [link('OPS-10'), link('OPS-12')] }));
    await store.issue(action('OPS-12', '2026-02-25', '2026-02-24T10:00:00.000Z'));
    // OPS-13: a low-priority Jira incident: not in the population.
    await store.issue(ticket('OPS-13', null, { priority: 'Low' }));
  });
  afterAll(() => db.close());

  it('judges each high-severity incident once, on its postmortem and corrective actions', async () => {
    const results = await store.evaluate(postmortem, now);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['jira.issues/OPS-10', 'pass', 'OPS-10 "Issue OPS-10" (SEV-1): postmortem (OPS-11 "Issue OPS-11") 48 h after the resolution, within 5 days; 1 corrective action closed by its due date'],
      [
        'pagerduty.incidents/PA',
        'pass',
        '#1 "Incident 1" (P1, OPS-1): postmortem (OPS-1\'s postmortem field) 48 h after the resolution, within 5 days; 1 corrective action closed by its due date; open and not yet due: OPS-3 (due 2026-03-10)',
      ],
      ['pagerduty.incidents/PB', 'fail', '#2 "Incident 2" (P1, OPS-4) was resolved at 2026-02-10 10:00 UTC and has no postmortem, past its due date 2026-02-15 10:00 UTC (due within 5 days)'],
      ['pagerduty.incidents/PC', 'not_applicable', '#3 "Incident 3" (P2) was resolved at 2026-02-27 12:00 UTC; its postmortem is due by 2026-03-04 12:00 UTC'],
      ['pagerduty.incidents/PD', 'fail', '#4 "Incident 4" (P2, OPS-5): its postmortem (OPS-5\'s postmortem field) came 5 days 14 h after the resolution, later than 5 days'],
      ['pagerduty.incidents/PF', 'fail', '#6 "Incident 6" (P2) was resolved at 2026-02-01 10:00 UTC and has no postmortem, past its due date 2026-02-06 10:00 UTC (due within 5 days); no Jira incident ticket names it'],
      ['pagerduty.incidents/PG', 'fail', '#7 "Incident 7" (P1, OPS-6): corrective action OPS-7 "Issue OPS-7" is still In Progress, past its due date 2026-02-20 (owner Ben Okafor)'],
      [
        'pagerduty.incidents/PH',
        'fail',
        '#8 "Incident 8" (P3, OPS-14): corrective action OPS-8 "Issue OPS-8" was closed on 2026-02-22, 2 days after its due date 2026-02-20; corrective action OPS-9 "Issue OPS-9" has no owner and no due date',
      ],
      ['pagerduty.incidents/PI', 'not_applicable', '#9 "Incident 9" (P1) is not resolved yet; its postmortem is due within 5 days of the resolution'],
    ]);
    // What the reasons no longer say (how long ago), the details still prove: when it was resolved, that no postmortem exists, the action's state.
    const details = (id: string) => results.find((r) => r.resource === `pagerduty.incidents/${id}`)!.details;
    expect(details('PB')).toMatchObject({ tickets: ['OPS-4'], resolvedAt: '2026-02-10T10:00:00.000Z', postmortemAt: null });
    expect(details('PF')).toMatchObject({ tickets: [], resolvedAt: '2026-02-01T10:00:00.000Z', postmortemAt: null });
    expect(details('PG')).toMatchObject({ correctiveActions: [{ key: 'OPS-7', status: 'In Progress', dueDate: '2026-02-20', resolvedAt: null }] });
  });

  it('names every row it judged as evidence and gives each failure a remediation a person can act on', async () => {
    const results = await store.evaluate(postmortem, now);
    const g = results.find((r) => r.resource === 'pagerduty.incidents/PG')!;
    expect(g.evidence).toEqual(['ev_pagerduty.incidents_PG', 'ev_jira.issues_OPS-6', 'ev_jira.issues_OPS-7']);
    expect(g.status === 'fail' && g.remediation).toBe('Close OPS-7 (https://acme.atlassian.net/browse/OPS-7) or agree a new due date with Ben Okafor and record why.');
    const b = results.find((r) => r.resource === 'pagerduty.incidents/PB')!;
    expect(b.status === 'fail' && b.remediation).toBe(
      'Hold the postmortem now — timeline, root cause, corrective actions each ticketed with an owner and a due date — and record it on OPS-4 (https://acme.atlassian.net/browse/OPS-4).',
    );
    expect(results.find((r) => r.resource === 'jira.issues/OPS-10')!.evidence).toEqual(['ev_jira.issues_OPS-10', 'ev_jira.issues_OPS-11', 'ev_jira.issues_OPS-12']);
    expect(results.find((r) => r.resource === 'pagerduty.incidents/PA')!.details).toMatchObject({ tickets: ['OPS-1'], postmortemAt: '2026-02-12T10:00:00.000Z' });
  });

  it('follows its parameters: a longer postmortem window, late closures tolerated, owners not required', async () => {
    const results = await store.evaluate(postmortem, now, { postmortemDays: 6, lateClosureFails: false, requireOwnerAndDueDate: false });
    const status = Object.fromEntries(results.map((r) => [r.resource, r.status]));
    expect(status).toMatchObject({ 'pagerduty.incidents/PD': 'pass', 'pagerduty.incidents/PH': 'pass', 'pagerduty.incidents/PG': 'fail', 'pagerduty.incidents/PB': 'fail' });
    const narrower = await store.evaluate(postmortem, now, { highSeverities: ['P1'] });
    expect(narrower.map((r) => r.resource)).toEqual(['pagerduty.incidents/PA', 'pagerduty.incidents/PB', 'pagerduty.incidents/PG', 'pagerduty.incidents/PI']);
  });
});
