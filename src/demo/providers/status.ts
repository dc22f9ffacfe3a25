/**
 * The demo company's services as the outside world sees them: the health endpoints Vigil's
 * synthetic probes request (http-probe), and a tiny Prometheus-compatible query API holding the
 * availability SLO of each service (prometheus). Both render one timeline of outages, derived here
 * from the org model (the org's ground truth has no availability facts):
 *
 * - every PagerDuty incident on the API gateway or the web app (incidents-model.ts) comes with a
 *   short outage of that service (8 minutes, starting 5 minutes before the page) — handled, and
 *   well inside the monthly error budget;
 * - planted: a 95-minute API outage 20 days before the anchor, which breaks the month's 99.9 % SLO;
 * - planted: a 50-minute API outage the night after the anchor (day + 1, 02:00 UTC) with no
 *   incident — probes running then see it fail uptime and the outage-has-incident check.
 *
 * During an outage the API answers 503 and the web app serves a maintenance page (200, but without
 * the marker a healthy page renders). What is served is the state at the clock's "now"; Prometheus
 * has no samples after now.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { DAY_MS, HOUR_MS } from '../../lib/clock.ts';
import type { DemoOrg } from '../org/org.ts';
import { incidentsOf } from './incidents-model.ts';
import type { DemoProvider } from './index.ts';

const MINUTE_MS = 60_000;

export type StatusService = 'api' | 'web';
export const DEMO_SERVICES: readonly StatusService[] = ['api', 'web'];
const SERVICE_OF_INCIDENT: Record<string, StatusService> = { 'API gateway': 'api', 'Web app': 'web' };

export interface DemoOutage {
  service: StatusService;
  start: Date;
  end: Date;
  /** The PagerDuty incident that handled it; null for the planted one without. */
  incidentId: string | null;
}

/** A failure the status timeline plants: the check that must fail and the result's resource. */
export interface StatusPlanted {
  check: 'availability.slo' | 'availability.uptime' | 'availability.outage-has-incident';
  resource: string;
  what: string;
  /** When the failure shows, for a source looking then. */
  at: Date;
  /** Probes only see it if they run during the outage; Prometheus has the history. */
  seenBy: 'prometheus' | 'probes';
}

export interface StatusModel {
  outages: DemoOutage[];
  planted: StatusPlanted[];
}

const dayOf = (d: Date) => Math.floor(d.getTime() / DAY_MS) * DAY_MS;
const month = (d: Date) => d.toISOString().slice(0, 7);

function deriveStatus(org: DemoOrg): StatusModel {
  const outages: DemoOutage[] = [];
  for (const inc of incidentsOf(org).incidents) {
    const service = SERVICE_OF_INCIDENT[inc.service.name];
    if (!service) continue;
    const start = new Date(inc.createdAt.getTime() - 5 * MINUTE_MS);
    outages.push({ service, start, end: new Date(start.getTime() + 8 * MINUTE_MS), incidentId: inc.id });
  }
  const past = { service: 'api' as const, start: new Date(dayOf(org.anchor) - 20 * DAY_MS + 14 * HOUR_MS + 10 * MINUTE_MS), end: new Date(0), incidentId: null };
  past.end = new Date(past.start.getTime() + 95 * MINUTE_MS);
  const next = { service: 'api' as const, start: new Date(dayOf(org.anchor) + DAY_MS + 2 * HOUR_MS), end: new Date(0), incidentId: null };
  next.end = new Date(next.start.getTime() + 50 * MINUTE_MS);
  outages.push(past, next);
  outages.sort((a, b) => a.start.getTime() - b.start.getTime());
  const planted: StatusPlanted[] = [
    { check: 'availability.slo', resource: `prometheus.slo-samples/api/${month(past.start)}`, what: 'a 95-minute API outage breaks the month’s 99.9 % SLO', at: past.end, seenBy: 'prometheus' },
    { check: 'availability.slo', resource: `prometheus.slo-samples/api/${month(next.start)}`, what: 'a 50-minute API outage exhausts the month’s error budget', at: next.end, seenBy: 'prometheus' },
    { check: 'availability.uptime', resource: `http-probe.probes/api/${month(next.start)}`, what: 'probes see the API down for 50 minutes, beyond the month’s error budget', at: next.end, seenBy: 'probes' },
    {
      check: 'availability.outage-has-incident',
      resource: `http-probe.outages/api@${next.start.toISOString()}`,
      what: 'the 50-minute API outage has no incident (with probes on whole minutes)',
      at: new Date(next.start.getTime() + 30 * MINUTE_MS),
      seenBy: 'probes',
    },
  ];
  return { outages, planted };
}

const cache = new WeakMap<DemoOrg, StatusModel>();

export function statusOf(org: DemoOrg): StatusModel {
  let found = cache.get(org);
  if (!found) {
    found = deriveStatus(org);
    cache.set(org, found);
  }
  return found;
}

/** The planted availability failures. */
export const plantedStatus = (org: DemoOrg): StatusPlanted[] => statusOf(org).planted;

export function isDown(model: StatusModel, service: StatusService, t: Date): boolean {
  return model.outages.some((o) => o.service === service && o.start <= t && t < o.end);
}

/** Share of (from, to] the service was up. */
export function upFraction(model: StatusModel, service: StatusService, from: number, to: number): number {
  let down = 0;
  for (const o of model.outages) {
    if (o.service !== service) continue;
    down += Math.max(0, Math.min(to, o.end.getTime()) - Math.max(from, o.start.getTime()));
  }
  return 1 - down / (to - from);
}

// ---- the health endpoints ----

export const statusProvider: DemoProvider = {
  name: 'status',
  app(org, clock) {
    const model = statusOf(org);
    const app = new Hono();
    app.get('/api/healthz', (c) => (isDown(model, 'api', clock.now()) ? c.json({ status: 'unavailable', reason: 'upstream connection pool exhausted' }, 503) : c.json({ status: 'ok' })));
    app.get('/web/', (c) =>
      c.html(
        isDown(model, 'web', clock.now())
          ? '<!doctype html><title>Demo Corp</title><h1>We will be right back</h1><p>Scheduled maintenance.</p>'
          : '<!doctype html><title>Demo Corp</title><div id="app" data-app-ready>Demo Corp</div>',
      ),
    );
    return app;
  },
  source(baseUrl) {
    const u = new URL(baseUrl);
    return {
      name: 'status-probes',
      type: 'http-probe',
      schedule: 'PT5M',
      config: {
        targets: [
          { name: 'api', url: `${baseUrl}/api/healthz`, bodyContains: '"ok"', maxLatencyMs: 2000 },
          { name: 'web', url: `${baseUrl}/web/`, bodyContains: 'data-app-ready' },
          // The demo's own port stands in for the database: a TCP connect.
          { name: 'db', type: 'tcp', host: u.hostname, port: Number(u.port) },
        ],
      },
    };
  },
};

// ---- a tiny Prometheus ----

/** `avg_over_time(probe_success{job="blackbox",service="api"}[1h])` and `probe_success{…}`. */
const QUERY = /^\s*(?:avg_over_time\(\s*)?probe_success\{([^}]*)\}(?:\[(\d+)([smhd])\]\s*\))?\s*$/;
const UNIT_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

interface Parsed {
  service: StatusService;
  /** The range averaged over, in ms; 0 for the instant value. */
  rangeMs: number;
}

function parseQuery(q: string): Parsed | string {
  const m = QUERY.exec(q);
  if (!m) return `1:1: parse error: the demo Prometheus knows only probe_success{service="…"} and avg_over_time(probe_success{service="…"}[<range>]), not ${JSON.stringify(q)}`;
  const service = /service="([^"]*)"/.exec(m[1]!)?.[1];
  if (!service || !(DEMO_SERVICES as readonly string[]).includes(service)) return `unknown service ${JSON.stringify(service ?? '')}: the demo has ${DEMO_SERVICES.join(', ')}`;
  return { service: service as StatusService, rangeMs: m[2] ? Number(m[2]) * UNIT_S[m[3]!]! * 1000 : 0 };
}

/** A time as Prometheus takes it: RFC 3339 or Unix seconds. */
function parseTime(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  const t = Number.isFinite(n) ? n * 1000 : Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function parseStep(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return n > 0 ? n * 1000 : undefined;
  const m = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(v);
  return m ? Number(m[1]) * UNIT_S[m[2]!]! * 1000 : undefined;
}

const promError = (c: Context, status: 400 | 422, errorType: string, error: string) => c.json({ status: 'error', errorType, error }, status);

/** Go's shortest float formatting, as Prometheus writes sample values. */
const value = (x: number) => String(Math.round(x * 1e12) / 1e12);

function sampleAt(org: DemoOrg, model: StatusModel, p: Parsed, t: number): number | undefined {
  // No history before the company's monitoring began.
  if (t - p.rangeMs < org.periodStart.getTime()) return undefined;
  if (p.rangeMs === 0) return isDown(model, p.service, new Date(t)) ? 0 : 1;
  return upFraction(model, p.service, t - p.rangeMs, t);
}

export const prometheusDemoProvider: DemoProvider = {
  name: 'prometheus',
  app(org, clock) {
    const model = statusOf(org);
    const app = new Hono();
    app.get('/api/v1/query', (c) => {
      const p = parseQuery(c.req.query('query') ?? '');
      if (typeof p === 'string') return promError(c, 400, 'bad_data', p);
      const now = clock.now().getTime();
      const t = parseTime(c.req.query('time')) ?? now;
      const v = t <= now ? sampleAt(org, model, p, t) : undefined;
      const metric = { job: 'blackbox', service: p.service };
      return c.json({ status: 'success', data: { resultType: 'vector', result: v === undefined ? [] : [{ metric, value: [t / 1000, value(v)] }] } });
    });
    app.get('/api/v1/query_range', (c) => {
      const p = parseQuery(c.req.query('query') ?? '');
      if (typeof p === 'string') return promError(c, 400, 'bad_data', p);
      const start = parseTime(c.req.query('start'));
      const end = parseTime(c.req.query('end'));
      const step = parseStep(c.req.query('step'));
      if (start === undefined) return promError(c, 400, 'bad_data', 'invalid parameter "start": cannot parse to a valid timestamp');
      if (end === undefined) return promError(c, 400, 'bad_data', 'invalid parameter "end": cannot parse to a valid timestamp');
      if (step === undefined) return promError(c, 400, 'bad_data', 'invalid parameter "step": cannot parse to a valid duration');
      if (end < start) return promError(c, 400, 'bad_data', 'end timestamp must not be before start time');
      if ((end - start) / step > 11_000) return promError(c, 400, 'bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      const now = clock.now().getTime();
      const values: [number, string][] = [];
      for (let t = start; t <= Math.min(end, now); t += step) {
        const v = sampleAt(org, model, p, t);
        if (v !== undefined) values.push([t / 1000, value(v)]);
      }
      const metric = p.rangeMs ? { job: 'blackbox', service: p.service } : { __name__: 'probe_success', job: 'blackbox', service: p.service };
      return c.json({ status: 'success', data: { resultType: 'matrix', result: values.length ? [{ metric, values }] : [] } });
    });
    return app;
  },
  source: (baseUrl) => ({
    name: 'prometheus',
    type: 'prometheus',
    schedule: 'PT1H',
    config: {
      baseUrl,
      slos: DEMO_SERVICES.map((s) => ({ name: s, query: `avg_over_time(probe_success{job="blackbox",service="${s}"}[1h])` })),
      step: 'PT1H',
      lookbackDays: 70,
    },
  }),
};
