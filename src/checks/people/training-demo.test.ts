/**
 * The people checks over what the real connectors collect from the demo company's HR export and
 * training exports: exactly the planted training and acknowledgement failures, and no others.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock, HOUR_MS } from '../../lib/clock.ts';
import { hrisCsv } from '../../connectors/hris-csv/index.ts';
import { trainingCsv } from '../../connectors/training-csv/index.ts';
import { createRunContext, readResource, type AnyConnector, type Row } from '../../connectors/sdk/index.ts';
import { createDemoOrg } from '../../demo/org/org.ts';
import { createHrCsvDemoProvider } from '../../demo/providers/hr.ts';
import { createTrainingDemoProvider, plantedTraining } from '../../demo/providers/training.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { seed, type Seeded } from '../access/hr-test-data.ts';
import type { CheckResult } from '../sdk/define.ts';
import { policyAcknowledgement } from './policy-acknowledgement.ts';
import { training } from './training.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const now = new Date(anchor.getTime() + 10 * HOUR_MS);
const org = createDemoOrg({ anchor });
const clock = fixedClock(now);
const dir = mkdtempSync(join(tmpdir(), 'vigil-people-demo-'));
let server: DemoServer;
let store: Seeded;

async function collect(connector: AnyConnector, name: string, key: (r: Row) => string) {
  const source = server.sources.find((s) => s.type === connector.id)!;
  const ctx = createRunContext({ connector, config: source.config, clock });
  const rows: Row[] = [];
  expect((await readResource(ctx, connector.resources.find((r) => r.name === name)!, (page) => void rows.push(...page))).status).toBe('complete');
  // Keyed as the engine keys composite primary keys: the fields joined by "/".
  await store.put(`${connector.id}.${name}`, source.name, '_key', rows.map((r) => ({ ...r, _key: key(r) })));
}

beforeAll(async () => {
  server = await startDemoServer(org, clock, { providers: [createHrCsvDemoProvider(), createTrainingDemoProvider()], dataDir: dir });
  store = await seed({ slug: 'people-demo' });
  await collect(hrisCsv, 'employees', (r) => String(r.email));
  await collect(trainingCsv, 'completions', (r) => `${String(r.email)}/${String(r.course)}/${String(r.completedAt)}`);
  await collect(trainingCsv, 'acknowledgements', (r) => `${String(r.email)}/${String(r.policy)}/${String(r.acknowledgedAt)}`);
}, 60_000);
afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const failing = (results: CheckResult[]) => results.filter((r) => r.status === 'fail').map((r) => String((r.details as { email: string }).email)).sort();
const planted = (check: string) => plantedTraining(org).filter((p) => p.check === check).map((p) => p.email).sort();

describe('the people checks over the demo company', () => {
  it('people.training fails exactly the planted joiners and the employee who skipped the campaign', async () => {
    const results = await store.run(training, now.toISOString());
    expect(planted('people.training')).toHaveLength(3);
    expect(failing(results)).toEqual(planted('people.training'));
    expect(results.filter((r) => r.status === 'pass').length).toBeGreaterThan(120);
    const [never, late, skipped] = plantedTraining(org);
    const reason = (email: string) => results.find((r) => (r.details as { email: string }).email === email)!.reason;
    const neverTook = /security awareness training not completed, past its due date (\d{4}-\d{2}-\d{2}) 00:00 UTC \(30 days after starting on (\d{4}-\d{2}-\d{2})\)$/.exec(reason(never!.email));
    expect(neverTook, reason(never!.email)).not.toBeNull();
    // Due at the end of the 30th day after starting.
    expect(Date.parse(neverTook![1]!) - Date.parse(neverTook![2]!)).toBe(31 * DAY_MS);
    expect(reason(late!.email)).toMatch(/completed Security Awareness Onboarding on \d{4}-\d{2}-\d{2}, 52 days after starting on .*, beyond 30 days$/);
    expect(reason(skipped!.email)).toMatch(/last completed Annual Security Awareness \d{4} on .*, more than 365 d ago/);
  });

  it('people.policy-acknowledgement fails exactly the planted employee who skipped the re-acknowledgement', async () => {
    const results = await store.run(policyAcknowledgement, now.toISOString());
    expect(failing(results)).toEqual(planted('people.policy-acknowledgement'));
    expect(results.filter((r) => r.status === 'pass').length).toBeGreaterThan(120);
  });
});
