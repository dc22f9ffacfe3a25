import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, fixedClock, HOUR_MS } from '../../lib/clock.ts';
import { scannerConnectors, type ScannerType } from '../../connectors/scanners/index.ts';
import { createRunContext, readEvents, type Row } from '../../connectors/sdk/index.ts';
import { duplicateKeys } from '../../connectors/sdk/testing/index.ts';
import { createDemoOrg, type DemoOrg } from '../org/org.ts';
import { startDemoServer, type DemoServer } from '../server.ts';
import { demoScanning, plantedScanFailures, scannerDemoProviders, writeDemoScans } from './scanners.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const now = new Date(anchor.getTime() + 14 * HOUR_MS);

describe('the demo scanners', () => {
  let dir: string;
  let org: DemoOrg;
  let server: DemoServer;
  const rows = new Map<string, Row[]>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-demo-scans-'));
    org = createDemoOrg({ anchor });
    server = await startDemoServer(org, fixedClock(now), { providers: scannerDemoProviders, dataDir: dir });
    for (const source of server.sources) {
      const connector = scannerConnectors[source.type as ScannerType];
      const ctx = createRunContext({ connector, config: source.config, clock: fixedClock(now) });
      const got: Row[] = [];
      const outcome = await readEvents(ctx, connector.events[0]!, null, (p) => void got.push(...p.rows));
      expect(outcome.status, source.name).toBe('complete');
      rows.set(source.name, got);
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names one source per format, each watching the files prepare() wrote', () => {
    expect(server.sources.map((s) => [s.name, s.type])).toEqual([
      ['trivy', 'trivy'],
      ['grype', 'grype'],
      ['osv-scanner', 'osv-scanner'],
      ['code-scanning', 'sarif'],
      ['prowler', 'ocsf'],
    ]);
    expect(readdirSync(join(dir, 'demo', 'scans')).sort()).toEqual(['grype', 'ocsf', 'osv-scanner', 'sarif', 'trivy']);
    expect(readdirSync(join(dir, 'demo', 'scans', 'osv-scanner'))).toEqual(['osv-results.json']);
  });

  it('writes only the scans that have happened, a week apart, and every file reads as its format', () => {
    const perTarget = new Map<string, string[]>();
    for (const [source, rs] of rows) {
      expect(duplicateKeys(rs, 'id'), source).toEqual([]);
      for (const r of rs) {
        expect(Date.parse(String(r.scannedAt)) <= now.getTime(), `${source} ${String(r.scannedAt)}`).toBe(true);
        perTarget.set(`${source} ${String(r.target)}`, [...(perTarget.get(`${source} ${String(r.target)}`) ?? []), String(r.scannedAt)]);
      }
    }
    expect([...perTarget.keys()].sort()).toEqual([
      'code-scanning https://github.com/demo-corp/api',
      'code-scanning https://github.com/demo-corp/auth-service',
      'code-scanning https://github.com/demo-corp/web-app',
      'grype /builds/demo-corp/infra',
      'osv-scanner github.com/demo-corp/mobile',
      'prowler aws:210987654321',
      'trivy registry.demo-corp.example/api:production',
      'trivy registry.demo-corp.example/auth-service:production',
      'trivy registry.demo-corp.example/billing:production',
      'trivy registry.demo-corp.example/data-pipeline:production',
      'trivy registry.demo-corp.example/web-app:production',
    ]);
    const api = perTarget.get('trivy registry.demo-corp.example/api:production')!;
    expect(api.length).toBe(53);
    expect(Date.parse(api[1]!) - Date.parse(api[0]!)).toBe(7 * DAY_MS);
    expect(perTarget.get('osv-scanner github.com/demo-corp/mobile')).toEqual([now.toISOString()]);
  });

  it('shows the planted facts in the collected rows', () => {
    const findingsAt = (source: string, target: string) =>
      (rows.get(source) ?? []).filter((r) => r.target === target).map((r) => ({ at: String(r.scannedAt), keys: (r.findings as { key: string }[]).map((f) => f.key) }));
    const api = findingsAt('trivy', 'registry.demo-corp.example/api:production');
    expect(api.at(-1)!.keys).toContain('CVE-2026-21337 libssl3@3.0.15-1~deb12u1');
    const billing = findingsAt('trivy', 'registry.demo-corp.example/billing:production').filter((s) => s.keys.includes('CVE-2026-14410 jackson-databind@2.15.2'));
    // Six weekly scans saw it (from the first after it appeared until it was fixed, 45 days later).
    expect(billing.length).toBe(6);
    const pipeline = findingsAt('trivy', 'registry.demo-corp.example/data-pipeline:production');
    expect(now.getTime() - Date.parse(pipeline.at(-1)!.at)).toBeGreaterThan(19 * DAY_MS);
    const aws = rows.get('prowler')!.at(-1)!;
    const s3 = (aws.findings as { key: string; requirements: string[] }[]).find((f) => f.key.startsWith('s3_bucket_level_public_access_block'))!;
    expect(s3.requirements).toEqual(['iso27001:A.8.3', 'nist-800-171:3.1.22', 'nist-800-171:3.13.1', 'soc2:CC6.1', 'soc2:CC6.6']);
    expect(findingsAt('code-scanning', 'https://github.com/demo-corp/auth-service').at(-1)!.keys).toContain('js/sql-injection src/session/lookup.js:88');
  });

  it('lists the planted failures that have happened by now, and reveals later scans as the clock moves on', () => {
    expect(plantedScanFailures(demoScanning(org), now).map((p) => `${p.kind} ${p.source} ${p.target}`)).toEqual([
      'vulnerability-past-sla trivy registry.demo-corp.example/api:production',
      'vulnerability-past-sla trivy registry.demo-corp.example/billing:production',
      'vulnerability-past-sla grype /builds/demo-corp/infra',
      'vulnerability-past-sla code-scanning https://github.com/demo-corp/auth-service',
      'vulnerability-past-sla prowler aws:210987654321',
      'scanner-stopped trivy registry.demo-corp.example/data-pipeline:production',
    ]);
    const later = fixedClock(new Date(now.getTime() + 8 * DAY_MS));
    expect(writeDemoScans(org, later, 'trivy', join(dir, 'demo', 'scans', 'trivy'))).toBe(4);
  });

  it('serves the files over HTTP as of now', async () => {
    const list = (await (await fetch(`${server.url}/scans-sarif`)).json()) as { files: { name: string }[] };
    expect(list.files.length).toBe(159);
    const file = await fetch(`${server.url}/scans-sarif/${list.files.at(-1)!.name}`);
    expect((await file.json()) as { version: string }).toMatchObject({ version: '2.1.0' });
    expect((await fetch(`${server.url}/scans-sarif/nope.sarif`)).status).toBe(404);
  });
});
