import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock, HOUR_MS } from '../../lib/clock.ts';
import { trainingCsv } from '../../connectors/training-csv/index.ts';
import { acknowledgementSchema } from '../../connectors/training-csv/resources/acknowledgements.ts';
import { completionSchema } from '../../connectors/training-csv/resources/completions.ts';
import { createRunContext, readResource, type Row } from '../../connectors/sdk/index.ts';
import { createDemoOrg } from '../org/org.ts';
import { startDemoServer, type DemoServer } from '../server.ts';
import { DEMO_COMPLETIONS_FILE, createTrainingDemoProvider, plantedTraining } from './training.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const now = new Date(anchor.getTime() + 10 * HOUR_MS);
const org = createDemoOrg({ anchor });
const clock = fixedClock(now);
const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-training-'));
let server: DemoServer;
const rows: Record<string, Row[]> = {};

beforeAll(async () => {
  server = await startDemoServer(org, clock, { providers: [createTrainingDemoProvider()], dataDir: dir });
  const source = server.sources.find((s) => s.type === 'training-csv')!;
  for (const resource of trainingCsv.resources) {
    const ctx = createRunContext({ connector: trainingCsv, config: source.config, clock });
    rows[resource.name] = [];
    expect((await readResource(ctx, resource, (page) => void rows[resource.name]!.push(...page))).status).toBe('complete');
    expect(ctx.gaps()).toEqual([]);
  }
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const personOf = (email: string) => org.people.find((p) => p.email === email)!;
const day = (d: Date) => d.toISOString().slice(0, 10);

describe('the demo training exports', () => {
  it('are written where the source points and read by the real connector, every row valid and none after now', () => {
    expect(readFileSync(join(dir, DEMO_COMPLETIONS_FILE), 'utf8').split('\r\n')[0]).toBe('email,course,completed_at,status');
    expect(rows.completions!.length).toBeGreaterThan(400);
    expect(rows.acknowledgements!.length).toBeGreaterThan(400);
    for (const r of rows.completions!) expect(completionSchema.safeParse(r).success).toBe(true);
    for (const r of rows.acknowledgements!) expect(acknowledgementSchema.safeParse(r).success).toBe(true);
    expect([...rows.completions!, ...rows.acknowledgements!].every((r) => String(r.completedAt ?? r.acknowledgedAt) <= day(now))).toBe(true);
  });

  it('show the planted facts: no onboarding, onboarding 52 days late, a skipped campaign, a skipped re-acknowledgement', () => {
    const planted = plantedTraining(org);
    expect(planted.map((p) => p.check)).toEqual(['people.training', 'people.training', 'people.training', 'people.policy-acknowledgement']);
    expect(new Set(planted.map((p) => p.email)).size).toBe(4);
    const [never, late, skipped, noAck] = planted;
    const of = (email: string, list: Row[]) => list.filter((r) => r.email === email);
    expect(of(never!.email, rows.completions!)).toEqual([]);
    const onboarding = of(late!.email, rows.completions!).find((r) => r.course === 'Security Awareness Onboarding')!;
    expect(onboarding.completedAt).toBe(day(new Date(personOf(late!.email).startDate.getTime() + 52 * DAY_MS)));
    const lastCampaign = day(new Date(anchor.getTime() - 200 * DAY_MS));
    expect(of(skipped!.email, rows.completions!).map((r) => String(r.completedAt)).filter((d) => d >= lastCampaign)).toEqual([]);
    expect(of(skipped!.email, rows.completions!).length).toBeGreaterThanOrEqual(2);
    expect(of(noAck!.email, rows.acknowledgements!).map((r) => String(r.acknowledgedAt)).filter((d) => d >= lastCampaign)).toEqual([]);
    expect(of(noAck!.email, rows.completions!).some((r) => String(r.completedAt) >= lastCampaign)).toBe(true);
  });

  it('grow as the company lives: a later export holds more records', () => {
    const later = fixedClock(org.horizon);
    const dir2 = mkdtempSync(join(tmpdir(), 'vigil-demo-training-later-'));
    try {
      createTrainingDemoProvider().prepare!(org, later, dir2);
      const lines = (p: string) => readFileSync(p, 'utf8').split('\r\n').length;
      expect(lines(join(dir2, DEMO_COMPLETIONS_FILE))).toBeGreaterThan(lines(join(dir, DEMO_COMPLETIONS_FILE)));
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
