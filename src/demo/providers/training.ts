/**
 * The demo company's security awareness training and policy acknowledgements, as the exports a
 * training platform and an HR e-signature tool would drop for the `training-csv` connector.
 * Derived here from the org model (its ground truth has no training facts), deterministically:
 *
 * - everyone completes "Security Awareness Onboarding" 2–20 days after starting, and acknowledges
 *   the Information Security Policy 0–5 days after starting;
 * - a yearly campaign runs 200 days before the anchor (and every 365 days before that): everyone
 *   employed then completes it within three weeks and re-acknowledges the policy within two.
 *
 * Planted (exported as `plantedTraining`): a joiner who never took the onboarding training, a
 * joiner who took it 52 days after starting, a long-time employee who skipped the last campaign,
 * and a long-time employee who skipped the last policy re-acknowledgement. Only records dated by
 * the clock's "now" are written.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Hono } from 'hono';
import { DAY_MS, type Clock } from '../../lib/clock.ts';
import { createRng } from '../org/rng.ts';
import type { DemoOrg, Person } from '../org/org.ts';
import type { DemoProvider } from './index.ts';

export const DEMO_COMPLETIONS_FILE = join('demo', 'training-completions.csv');
export const DEMO_ACKNOWLEDGEMENTS_FILE = join('demo', 'policy-acknowledgements.csv');
const POLICY = 'Information Security Policy';

interface Row {
  email: string;
  label: string;
  version: string | null;
  at: Date;
}

export interface TrainingPlanted {
  check: 'people.training' | 'people.policy-acknowledgement';
  email: string;
  what: string;
}

interface TrainingModel {
  completions: Row[];
  acknowledgements: Row[];
  planted: TrainingPlanted[];
}

const day = (ms: number) => new Date(Math.floor(ms / DAY_MS) * DAY_MS);
const iso = (d: Date) => d.toISOString().slice(0, 10);
const employedOn = (p: Person, t: Date) => p.startDate <= t && (!p.terminationDate || p.terminationDate >= t);

function derive(org: DemoOrg): TrainingModel {
  const rng = createRng(0x7a1e2);
  const anchor = day(org.anchor.getTime());
  const campaigns = [3, 2, 1, 0].map((k) => new Date(anchor.getTime() - 200 * DAY_MS - k * 365 * DAY_MS));
  const last = campaigns.at(-1)!;
  // Planted people: employed from well before to well after the anchor, each chosen once.
  const steady = (p: Person) => !p.terminationDate || p.terminationDate > org.horizon;
  const joiners = org.people.filter((p) => steady(p) && p.startDate > last && p.startDate < new Date(anchor.getTime() - 60 * DAY_MS));
  const veterans = org.people.filter((p) => steady(p) && p.startDate < new Date(anchor.getTime() - 800 * DAY_MS)).slice(6);
  const neverTrained = joiners[0]!;
  const lateTrained = joiners[1]!;
  const skippedCampaign = veterans[10]!;
  const skippedAck = veterans[25]!;

  const completions: Row[] = [];
  const acknowledgements: Row[] = [];
  for (const p of org.people) {
    const onboarding = p === lateTrained ? 52 : rng.int(2, 20);
    if (p !== neverTrained) completions.push({ email: p.email, label: 'Security Awareness Onboarding', version: null, at: new Date(p.startDate.getTime() + onboarding * DAY_MS) });
    acknowledgements.push({ email: p.email, label: POLICY, version: `v${p.startDate.getUTCFullYear()}`, at: new Date(p.startDate.getTime() + rng.int(0, 5) * DAY_MS) });
    for (const c of campaigns) {
      const done = new Date(c.getTime() + rng.int(1, 21) * DAY_MS);
      const acked = new Date(c.getTime() + rng.int(0, 14) * DAY_MS);
      if (!employedOn(p, c) || p.startDate.getTime() > c.getTime() - 7 * DAY_MS) continue;
      if (!(p === skippedCampaign && c === last) && employedOn(p, done)) completions.push({ email: p.email, label: `Annual Security Awareness ${c.getUTCFullYear()}`, version: null, at: done });
      if (!(p === skippedAck && c === last) && employedOn(p, acked)) acknowledgements.push({ email: p.email, label: POLICY, version: `v${c.getUTCFullYear()}`, at: acked });
    }
  }
  const planted: TrainingPlanted[] = [
    { check: 'people.training', email: neverTrained.email, what: `joined ${iso(neverTrained.startDate)} and never took the onboarding training` },
    { check: 'people.training', email: lateTrained.email, what: `joined ${iso(lateTrained.startDate)} and took the onboarding training 52 days later` },
    { check: 'people.training', email: skippedCampaign.email, what: `skipped the ${iso(last)} campaign; last trained more than a year ago` },
    { check: 'people.policy-acknowledgement', email: skippedAck.email, what: `did not re-acknowledge the policy in the ${iso(last)} round` },
  ];
  return { completions, acknowledgements, planted };
}

const cache = new WeakMap<DemoOrg, TrainingModel>();
function trainingOf(org: DemoOrg): TrainingModel {
  let found = cache.get(org);
  if (!found) {
    found = derive(org);
    cache.set(org, found);
  }
  return found;
}

/** The planted training and acknowledgement failures. */
export const plantedTraining = (org: DemoOrg): TrainingPlanted[] => trainingOf(org).planted;

// RFC 4180: quote only fields holding a comma, a quote or a line break; CRLF line ends.
const csvLine = (values: readonly (string | null)[]) => `${values.map((v) => (/[",\r\n]/.test(v ?? '') ? `"${(v ?? '').replace(/"/g, '""')}"` : (v ?? ''))).join(',')}\r\n`;

export function renderCompletionsCsv(org: DemoOrg, now: Date): string {
  const rows = trainingOf(org).completions.filter((r) => r.at <= now);
  return csvLine(['email', 'course', 'completed_at', 'status']) + rows.map((r) => csvLine([r.email, r.label, iso(r.at), 'Passed'])).join('');
}

export function renderAcknowledgementsCsv(org: DemoOrg, now: Date): string {
  const rows = trainingOf(org).acknowledgements.filter((r) => r.at <= now);
  return csvLine(['email', 'policy', 'version', 'acknowledged_at']) + rows.map((r) => csvLine([r.email, r.label, r.version, iso(r.at)])).join('');
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Write both exports as of the clock's now (renamed into place, as an export job should). */
export function writeDemoTrainingExports(org: DemoOrg, clock: Clock, dataDir: string): { completions: string; acknowledgements: string } {
  const completions = resolve(dataDir, DEMO_COMPLETIONS_FILE);
  const acknowledgements = resolve(dataDir, DEMO_ACKNOWLEDGEMENTS_FILE);
  writeAtomically(completions, renderCompletionsCsv(org, clock.now()));
  writeAtomically(acknowledgements, renderAcknowledgementsCsv(org, clock.now()));
  return { completions, acknowledgements };
}

export function createTrainingDemoProvider(): DemoProvider {
  let paths = { completions: resolve(DEMO_COMPLETIONS_FILE), acknowledgements: resolve(DEMO_ACKNOWLEDGEMENTS_FILE) };
  return {
    name: 'training',
    prepare(org, clock, dataDir) {
      paths = writeDemoTrainingExports(org, clock, dataDir);
    },
    app(org, clock) {
      const app = new Hono();
      const csv = { 'content-type': 'text/csv; charset=utf-8' };
      app.get('/completions.csv', (c) => c.body(renderCompletionsCsv(org, clock.now()), 200, csv));
      app.get('/acknowledgements.csv', (c) => c.body(renderAcknowledgementsCsv(org, clock.now()), 200, csv));
      return app;
    },
    source: () => ({ name: 'training', type: 'training-csv', schedule: 'PT1H', config: { completions: { path: paths.completions }, acknowledgements: { path: paths.acknowledgements } } }),
  };
}

export const trainingDemoProvider = createTrainingDemoProvider();
