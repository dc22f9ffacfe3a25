import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lib/clock.ts';
import { createThrowawayDatabase } from '../../db/testing.ts';
import { runWithIo } from '../io.ts';
import { main } from '../main.ts';

let dir: string;
let cfg: string;
let drop: (() => Promise<void>) | undefined;
/** When week1.json says its scan ran: the critical vulnerability's first detection. */
let detectedAt: string;

// Scans relative to the real clock (the CLI runs on it): detected 40 days ago, rescanned 33 days ago.
const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
const vuln = (id: string, name: string, version: string, severity: string) =>
  ({ VulnerabilityID: id, PkgName: name, InstalledVersion: version, FixedVersion: `${version}-fixed`, Severity: severity, Title: `${id} in ${name}` });
const trivyReport = (createdAt: string, vulns: object[]) =>
  JSON.stringify({ SchemaVersion: 2, CreatedAt: createdAt, ArtifactName: 'registry.example.com/acme/api:production', ArtifactType: 'container_image', Results: [{ Target: 'app', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: vulns }] }, null, 2);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-cli-import-'));
  cfg = join(dir, 'vigil.yaml');
  let database = '';
  if (process.env.TEST_DATABASE_URL) {
    const t = await createThrowawayDatabase(process.env.TEST_DATABASE_URL);
    drop = t.drop;
    database = `database:\n  url: ${t.url}\n`;
  }
  writeFileSync(cfg, `workspace:\n  slug: acme\n  name: Acme\ndataDir: ./data\n${database}sources:\n  - name: ci-trivy\n    type: trivy\n`);
  const critical = vuln('CVE-2026-1111', 'left-pad', '1.3.0', 'CRITICAL');
  const high = vuln('CVE-2026-2222', 'lodash', '4.17.20', 'HIGH');
  detectedAt = ago(40);
  writeFileSync(join(dir, 'week1.json'), trivyReport(detectedAt, [critical, high]));
  writeFileSync(join(dir, 'week2.json'), trivyReport(ago(33), [critical]));
  writeFileSync(join(dir, 'broken.json'), trivyReport(ago(26), [critical]).replace('"Severity": "CRITICAL"', '"Severity": CRITICAL'));
});
afterAll(async () => {
  await drop?.();
  rmSync(dir, { recursive: true, force: true });
});

async function vigil(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), isTTY: false, cwd: dir };
  const code = await runWithIo(io, () => main(['node', 'vigil', '-c', cfg, ...args]));
  return { code, out, err };
}

interface ImportOutput {
  source: string;
  files: { file: string; status: string; scans?: { target: string; findings: number; scannedAt: string }[]; error?: { error: string; where: string; message: string } }[];
  evaluation: { check: string; outcome: string }[];
}

describe('vigil import', () => {
  it('imports good files, refuses a malformed one with its line (exit 2), and judges the vulnerability checks', async () => {
    const r = await vigil('import', '--type', 'trivy', 'week1.json', 'broken.json', 'week2.json', '--json');
    expect(r.code).toBe(2);
    const out = JSON.parse(r.out) as ImportOutput;
    expect(out.source).toBe('ci-trivy');
    expect(out.files.map((f) => [f.file, f.status, f.scans?.map((s) => [s.target, s.findings])])).toEqual([
      ['week1.json', 'imported', [['registry.example.com/acme/api:production', 2]]],
      ['broken.json', 'rejected', undefined],
      ['week2.json', 'imported', [['registry.example.com/acme/api:production', 1]]],
    ]);
    expect(out.files[1]!.error).toMatchObject({ error: 'InvalidInput', where: 'broken.json:17', message: "not a valid Trivy JSON file: line 17: expected a value (object, array, string, number, true, false or null) but found 'C'" });
    expect(out.evaluation.filter((e) => e.check.startsWith('vulnerability.'))).toEqual([
      expect.objectContaining({ check: 'vulnerability.remediation-sla', outcome: 'judged' }),
      expect.objectContaining({ check: 'vulnerability.scan-coverage', outcome: 'judged' }),
    ]);
  });

  it('recognises a file it has imported before, and says so', async () => {
    const r = await vigil('import', '--type', 'trivy', 'week1.json');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^source ci-trivy\nFILE\s+STATUS\s+TARGETS\s+FINDINGS\s+SCANNED AT \/ PROBLEM\nweek1\.json\s+duplicate\s+registry\.example\.com\/acme\/api:production\s+2\s+\d{4}-/);
  });

  it('shows the critical vulnerability past its SLA and the fixed one as fixed on time', async () => {
    const r = await vigil('check', '--control', 'VUL-02', '--all', '--json');
    const results = JSON.parse(r.out) as { check: string; resource: string; status: string; reason: string }[];
    expect(results.map((x) => [x.resource, x.status])).toEqual([
      ['vulnerabilities/ci-trivy/registry.example.com/acme/api:production/CVE-2026-1111 left-pad@1.3.0', 'fail'],
      ['vulnerabilities/ci-trivy/registry.example.com/acme/api:production/CVE-2026-2222 lodash@4.17.20', 'pass'],
    ]);
    // Due 15 days after its first detection, 40 days ago: so 25 days ago, by the day (UTC).
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(results[0]!.reason).toMatch(new RegExp(`open since ${day(Date.parse(detectedAt))}, past its due date ${day(Date.parse(detectedAt) + 15 * DAY_MS)} \\(15-day SLA for critical\\)`));
  });

  it('refuses a type with no source to import into, before reading any file', async () => {
    const r = await vigil('import', '--type', 'grype', 'week1.json');
    expect(r.code).toBe(4);
    expect(r.err).toBe('vigil: no enabled source of type grype to import into — declare one in vigil.yaml (a source that only takes pushed files needs no config): sources: [{ name: grype, type: grype }]\n');
  });
});
