import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagerduty } from '../../connectors/pagerduty/index.ts';
import { createRunContext, readResource, type Row } from '../../connectors/sdk/index.ts';
import { createTestTime } from '../../connectors/sdk/testing/index.ts';
import { DAY_MS, HOUR_MS, fixedClock } from '../../lib/clock.ts';
import { isVigilError } from '../../lib/errors.ts';
import { createDemoOrg, type DemoOrg } from '../org/org.ts';
import { startDemoServer, type DemoServer } from '../server.ts';
import { incidentsOf } from './incidents-model.ts';
import { incidentPlanted, incidentPlantedBy, pagerdutyProvider } from './pagerduty.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const NOW = new Date(anchor.getTime() + 14 * HOUR_MS);
const demoClock = fixedClock(NOW);

let org: DemoOrg;
let server: DemoServer;

beforeAll(async () => {
  org = createDemoOrg({ anchor });
  server = await startDemoServer(org, demoClock, { providers: [pagerdutyProvider] });
});
afterAll(() => server.close());

async function collect(config: Record<string, unknown> = {}) {
  const time = createTestTime(demoClock.now());
  const ctx = createRunContext({ connector: pagerduty, config: { ...server.sources[0]!.config, ...config }, clock: time.clock, sleep: time.sleep });
  const rows: Row[] = [];
  const outcome = await readResource(ctx, pagerduty.resources[0]!, (page) => void rows.push(...page));
  return { rows, outcome };
}

describe('the simulated PagerDuty', () => {
  let rows: Row[];
  beforeAll(async () => {
    demoClock.set(NOW);
    const c = await collect({ pageSize: 2 });
    expect(c.outcome.status).toBe('complete');
    expect(c.outcome.pages).toBeGreaterThanOrEqual(10);
    rows = c.rows;
  });
  const byNumber = (n: number) => rows.find((r) => r.number === n)!;

  it('serves about twenty incidents over the last year, none from the future, each valid for the connector', () => {
    const existing = incidentsOf(org).incidents.filter((i) => i.createdAt <= NOW && i.createdAt.getTime() >= NOW.getTime() - 365 * DAY_MS);
    expect(existing.length).toBeGreaterThanOrEqual(18);
    expect(rows.map((r) => r.id).sort()).toEqual(existing.map((i) => i.id).sort());
    for (const r of rows) expect(pagerduty.resources[0]!.schema.safeParse(r).success).toBe(true);
  });

  it('shows the planted late acknowledgements and the late resolution in the collected times', () => {
    const planted = incidentPlanted(org);
    expect(planted.map((p) => p.kind).sort()).toEqual(['corrective-action-overdue', 'incident-acknowledged-late', 'incident-acknowledged-late', 'incident-resolved-late', 'incident-without-postmortem']);
    for (const p of planted) {
      const r = byNumber(p.number);
      const minutes = (Date.parse(r.acknowledgedAt as string) - Date.parse(r.createdAt as string)) / 60_000;
      const hours = (Date.parse(r.resolvedAt as string) - Date.parse(r.createdAt as string)) / HOUR_MS;
      if (p.kind === 'incident-acknowledged-late') {
        expect(r.urgency).toBe('high');
        expect(Math.floor(minutes)).toBe(p.minutes);
        expect((r.timeline as { type: string }[]).map((e) => e.type)).toContain('escalate');
      }
      if (p.kind === 'incident-resolved-late') expect(hours).toBe(31.5);
      if (p.kind === 'incident-without-postmortem') expect(r.priority).toMatch(/^P[12]$/);
    }
  });

  it('keeps every other incident within its response targets', () => {
    const late = new Set(incidentPlanted(org).filter((p) => p.kind !== 'incident-without-postmortem' && p.kind !== 'corrective-action-overdue').map((p) => p.number));
    for (const r of rows.filter((x) => !late.has(x.number as number))) {
      const ackMin = r.acknowledgedAt ? (Date.parse(r.acknowledgedAt as string) - Date.parse(r.createdAt as string)) / 60_000 : null;
      const resH = r.resolvedAt ? (Date.parse(r.resolvedAt as string) - Date.parse(r.createdAt as string)) / HOUR_MS : null;
      const [ack, res] = r.priority === 'P1' ? [15, 4] : r.priority === 'P2' ? [30, 24] : r.urgency === 'high' ? [30, 48] : [240, 120];
      if (ackMin !== null) expect(ackMin, `#${r.number}`).toBeLessThanOrEqual(ack);
      else expect(resH, `#${r.number} resolved without acknowledgement`).toBeLessThanOrEqual(ack / 60);
      if (resH !== null) expect(resH, `#${r.number}`).toBeLessThanOrEqual(res);
    }
  });

  it('shows an incident as triggered, then acknowledged, then resolved as the clock moves on', async () => {
    const next = incidentsOf(org).incidents.find((i) => i.createdAt > NOW && i.acknowledgedAt)!;
    const times = [new Date(next.createdAt.getTime() + 60_000), new Date(next.acknowledgedAt!.getTime() + 60_000), new Date(next.resolvedAt.getTime() + 60_000)];
    const seen = [];
    for (const t of times) {
      demoClock.set(t);
      const c = await collect({ lookbackDays: 2 });
      seen.push(c.rows.find((r) => r.id === next.id)?.status);
    }
    demoClock.set(NOW);
    expect(seen).toEqual(['triggered', 'acknowledged', 'resolved']);
    expect(incidentPlantedBy(org, NOW)).toHaveLength(5);
    expect(incidentPlantedBy(org, org.periodStart)).toHaveLength(0);
  });

  it('refuses a wrong key with 401 and a date range over six months with 400, as PagerDuty does', async () => {
    const wrong = createRunContext({ connector: pagerduty, config: { ...server.sources[0]!.config, token: 'not-the-key' } });
    const e = await readResource(wrong, pagerduty.resources[0]!, () => {}).catch((x: unknown) => x);
    expect(isVigilError(e) && e._tag).toBe('AuthFailed');
    const res = await fetch(`${server.url}/pagerduty/incidents?since=2026-01-01T00:00:00Z&until=2026-09-01T00:00:00Z`, { headers: { authorization: `Token token=${server.sources[0]!.config.token as string}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { errors: string[] } }).error.errors[0]).toContain('Maximum date range is 6 months');
  });
});
