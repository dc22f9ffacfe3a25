import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { ackResolveSla } from './ack-resolve-sla.ts';
import { createIncidentStore, pdIncident, type IncidentStore } from './test-store.ts';

const now = new Date('2026-03-01T12:00:00Z');
const T = '2026-02-10T08:00:00.000Z';

describe('incident.ack-resolve-sla', () => {
  let db: TestDb;
  let store: IncidentStore;
  beforeAll(async () => {
    db = await createTestDb();
    store = await createIncidentStore(db);
    // Exactly on both P1 targets: the targets are inclusive.
    await store.incident(pdIncident({ id: 'PA', number: 1, createdAt: T, priority: 'P1', ackMin: 15, resolveMin: 240 }));
    await store.incident(pdIncident({ id: 'PB', number: 2, createdAt: T, priority: 'P1', ackMin: 16, resolveMin: 60 }));
    await store.incident(pdIncident({ id: 'PC', number: 3, createdAt: T, priority: 'P2', ackMin: 5, resolveMin: 24 * 60 + 1 }));
    // An alert that cleared itself: resolved without acknowledgement within the response target.
    await store.incident(pdIncident({ id: 'PD', number: 4, createdAt: T, priority: null, ackMin: null, resolveMin: 20, resolvedBy: 'Checkout API' }));
    await store.incident(pdIncident({ id: 'PE', number: 5, createdAt: T, priority: null, ackMin: null, resolveMin: 45 }));
    // Open P1s: one still inside its response target, one past it.
    await store.incident(pdIncident({ id: 'PF', number: 6, createdAt: new Date(now.getTime() - 10 * 60_000).toISOString(), priority: 'P1', ackMin: null, resolveMin: null }));
    await store.incident(pdIncident({ id: 'PG', number: 7, createdAt: new Date(now.getTime() - 20 * 60_000).toISOString(), priority: 'P1', ackMin: null, resolveMin: null }));
    // Low urgency, acknowledged, open for 3 days: inside its 5-day resolution target.
    await store.incident(pdIncident({ id: 'PH', number: 8, createdAt: '2026-02-26T12:00:00.000Z', priority: null, urgency: 'low', ackMin: 200, resolveMin: null }));
    // Triggered before the 365-day window: not in the population.
    await store.incident(pdIncident({ id: 'PI', number: 9, createdAt: '2025-02-28T11:59:59.000Z', priority: 'P1', ackMin: 90 }));
    // Late on both counts.
    await store.incident(pdIncident({ id: 'PJ', number: 10, createdAt: T, priority: 'p2', ackMin: 52, resolveMin: 31.5 * 60 }));
  });
  afterAll(() => db.close());

  it('passes incidents within their targets and fails each way a target can be missed', async () => {
    const results = await store.evaluate(ackResolveSla, now);
    expect(results.map((r) => [r.resource, r.status, r.reason])).toEqual([
      ['pagerduty.incidents/PA', 'pass', '#1 "Incident 1" (P1, high urgency, Checkout API) was acknowledged after 15 min and resolved after 4 h, within the targets of 15 min and 4 h (P1)'],
      ['pagerduty.incidents/PB', 'fail', '#2 "Incident 2" (P1, high urgency, Checkout API) was acknowledged 16 min after it was triggered at 2026-02-10 08:00 UTC (by Alice Moreau); the target is 15 min (P1)'],
      ['pagerduty.incidents/PC', 'fail', '#3 "Incident 3" (P2, high urgency, Checkout API) was resolved 24 h 1 min after it was triggered; the target is 24 h (P2)'],
      ['pagerduty.incidents/PD', 'pass', '#4 "Incident 4" (high urgency, Checkout API) was resolved after 20 min without an acknowledgement, within the targets of 30 min and 48 h (high urgency)'],
      ['pagerduty.incidents/PE', 'fail', '#5 "Incident 5" (high urgency, Checkout API) was never acknowledged and was resolved 45 min after it was triggered at 2026-02-10 08:00 UTC; the response target is 30 min (high urgency)'],
      ['pagerduty.incidents/PF', 'not_applicable', '#6 "Incident 6" (P1, high urgency, Checkout API) is still open; it is judged when it is resolved or its resolution target passes at 2026-03-01 15:50 UTC'],
      ['pagerduty.incidents/PG', 'fail', '#7 "Incident 7" (P1, high urgency, Checkout API) has not been acknowledged since it was triggered at 2026-03-01 11:40 UTC, past its acknowledgement deadline 2026-03-01 11:55 UTC; the target is 15 min (P1)'],
      ['pagerduty.incidents/PH', 'not_applicable', '#8 "Incident 8" (low urgency, Checkout API) is still open, acknowledged 3 h 20 min after it was triggered; it is judged when it is resolved or its resolution target passes at 2026-03-03 12:00 UTC'],
      ['pagerduty.incidents/PJ', 'fail', '#10 "Incident 10" (p2, high urgency, Checkout API) was acknowledged 52 min after it was triggered at 2026-02-10 08:00 UTC (by Alice Moreau); the target is 30 min, and was resolved 31 h 30 min after it was triggered; the target is 24 h (P2)'],
    ]);
  });

  it('gives every failure a remediation naming the incident and the escalation policy, and the incident row as evidence', async () => {
    const results = await store.evaluate(ackResolveSla, now);
    const b = results.find((r) => r.resource === 'pagerduty.incidents/PB')!;
    expect(b.status === 'fail' && b.remediation).toBe(
      'Record in the notes of https://acme.pagerduty.com/incidents/PB why the target was missed, then check that Platform on-call reaches an on-call responder within 15 min (schedule gaps, notification rules, escalation timeout).',
    );
    expect(b.evidence).toEqual(['ev_pagerduty.incidents_PB']);
    expect(b.details).toMatchObject({ ackMinutes: 16, resolveHours: 1, target: { priority: 'P1', ackMinutes: 15, resolveHours: 4 } });
    const g = results.find((r) => r.resource === 'pagerduty.incidents/PG')!;
    expect(g.details).toMatchObject({ createdAt: '2026-03-01T11:40:00.000Z', acknowledgedAt: null, resolvedAt: null, ackMinutes: null });
    expect(g.status === 'fail' && g.remediation).toContain('resolve or downgrade the incident with a reason');
    for (const r of results) if (r.status === 'fail') expect(r.remediation.length).toBeGreaterThan(40);
  });

  it('applies the first matching target from the params, and marks incidents no target covers as not applicable', async () => {
    const results = await store.evaluate(ackResolveSla, now, { targets: [{ priority: 'P1', ackMinutes: 20, resolveHours: 8 }] });
    const status = Object.fromEntries(results.map((r) => [r.resource.split('/')[1], r.status]));
    expect(status).toMatchObject({ PA: 'pass', PB: 'pass', PF: 'not_applicable', PG: 'not_applicable' });
    expect(results.find((r) => r.resource.endsWith('/PC'))).toMatchObject({
      status: 'not_applicable',
      reason: '#3 "Incident 3" (P2, high urgency, Checkout API): no target applies to priority P2 and high urgency; add one to the check\'s targets to judge it',
    });
  });
});
