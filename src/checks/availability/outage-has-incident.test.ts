import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outageEventSchema } from '../../connectors/http-probe/events/outages.ts';
import { issueSchema } from '../../connectors/jira/resources/issues.ts';
import { incidentSchema } from '../../connectors/pagerduty/resources/incidents.ts';
import { resourceSnapshots } from '../../db/schema/resource-snapshots.ts';
import { seed, type Seeded } from '../access/hr-test-data.ts';
import type { CheckResult } from '../sdk/define.ts';
import { outageHasIncident } from './outage-has-incident.ts';

let store: Seeded;
beforeAll(async () => {
  store = await seed({ slug: 'outages' });
});
afterAll(() => store.close());
let ws = 0;
const workspace = () => seed({ db: store.db, slug: `outages-${++ws}` });

/** The started (and, when ended, resolved) events of one outage, as http-probe writes them. */
function outage(target: string, startedAt: string, seenAt: string, resolvedAt: string | null) {
  const outageId = `${target}@${startedAt}`;
  const started = { id: `${outageId}/started`, outageId, target, phase: 'started', at: seenAt, startedAt, resolvedAt: null, failedProbes: 2, lastError: 'connection refused', durationSeconds: null };
  const rows = [outageEventSchema.parse(started)];
  if (resolvedAt) {
    rows.push(outageEventSchema.parse({ ...started, id: `${outageId}/resolved`, phase: 'resolved', at: resolvedAt, resolvedAt, failedProbes: 5, durationSeconds: (Date.parse(resolvedAt) - Date.parse(startedAt)) / 1000 }));
  }
  return rows;
}

const probe = (target: string, at: string) => ({ id: `${target}@${at}`, target, type: 'http', endpoint: `https://${target}.example.com/`, at, ok: true, latencyMs: 30, statusCode: 200, error: null });

function pagerduty(id: string, number: number, createdAt: string, resolvedAt: string | null) {
  return incidentSchema.parse({
    id,
    number,
    title: 'API returning 503',
    status: resolvedAt ? 'resolved' : 'triggered',
    urgency: 'high',
    priority: 'P1',
    service: 'api',
    serviceId: 'PSVC01',
    escalationPolicy: 'Platform',
    teams: ['Platform'],
    createdAt,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt,
    resolvedBy: null,
    timeline: [],
    notes: [],
    htmlUrl: `https://acme.pagerduty.com/incidents/${id}`,
  });
}

function jira(key: string, kind: string, createdAt: string) {
  return issueSchema.parse({
    key,
    id: key.replace(/\D/g, ''),
    project: 'OPS',
    issueType: kind === 'incident' ? 'Incident' : 'Task',
    kind,
    summary: 'Checkout down',
    status: 'Open',
    statusCategory: 'new',
    priority: null,
    severity: null,
    labels: [],
    assignee: null,
    assigneeAccountId: null,
    reporter: null,
    createdAt,
    updatedAt: createdAt,
    resolvedAt: null,
    resolution: null,
    dueDate: null,
    statusHistory: [],
    links: [],
    rootCause: null,
    postmortem: null,
    postmortemAt: null,
    pagerdutyIncident: null,
    approvals: [],
    url: `https://acme.atlassian.net/browse/${key}`,
  });
}

const NOW = '2026-03-10T12:00:00Z';
const summary = (results: CheckResult[]) => results.map((r) => [r.resource, r.status, r.reason]);

describe('availability.outage-has-incident', () => {
  it('passes outages covered by a PagerDuty or Jira incident, fails the one without, and waits out the grace period', async () => {
    const s = await workspace();
    await s.putEvents('http-probe.outages', 'probes', 'id', 'at', [
      ...outage('api', '2026-03-01T10:00:00.000Z', '2026-03-01T10:01:00.000Z', '2026-03-01T10:40:00.000Z'),
      ...outage('checkout', '2026-03-02T08:00:00.000Z', '2026-03-02T08:01:00.000Z', '2026-03-02T08:20:00.000Z'),
      ...outage('web', '2026-03-05T22:00:00.000Z', '2026-03-05T22:01:00.000Z', '2026-03-05T22:30:00.000Z'),
      ...outage('api', '2026-03-10T11:45:00.000Z', '2026-03-10T11:46:00.000Z', null),
      // Older than the 90-day lookback: not judged.
      ...outage('api', '2025-11-01T00:00:00.000Z', '2025-11-01T00:01:00.000Z', '2025-11-01T00:10:00.000Z'),
    ]);
    await s.putEvents('http-probe.probes', 'probes', 'id', 'at', [probe('api', '2026-03-10T11:59:00.000Z'), probe('docs', '2026-03-10T11:59:00.000Z')]);
    // Opened 20 minutes into the api outage; a Jira incident filed an hour after checkout recovered;
    // a Jira task at the time of the web outage is not an incident.
    await s.put('pagerduty.incidents', 'pagerduty', 'id', [pagerduty('PT4KHLK', 1042, '2026-03-01T10:20:00Z', '2026-03-01T11:00:00Z')]);
    await s.put('jira.issues', 'jira', 'key', [jira('OPS-7', 'incident', '2026-03-02T09:20:00Z'), jira('OPS-8', 'other', '2026-03-05T22:05:00Z')]);
    const results = await s.run(outageHasIncident, NOW);
    expect(summary(results)).toEqual([
      ['http-probe.outages/api@2026-03-01T10:00:00.000Z', 'pass', 'outage of api from 2026-03-01 10:00 UTC (40 min, until 2026-03-01 10:40 UTC) was handled as PagerDuty #1042 "API returning 503" (api)'],
      ['http-probe.outages/checkout@2026-03-02T08:00:00.000Z', 'pass', 'outage of checkout from 2026-03-02 08:00 UTC (20 min, until 2026-03-02 08:20 UTC) was handled as Jira OPS-7 "Checkout down"'],
      ['http-probe.outages/web@2026-03-05T22:00:00.000Z', 'fail', 'outage of web from 2026-03-05 22:00 UTC (30 min, until 2026-03-05 22:30 UTC) (connection refused) has no incident in PagerDuty or Jira'],
      ['http-probe.outages/api@2026-03-10T11:45:00.000Z', 'pass', 'outage of api from 2026-03-10 11:45 UTC (still ongoing): no incident yet; one is expected by 2026-03-10 12:15 UTC'],
      ['http-probe.probes/docs', 'pass', 'docs had no outage in the last 90 d'],
    ]);
    expect(results[4]!.details).toEqual({ target: 'docs', lastProbedAt: '2026-03-10T11:59:00.000Z' });
    expect(results[0]!.evidence).toEqual(['ev-http-probe.outages-api@2026-03-01T10:00:00.000Z/started', 'ev-http-probe.outages-api@2026-03-01T10:00:00.000Z/resolved', 'ev-pagerduty.incidents-PT4KHLK']);
    expect(results[2]!.status === 'fail' && results[2]!.remediation).toContain('Open an incident for the web outage of 2026-03-05 22:00 UTC');
    // After the grace period, the ongoing outage fails too.
    const later = await s.run(outageHasIncident, '2026-03-10T12:16:00Z');
    expect(later.find((r) => r.resource.endsWith('2026-03-10T11:45:00.000Z'))?.status).toBe('fail');
  });

  it('matches only incidents within the window around the outage', async () => {
    const s = await workspace();
    await s.putEvents('http-probe.outages', 'probes', 'id', 'at', outage('api', '2026-03-01T10:00:00.000Z', '2026-03-01T10:01:00.000Z', '2026-03-01T10:30:00.000Z'));
    // Resolved 31 minutes before the outage began, and opened 2 h 1 min after it ended: both outside.
    await s.put('pagerduty.incidents', 'pagerduty', 'id', [pagerduty('PEARLY', 1, '2026-03-01T09:00:00Z', '2026-03-01T09:29:00Z'), pagerduty('PLATE', 2, '2026-03-01T12:31:00Z', null)]);
    expect((await s.run(outageHasIncident, NOW))[0]!.status).toBe('fail');
    const wider = await s.run(outageHasIncident, NOW, { after: 'PT3H' });
    expect(wider[0]!.reason).toContain('was handled as PagerDuty #2');
  });

  it('is not applicable for outages while no incident source is collected, and judges once one is, even with no incidents', async () => {
    const s = await workspace();
    await s.putEvents('http-probe.outages', 'probes', 'id', 'at', outage('api', '2026-03-01T10:00:00.000Z', '2026-03-01T10:01:00.000Z', '2026-03-01T10:30:00.000Z'));
    expect(summary(await s.run(outageHasIncident, NOW))).toEqual([
      ['http-probe.outages/api@2026-03-01T10:00:00.000Z', 'not_applicable', 'outage of api from 2026-03-01 10:00 UTC (30 min, until 2026-03-01 10:30 UTC): no incident source (PagerDuty or Jira) is collected, so whether it was handled as an incident cannot be seen'],
    ]);
    await store.db.orm.insert(resourceSnapshots).values({ workspaceId: s.workspaceId, source: 'pagerduty', type: 'pagerduty.incidents', evidenceId: 'ev-snap', collectedAt: new Date(NOW), rows: 0, complete: true });
    expect((await s.run(outageHasIncident, NOW))[0]!.status).toBe('fail');
  });
});
