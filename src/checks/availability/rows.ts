/**
 * What the availability checks read: probe results and outages (http-probe), SLO samples
 * (prometheus) and incidents (pagerduty, jira), parsed so that a connector changing shape fails
 * the check loudly (`error`) instead of letting it judge on missing fields, and each row linked to
 * the evidence that holds it.
 */
import { z } from 'zod';
import type { InputReader, ResourceInput } from '../sdk/inputs.ts';

export const PROBES = 'http-probe.probes';
export const OUTAGES = 'http-probe.outages';
export const SLO_SAMPLES = 'prometheus.slo-samples';
export const PAGERDUTY_INCIDENTS = 'pagerduty.incidents';
export const JIRA_ISSUES = 'jira.issues';

const probeRow = z.object({ target: z.string(), ok: z.boolean(), at: z.string() });
const sampleRow = z.object({ slo: z.string(), at: z.string(), ratio: z.number(), stepSeconds: z.number() });
const outageRow = z.object({ outageId: z.string(), target: z.string(), phase: z.enum(['started', 'resolved']), startedAt: z.string(), resolvedAt: z.string().nullable(), lastError: z.string().nullable() });
const pagerdutyRow = z.object({ id: z.string(), number: z.number(), title: z.string(), service: z.string(), createdAt: z.string(), resolvedAt: z.string().nullable(), htmlUrl: z.string() });
const jiraRow = z.object({ key: z.string(), kind: z.string(), summary: z.string(), createdAt: z.string(), resolvedAt: z.string().nullable(), url: z.string() });

function parse<T>(schema: z.ZodType<T>, what: string, key: string, data: unknown): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  throw new Error(`stored ${what} row ${key} does not have the fields this check reads: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

const evidenceOf = (row: { evidenceId: string | null }) => (row.evidenceId ? [row.evidenceId] : []);

export interface Observation {
  /** Start of the time it stands for (ms). */
  at: number;
  /** Share of that time the service was up, 0–1. */
  up: number;
  evidence: string[];
  source: string;
}

/** Probe results per target, oldest first. */
export async function readProbes(inputs: InputReader, since: Date, until: Date): Promise<Map<string, Observation[]>> {
  const out = new Map<string, Observation[]>();
  for (const e of await inputs.events(PROBES, { since, until })) {
    const p = parse(probeRow, PROBES, e.key, e.data);
    const list = out.get(p.target) ?? [];
    list.push({ at: e.occurredAt.getTime(), up: p.ok ? 1 : 0, evidence: evidenceOf(e), source: e.source });
    out.set(p.target, list);
  }
  return out;
}

export interface Sample extends Observation {
  stepMs: number;
}

/** SLO samples per SLO, oldest first; a sample at `t` covers the step ending at `t`. */
export async function readSamples(inputs: InputReader, since: Date, until: Date): Promise<Map<string, Sample[]>> {
  const out = new Map<string, Sample[]>();
  for (const e of await inputs.events(SLO_SAMPLES, { since, until })) {
    const s = parse(sampleRow, SLO_SAMPLES, e.key, e.data);
    const stepMs = s.stepSeconds * 1000;
    const list = out.get(s.slo) ?? [];
    list.push({ at: e.occurredAt.getTime() - stepMs, up: s.ratio, stepMs, evidence: evidenceOf(e), source: e.source });
    out.set(s.slo, list);
  }
  return out;
}

export interface Outage {
  outageId: string;
  target: string;
  startedAt: Date;
  resolvedAt: Date | null;
  lastError: string | null;
  source: string;
  evidence: string[];
}

/** Outages that started since `since`, one per outageId (its started and resolved events merged). */
export async function readOutages(inputs: InputReader, since: Date, until: Date): Promise<Outage[]> {
  const byId = new Map<string, Outage>();
  // An outage is announced a few probes after it starts: read a little before `since` too.
  for (const e of await inputs.events(OUTAGES, { since: new Date(since.getTime() - 86_400_000), until })) {
    const o = parse(outageRow, OUTAGES, e.key, e.data);
    const found = byId.get(o.outageId) ?? { outageId: o.outageId, target: o.target, startedAt: new Date(o.startedAt), resolvedAt: null, lastError: o.lastError, source: e.source, evidence: [] };
    if (o.phase === 'resolved' && o.resolvedAt) found.resolvedAt = new Date(o.resolvedAt);
    found.lastError = o.lastError ?? found.lastError;
    found.evidence.push(...evidenceOf(e));
    byId.set(o.outageId, found);
  }
  return [...byId.values()].filter((o) => o.startedAt >= since).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.target.localeCompare(b.target));
}

export interface Incident {
  /** `pagerduty.incidents/PT4KHLK`, `jira.issues/OPS-12`. */
  resource: string;
  label: string;
  createdAt: Date;
  resolvedAt: Date | null;
  url: string;
  evidence: string[];
}

const incidentFromPagerduty = (r: ResourceInput): Incident => {
  const i = parse(pagerdutyRow, PAGERDUTY_INCIDENTS, r.key, r.data);
  return { resource: `${r.type}/${r.key}`, label: `PagerDuty #${i.number} "${i.title}" (${i.service})`, createdAt: new Date(i.createdAt), resolvedAt: i.resolvedAt ? new Date(i.resolvedAt) : null, url: i.htmlUrl, evidence: evidenceOf(r) };
};

const incidentFromJira = (r: ResourceInput): Incident | undefined => {
  const i = parse(jiraRow, JIRA_ISSUES, r.key, r.data);
  if (i.kind !== 'incident') return undefined;
  return { resource: `${r.type}/${r.key}`, label: `Jira ${i.key} "${i.summary}"`, createdAt: new Date(i.createdAt), resolvedAt: i.resolvedAt ? new Date(i.resolvedAt) : null, url: i.url, evidence: evidenceOf(r) };
};

/**
 * The incidents of every incident source, and whether any incident source has been collected at
 * all (a source with no incidents yet still has a snapshot).
 */
export async function readIncidents(inputs: InputReader): Promise<{ collected: boolean; incidents: Incident[] }> {
  const collected = (await inputs.snapshots([PAGERDUTY_INCIDENTS, JIRA_ISSUES])).length > 0;
  const incidents = [
    ...(await inputs.resources(PAGERDUTY_INCIDENTS)).map(incidentFromPagerduty),
    ...(await inputs.resources(JIRA_ISSUES)).map(incidentFromJira).filter((i): i is Incident => i !== undefined),
  ];
  return { collected: collected || incidents.length > 0, incidents };
}

