/**
 * The demo company's scanner output, as files in each tool's own format — a Trivy JSON report
 * per image and week, a Grype report per week, CodeQL SARIF per repository and week, Prowler's
 * json-ocsf per week, and the one OSV-Scanner results file a CI job rewrites — written by
 * `prepare()` into `<dataDir>/demo/scans/<format>/` for the scanner sources to watch. Only scans
 * that have happened by the clock's "now" are written; `writeDemoScans` writes the newer ones
 * later, as the scanner jobs would. Each provider also serves its files over HTTP for a person to
 * read (`GET /` lists them, `GET /<file>` renders one as of now).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Hono } from 'hono';
import type { Clock } from '../../lib/clock.ts';
import type { DemoOrg } from '../org/org.ts';
import { DEMO_AWS_ACCOUNT, DEMO_AWS_REGION } from './aws-model.ts';
import type { DemoProvider } from './index.ts';
import { DEMO_OSV_TARGET, createDemoScanning, type DemoFinding, type DemoScan, type DemoScanFormat, type DemoScanning, type DemoSeverity } from './scanners-model.ts';

export { plantedScanFailures, createDemoScanning, type PlantedScanFailure } from './scanners-model.ts';

/** Where the scan files go inside the demo's data folder. */
export const DEMO_SCANS_DIR = join('demo', 'scans');
const OSV_FILE = 'osv-results.json';

const models = new WeakMap<DemoOrg, DemoScanning>();
export const demoScanning = (org: DemoOrg): DemoScanning => {
  let m = models.get(org);
  if (!m) models.set(org, (m = createDemoScanning(org)));
  return m;
};

const word = (s: DemoSeverity) => s[0]!.toUpperCase() + s.slice(1);
const score: Record<DemoSeverity, string> = { critical: '9.1', high: '7.5', medium: '5.3', low: '3.1' };
const hex = (seed: string, n = 64) => createHash('sha256').update(seed).digest('hex').slice(0, n);
const slug = (s: string) => s.replace(/^https?:\/\//, '').replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '');
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function trivyReport(scan: DemoScan): unknown {
  const target = scan.target.target;
  const vuln = (f: DemoFinding) => ({
    VulnerabilityID: f.advisory,
    PkgID: `${f.package!.name}@${f.package!.version}`,
    PkgName: f.package!.name,
    ...(f.package!.os ? {} : { PkgPath: `app/${f.package!.ecosystem === 'jar' ? `lib/${f.package!.name}.jar` : `node_modules/${f.package!.name}/package.json`}` }),
    InstalledVersion: f.package!.version,
    FixedVersion: f.package!.fixed,
    Status: 'fixed',
    SeveritySource: f.package!.os ? 'debian' : 'ghsa',
    PrimaryURL: `https://avd.aquasec.com/nvd/${f.advisory.toLowerCase()}`,
    Title: f.title,
    Severity: f.severity.toUpperCase(),
  });
  const os = scan.findings.filter((f) => f.package?.os);
  const lang = (eco: string) => scan.findings.filter((f) => f.package && !f.package.os && f.package.ecosystem === eco);
  const result = (t: string, cls: string, type: string, fs: DemoFinding[]) => ({ Target: t, Class: cls, Type: type, ...(fs.length ? { Vulnerabilities: fs.map(vuln) } : {}) });
  return {
    SchemaVersion: 2,
    CreatedAt: new Date(scan.at.getTime() + 41_327).toISOString().replace('Z', '123+00:00'),
    ArtifactName: target,
    ArtifactType: 'container_image',
    Metadata: { OS: { Family: 'debian', Name: '12.8' }, ImageID: `sha256:${hex(`${target}${scan.at.toISOString()}`)}`, RepoTags: [target] },
    Results: [result(`${target} (debian 12.8)`, 'os-pkgs', 'debian', os), result('Node.js', 'lang-pkgs', 'node-pkg', lang('node-pkg')), ...(lang('jar').length ? [result('Java', 'lang-pkgs', 'jar', lang('jar'))] : [])],
  };
}

function grypeReport(scan: DemoScan): unknown {
  return {
    matches: scan.findings.map((f) => ({
      vulnerability: {
        id: f.advisory,
        dataSource: f.advisory.startsWith('GHSA') ? `https://github.com/advisories/${f.advisory}` : `https://nvd.nist.gov/vuln/detail/${f.advisory}`,
        namespace: 'github:language:go',
        severity: word(f.severity),
        urls: [],
        description: f.title,
        fix: { versions: [f.package!.fixed], state: 'fixed' },
        advisories: [],
      },
      relatedVulnerabilities: [],
      matchDetails: [{ type: 'exact-direct-match', matcher: 'go-module-matcher', searchedBy: { language: 'go', namespace: 'github:language:go', package: { name: f.package!.name, version: f.package!.version } }, found: { vulnerabilityID: f.advisory } }],
      artifact: {
        id: hex(f.key, 16),
        name: f.package!.name,
        version: f.package!.version,
        type: 'go-module',
        locations: [{ path: '/go.mod' }],
        language: 'go',
        licenses: [],
        cpes: [],
        purl: `pkg:golang/${f.package!.name}@v${f.package!.version}`,
        upstreams: [],
      },
    })),
    source: { type: 'directory', target: scan.target.target },
    distro: { name: '', version: '', idLike: null },
    descriptor: { name: 'grype', version: '0.79.3', configuration: { output: ['json'] }, db: { schemaVersion: 5 }, timestamp: new Date(scan.at.getTime() + 12_734).toISOString().replace('Z', '661523Z') },
  };
}

function osvOutput(scan: DemoScan): unknown {
  if (!scan.findings.length) return { results: [] };
  return {
    results: [
      {
        source: { path: '/builds/demo-corp/mobile/package-lock.json', type: 'lockfile' },
        packages: scan.findings.map((f) => ({
          package: { name: f.package!.name, version: f.package!.version, ecosystem: 'npm' },
          vulnerabilities: [
            {
              id: f.advisory,
              summary: f.title,
              aliases: [],
              affected: [{ package: { ecosystem: 'npm', name: f.package!.name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: f.package!.fixed }] }] }],
              database_specific: { severity: f.severity === 'medium' ? 'MODERATE' : f.severity.toUpperCase() },
            },
          ],
          groups: [{ ids: [f.advisory], aliases: [f.advisory], max_severity: score[f.severity] }],
        })),
      },
    ],
  };
}

function sarifLog(scan: DemoScan): unknown {
  const ruleIds = [...new Set(scan.findings.map((f) => f.advisory))].sort();
  const rule = (id: string) => {
    const f = scan.findings.find((x) => x.advisory === id)!;
    return {
      id,
      name: id,
      shortDescription: { text: f.title.replace(/ \(.*\)$/, '') },
      defaultConfiguration: { enabled: true, level: f.severity === 'low' ? 'note' : f.severity === 'medium' ? 'warning' : 'error' },
      helpUri: `https://codeql.github.com/codeql-query-help/javascript/${id.replace('/', '-')}/`,
      properties: { tags: ['security'], precision: 'high', 'security-severity': id === 'js/sql-injection' ? '8.8' : score[f.severity] },
    };
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'CodeQL', organization: 'GitHub', semanticVersion: '2.19.1', rules: ruleIds.map(rule) } },
        invocations: [{ executionSuccessful: true, startTimeUtc: new Date(scan.at.getTime() - 380_000).toISOString(), endTimeUtc: scan.at.toISOString() }],
        results: scan.findings.map((f) => ({
          ruleId: f.advisory,
          ruleIndex: ruleIds.indexOf(f.advisory),
          message: { text: f.title },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.location!.uri, uriBaseId: '%SRCROOT%' }, region: { startLine: f.location!.line } } }],
        })),
        versionControlProvenance: [{ repositoryUri: `${scan.target.target}.git`, revisionId: hex(`${scan.target.target}${scan.at.toISOString()}`, 40), branch: 'refs/heads/main' }],
        automationDetails: { id: '/language:javascript-typescript/' },
      },
    ],
  };
}

const severityId: Record<DemoSeverity, number> = { critical: 5, high: 4, medium: 3, low: 2 };

function prowlerOcsf(scan: DemoScan): unknown {
  const t = Math.floor(scan.at.getTime() / 1000);
  const dt = `${scan.at.toISOString().slice(0, 19)}.000000`;
  const record = (check: string, title: string, status: 'PASS' | 'FAIL', severity: DemoSeverity, resource: NonNullable<DemoFinding['resource']>, compliance: Record<string, string[]>) => ({
    message: `${resource.name}: ${status === 'PASS' ? 'passed' : 'failed'} ${check}`,
    metadata: { event_code: check, product: { name: 'Prowler', uid: 'prowler', vendor_name: 'Prowler', version: '5.4.1' }, profiles: ['cloud', 'datetime'], tenant_uid: '', version: '1.4.0' },
    severity_id: severityId[severity],
    severity: word(severity),
    status: 'New',
    status_code: status,
    status_detail: `${resource.name}: ${title}`,
    status_id: 1,
    unmapped: { related_url: '', categories: [], depends_on: [], related_to: [], additional_urls: [], notes: '', compliance },
    activity_name: 'Create',
    activity_id: 1,
    finding_info: { created_time: t, created_time_dt: dt, desc: title, product_uid: 'prowler', title, types: [], uid: `prowler-aws-${check}-${DEMO_AWS_ACCOUNT}-${DEMO_AWS_REGION}-${resource.name}` },
    resources: [{ cloud_partition: 'aws', region: DEMO_AWS_REGION, data: { details: '', metadata: {} }, group: { name: resource.service }, labels: [], name: resource.name, type: resource.type, uid: resource.arn }],
    category_name: 'Findings',
    category_uid: 2,
    class_name: 'Detection Finding',
    class_uid: 2004,
    cloud: { account: { name: 'demo-corp-production', type: 'AWS Account', type_id: 10, uid: DEMO_AWS_ACCOUNT, labels: [] }, org: { name: '', uid: '' }, provider: 'aws', region: DEMO_AWS_REGION },
    remediation: { desc: `See the Prowler documentation for ${check}.`, references: [] },
    risk_details: title,
    time: t,
    time_dt: dt,
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
  });
  const passes = [
    record('iam_root_mfa_enabled', 'Ensure MFA is enabled for the root account', 'PASS', 'critical', { arn: `arn:aws:iam::${DEMO_AWS_ACCOUNT}:root`, name: '<root_account>', type: 'Other', service: 'iam' }, { SOC2: ['cc_6_1'] }),
    record('cloudtrail_multi_region_enabled', 'Ensure CloudTrail is enabled in all regions', 'PASS', 'high', { arn: `arn:aws:cloudtrail:${DEMO_AWS_REGION}:${DEMO_AWS_ACCOUNT}:trail/org-trail`, name: 'org-trail', type: 'AwsCloudTrailTrail', service: 'cloudtrail' }, { SOC2: ['cc_7_2'] }),
  ];
  return [...passes, ...scan.findings.map((f) => record(f.advisory, f.title, 'FAIL', f.severity, f.resource!, f.compliance ?? {}))];
}

const renderers: Record<DemoScanFormat, (scan: DemoScan) => unknown> = { trivy: trivyReport, grype: grypeReport, 'osv-scanner': osvOutput, sarif: sarifLog, ocsf: prowlerOcsf };

/** A scan as the file its tool writes, and the name it goes by. */
export function renderDemoScan(scan: DemoScan): { name: string; text: string } {
  const format = scan.target.format;
  const name = format === 'osv-scanner' ? OSV_FILE : `${slug(scan.target.target)}.${isoDay(scan.at)}.${format === 'sarif' ? 'sarif' : 'json'}`;
  // Prowler writes its json-ocsf with a four-space indent, the others with two.
  return { name, text: `${JSON.stringify(renderers[format](scan), null, format === 'ocsf' ? 4 : 2)}\n` };
}

/** The scans of a format that exist at `now` (for OSV-Scanner only the latest: its file is rewritten). */
export function demoScansAt(org: DemoOrg, format: DemoScanFormat, now: Date): DemoScan[] {
  const done = demoScanning(org).scans.filter((s) => s.target.format === format && s.at.getTime() <= now.getTime());
  return format === 'osv-scanner' ? done.slice(-1) : done;
}

/**
 * Write the scan files of a format that exist at the clock's "now" into `folder`, each renamed into
 * place so a collection never reads half a file. Files already there are left alone (a scan never
 * changes), except OSV-Scanner's, which its job rewrites.
 */
export function writeDemoScans(org: DemoOrg, clock: Clock, format: DemoScanFormat, folder: string): number {
  mkdirSync(folder, { recursive: true });
  let written = 0;
  for (const scan of demoScansAt(org, format, clock.now())) {
    const { name, text } = renderDemoScan(scan);
    const path = join(folder, name);
    if (format !== 'osv-scanner' && existsSync(path)) continue;
    const tmp = join(folder, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, path);
    written++;
  }
  return written;
}

function scannerProvider(format: DemoScanFormat, sourceName: string, config: Record<string, unknown> = {}): DemoProvider {
  let folder = resolve(DEMO_SCANS_DIR, format);
  return {
    name: `scans-${format}`,
    prepare(org, clock, dataDir) {
      folder = resolve(dataDir, DEMO_SCANS_DIR, format);
      writeDemoScans(org, clock, format, folder);
    },
    app(org, clock) {
      const app = new Hono();
      const files = () => demoScansAt(org, format, clock.now()).map((s) => ({ scan: s, ...renderDemoScan(s) }));
      app.get('/', (c) => c.json({ files: files().map((f) => ({ name: f.name, target: f.scan.target.target, scannedAt: f.scan.at.toISOString(), findings: f.scan.findings.length })) }));
      app.get('/:file', (c) => {
        const f = files().find((x) => x.name === c.req.param('file'));
        return f ? c.body(f.text, 200, { 'content-type': 'application/json; charset=utf-8' }) : c.json({ message: `no scan file ${c.req.param('file')} as of ${clock.now().toISOString()}` }, 404);
      });
      return app;
    },
    source: () => ({ name: sourceName, type: format, schedule: 'PT1H', config: { path: format === 'osv-scanner' ? join(folder, OSV_FILE) : folder, ...config } }),
  };
}

export const trivyDemoProvider = scannerProvider('trivy', 'trivy');
export const grypeDemoProvider = scannerProvider('grype', 'grype');
export const osvDemoProvider = scannerProvider('osv-scanner', 'osv-scanner', { target: DEMO_OSV_TARGET });
export const codeScanningDemoProvider = scannerProvider('sarif', 'code-scanning');
export const prowlerDemoProvider = scannerProvider('ocsf', 'prowler');

/** The five scanner sources of the demo, one per format. */
export const scannerDemoProviders: DemoProvider[] = [trivyDemoProvider, grypeDemoProvider, osvDemoProvider, codeScanningDemoProvider, prowlerDemoProvider];
