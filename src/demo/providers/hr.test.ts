import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { isVigilError } from '../../lib/errors.ts';
import { bamboohr } from '../../connectors/bamboohr/index.ts';
import { parseCsv } from '../../connectors/hris-csv/csv.ts';
import { hrisCsv } from '../../connectors/hris-csv/index.ts';
import { createRunContext, readResource, runTestConnection, type AnyConnector, type ReadOutcome, type Row } from '../../connectors/sdk/index.ts';
import { createDemoOrg, plantedBy } from '../org/org.ts';
import { startDemoServer, type DemoServer } from '../server.ts';
import { HIRE_ENTERED_BEFORE_START_MS, TERMINATION_ENTERED_BEFORE_MS, bamboohrDemoProvider, createHrCsvDemoProvider, writeDemoHrCsv } from './hr.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const now = new Date(anchor.getTime() + 10 * 3_600_000);
const org = createDemoOrg({ anchor });
const clock = fixedClock(now);
const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-hr-'));
const csvPath = join(dir, 'demo', 'hr-export.csv');
let server: DemoServer;

beforeAll(async () => {
  server = await startDemoServer(org, clock, { providers: [bamboohrDemoProvider, createHrCsvDemoProvider()], dataDir: dir });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(connector: AnyConnector, type: string): Promise<{ rows: Row[]; outcome: ReadOutcome }> {
  const source = server.sources.find((s) => s.type === type)!;
  const ctx = createRunContext({ connector, config: source.config, clock });
  const rows: Row[] = [];
  const outcome = await readResource(ctx, connector.resources[0]!, (page) => void rows.push(...page));
  expect(ctx.gaps()).toEqual([]);
  return { rows, outcome };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

describe('the demo HR systems', () => {
  it('serve BambooHR to the real connector: every row validates, former employees included', async () => {
    const { rows, outcome } = await collect(bamboohr, 'bamboohr');
    expect(outcome.status).toBe('complete');
    const inHr = org.people.filter((p) => p.startDate.getTime() - HIRE_ENTERED_BEFORE_START_MS <= now.getTime());
    expect(rows).toHaveLength(inHr.length);
    expect(rows.filter((r) => r.status === 'Inactive' && r.terminationDate !== null).length).toBeGreaterThanOrEqual(15);
    const ceo = org.people[0]!;
    const someone = org.people[40]!;
    expect(rows.find((r) => r.email === someone.email)).toMatchObject({
      name: someone.name,
      department: someone.department,
      managerEmail: someone.managerEmail,
      startDate: day(someone.startDate),
    });
    expect(rows.find((r) => r.email === ceo.email)).toMatchObject({ managerEmail: null, status: 'Active' });
  });

  it('write the same roster as a CSV export that the real hris-csv connector reads', async () => {
    const csv = await collect(hrisCsv, 'hris-csv');
    const api = await collect(bamboohr, 'bamboohr');
    expect(csv.outcome.status).toBe('complete');
    const key = (r: Row) => `${String(r.email)} ${String(r.startDate)} ${String(r.terminationDate)} ${String(r.managerEmail)}`;
    expect(csv.rows.map(key).sort()).toEqual(api.rows.map(key).sort());
    const engineer = org.people.find((p) => p.github)!;
    expect(csv.rows.find((r) => r.email === engineer.email)?.githubLogin).toBe(engineer.github!.login);
    expect(server.sources.find((s) => s.type === 'hris-csv')?.config.path).toBe(csvPath);
    expect(readFileSync(csvPath, 'utf8').split('\r\n')[0]).toBe('email,name,department,manager_email,start_date,termination_date,github_login');
  });

  it('rewrite the export as of a later time in place, as a nightly export job would', () => {
    const later = join(dir, 'later.csv');
    writeDemoHrCsv(org, fixedClock(org.horizon), later);
    writeDemoHrCsv(org, clock, csvPath);
    const terminations = (path: string) => parseCsv(readFileSync(path, 'utf8')).filter((r) => r.line > 1 && r.fields[5] !== '').length;
    const leftByHorizon = org.people.filter((p) => p.terminationDate && p.terminationDate.getTime() - TERMINATION_ENTERED_BEFORE_MS <= org.horizon.getTime()).length;
    expect(terminations(later)).toBe(leftByHorizon);
    expect(terminations(csvPath)).toBeLessThan(leftByHorizon);
  });

  it("show the planted joiner and leaver facts as HR knows them, and no orphan's account", async () => {
    const { rows } = await collect(bamboohr, 'bamboohr');
    const byEmail = new Map(rows.map((r) => [r.email, r]));
    const planted = plantedBy(org, now);
    const leavers = planted.filter((f) => f.kind === 'leaver-deprovisioned-late' || f.kind === 'leaver-still-active');
    expect(leavers).toHaveLength(5);
    for (const f of leavers) expect(byEmail.get(f.email)).toMatchObject({ terminationDate: day(f.terminatedAt), status: 'Inactive' });
    const early = planted.find((f) => f.kind === 'provisioned-too-early')!;
    expect(byEmail.get(early.email)?.startDate).toBe(day(early.startDate));
    for (const f of planted.filter((x) => x.kind === 'orphan-account')) expect(byEmail.has(f.login)).toBe(false);
  });

  it('serve only what HR had entered by now: no hire further out than six weeks, no termination further out than two', async () => {
    const { rows } = await collect(bamboohr, 'bamboohr');
    const emails = new Set(rows.map((r) => r.email));
    const farHire = org.people.find((p) => p.startDate.getTime() > now.getTime() + HIRE_ENTERED_BEFORE_START_MS);
    if (farHire) expect(emails.has(farHire.email)).toBe(false);
    const laterLeaver = org.people.find((p) => p.terminationDate && p.terminationDate.getTime() > now.getTime() + TERMINATION_ENTERED_BEFORE_MS)!;
    expect(rows.find((r) => r.email === laterLeaver.email)).toMatchObject({ terminationDate: null, status: 'Active' });
    const soonLeaver = org.people.find((p) => p.terminationDate && p.terminationDate > now && p.terminationDate.getTime() <= now.getTime() + TERMINATION_ENTERED_BEFORE_MS);
    if (soonLeaver) expect(rows.find((r) => r.email === soonLeaver.email)).toMatchObject({ terminationDate: day(soonLeaver.terminationDate!), status: 'Active' });
  });

  it('paginate List Employees through _links.next as BambooHR does', async () => {
    const source = server.sources.find((s) => s.type === 'bamboohr')!;
    const auth = `Basic ${Buffer.from(`${String(source.config.apiKey)}:x`).toString('base64')}`;
    let next: string | undefined = `${String(source.config.baseUrl)}/employees?page%5Blimit%5D=50&fields=workEmail`;
    const ids: string[] = [];
    let pages = 0;
    while (next) {
      const body = (await (await fetch(next, { headers: { authorization: auth } })).json()) as { data: { employeeId: string; workEmail: string; hireDate?: string }[]; _links: { next?: { href: string } } };
      pages++;
      ids.push(...body.data.map((e) => e.employeeId));
      expect(body.data.every((e) => e.workEmail && e.hireDate === undefined)).toBe(true);
      next = body._links.next?.href;
    }
    const all = (await collect(bamboohr, 'bamboohr')).rows.map((r) => r.id);
    expect(pages).toBe(Math.ceil(all.length / 50));
    expect(ids).toEqual(all);
  });

  it('refuse a wrong API key with 401, which the connector reports as AuthFailed', async () => {
    const source = server.sources.find((s) => s.type === 'bamboohr')!;
    const ctx = createRunContext({ connector: bamboohr, config: { ...source.config, apiKey: 'not-the-demo-key' }, clock });
    const error = await runTestConnection(ctx).catch((e: unknown) => e);
    expect(isVigilError(error) && error._tag).toBe('AuthFailed');
    expect((await runTestConnection(createRunContext({ connector: bamboohr, config: source.config, clock }))).summary).toBe('connected to BambooHR of Demo Corp');
  });
});
