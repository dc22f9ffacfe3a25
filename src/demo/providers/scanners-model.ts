/**
 * The demo company's vulnerability scanning, derived from the org model deterministically, on a
 * timeline that does not depend on "now" (a later clock only reveals more scans):
 *
 * - Trivy scans five service images every week, Grype the `infra` checkout, CodeQL three
 *   repositories, Prowler the AWS account; OSV-Scanner rewrites one results file for `mobile`.
 * - In the background, each target gains a new finding every five weeks (severities cycling),
 *   fixed well within its SLA.
 * - Planted (see `plantedScanFailures`): a critical openssl in the api image open past its 15 days;
 *   a high jackson-databind in billing fixed 45 days after it appeared; a medium go-getter in infra
 *   fixed after 120 days; a CodeQL SQL injection in auth-service open for 50 days; Prowler's public
 *   access block finding on the `demo-corp-data-exports` bucket (planted in the AWS demo too) open
 *   for 60 days; and the data-pipeline image, whose scans stopped 19 days before the anchor.
 */
import { DAY_MS, HOUR_MS } from '../../lib/clock.ts';
import type { DemoOrg } from '../org/org.ts';
import { DEMO_AWS_ACCOUNT, DEMO_AWS_REGION } from './aws-model.ts';

export type DemoScanFormat = 'trivy' | 'grype' | 'osv-scanner' | 'sarif' | 'ocsf';
export type DemoSeverity = 'critical' | 'high' | 'medium' | 'low';

/** One finding as the demo knows it; each format renders it in its own words. */
export interface DemoFinding {
  /** The identity Vigil derives from the rendered file (see src/connectors/scanners/<format>). */
  key: string;
  advisory: string;
  severity: DemoSeverity;
  title: string;
  /** Packages: name, installed and fixed version, ecosystem word of the format. */
  package?: { name: string; version: string; fixed: string; ecosystem: string; os: boolean };
  /** Code (SARIF): file and line; config (OCSF): resource ARN and name. */
  location?: { uri: string; line: number };
  resource?: { arn: string; name: string; type: string; service: string };
  /** Prowler compliance tags. */
  compliance?: Record<string, string[]>;
}

export interface DemoTarget {
  format: DemoScanFormat;
  /** The demo source that receives this target's scans. */
  source: string;
  target: string;
  /** Hours after midnight of the weekly scan. */
  hour: number;
  /** Scans stop after this time (the planted stopped scanner). */
  stopsAt?: Date;
}

export interface Episode {
  target: DemoTarget;
  finding: DemoFinding;
  appears: Date;
  fixed: Date | null;
  planted: boolean;
}

export interface DemoScan {
  target: DemoTarget;
  at: Date;
  findings: DemoFinding[];
}

export interface DemoScanning {
  targets: DemoTarget[];
  episodes: Episode[];
  /** Every scan of the model, past and future, oldest first. */
  scans: DemoScan[];
}

export const REGISTRY = 'registry.demo-corp.example';
export const DEMO_OSV_TARGET = 'github.com/demo-corp/mobile';
export const DATA_EXPORTS_BUCKET = 'demo-corp-data-exports';
const WEEK_MS = 7 * DAY_MS;

/** Background fixes take this long after a finding appears: well inside 15/30/90/180 days even with weekly scans. */
const fixAfterDays: Record<DemoSeverity, number> = { critical: 3, high: 10, medium: 30, low: 60 };
const cycle: DemoSeverity[] = ['medium', 'high', 'low', 'critical'];

const osPackages = ['libssl3', 'libxml2', 'libexpat1', 'libcurl4', 'libtiff6', 'libgnutls30', 'perl-base', 'libsqlite3-0'];
const npmPackages = ['express', 'body-parser', 'ws', 'axios', 'semver', 'jsonwebtoken', 'follow-redirects', 'path-to-regexp'];
const goModules = ['golang.org/x/net', 'golang.org/x/crypto', 'google.golang.org/grpc', 'github.com/docker/docker', 'golang.org/x/oauth2'];
/** One CodeQL query per severity, so a rule's security-severity never disagrees with its findings. */
const codeRules: Record<DemoSeverity, { id: string; title: string }> = {
  critical: { id: 'js/clear-text-logging', title: 'Clear-text logging of sensitive information' },
  high: { id: 'js/path-injection', title: 'Uncontrolled data used in path expression' },
  medium: { id: 'js/reflected-xss', title: 'Reflected cross-site scripting' },
  low: { id: 'js/regex-injection', title: 'Regular expression injection' },
};
const prowlerChecks = [
  { id: 'ec2_ebs_default_encryption', service: 'ec2', type: 'AwsEc2Volume', title: 'Check if EBS Default Encryption is activated.', soc2: ['cc_6_1'] },
  { id: 'iam_password_policy_minimum_length_14', service: 'iam', type: 'AwsIamPasswordPolicy', title: 'Ensure IAM password policy requires minimum length of 14 or greater', soc2: ['cc_6_1'] },
  { id: 'cloudwatch_log_group_retention_policy_specific_days_enabled', service: 'cloudwatch', type: 'AwsLogsLogGroup', title: 'Check if CloudWatch Log Groups have a retention policy of specific days.', soc2: ['cc_7_2'] },
  { id: 'guardduty_no_high_severity_findings', service: 'guardduty', type: 'AwsGuardDutyDetector', title: 'There are High severity GuardDuty findings', soc2: ['cc_7_2'] },
];

const day = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
/** A stable number from a string, for ids and versions. */
const num = (s: string) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);

function backgroundFinding(t: DemoTarget, k: number, severity: DemoSeverity, year: number): DemoFinding {
  const n = num(`${t.target}#${k}`);
  const cve = `CVE-${year}-${String(20000 + (n % 30000))}`;
  if (t.format === 'sarif') {
    const rule = codeRules[severity];
    const uri = `src/${['handlers', 'lib', 'routes', 'jobs'][n % 4]}/${['orders', 'users', 'export', 'search', 'billing'][k % 5]}.js`;
    const line = 10 + (n % 200);
    return { key: `${rule.id} ${uri}:${line}`, advisory: rule.id, severity, title: `${rule.title} (${uri})`, location: { uri, line } };
  }
  if (t.format === 'ocsf') {
    const c = prowlerChecks[k % prowlerChecks.length]!;
    const name = `${c.service}-${(n % 9000) + 1000}`;
    const arn = `arn:aws:${c.service}:${DEMO_AWS_REGION}:${DEMO_AWS_ACCOUNT}:${name}`;
    return { key: `${c.id} ${arn}`, advisory: c.id, severity, title: c.title, resource: { arn, name, type: c.type, service: c.service }, compliance: { SOC2: c.soc2 } };
  }
  const os = t.format === 'trivy' && k % 2 === 0;
  const list = t.format === 'grype' ? goModules : os ? osPackages : npmPackages;
  const name = list[n % list.length]!;
  const version = t.format === 'grype' ? `0.${(n % 20) + 10}.${n % 7}` : os ? `${(n % 3) + 1}.${n % 10}.${n % 5}-1+deb12u${n % 4}` : `${(n % 4) + 1}.${n % 12}.${n % 9}`;
  const ecosystem = t.format === 'grype' ? 'go-module' : os ? 'debian' : t.format === 'osv-scanner' ? 'npm' : 'node-pkg';
  return { key: `${cve} ${name}@${version}`, advisory: cve, severity, title: `${name}: ${['denial of service', 'out-of-bounds read', 'prototype pollution', 'request smuggling', 'path traversal'][n % 5]}`, package: { name, version, fixed: `${version}.1`, ecosystem, os } };
}

function plantedEpisodes(anchor: Date, targets: Record<string, DemoTarget>): Episode[] {
  const a = (days: number) => new Date(anchor.getTime() + days * DAY_MS + 9 * HOUR_MS);
  const ep = (target: DemoTarget, finding: DemoFinding, appears: Date, fixed: Date | null): Episode => ({ target, finding, appears, fixed, planted: true });
  return [
    ep(
      targets.api!,
      { key: 'CVE-2026-21337 libssl3@3.0.15-1~deb12u1', advisory: 'CVE-2026-21337', severity: 'critical', title: 'openssl: remote code execution in the TLS 1.3 key share parser', package: { name: 'libssl3', version: '3.0.15-1~deb12u1', fixed: '3.0.15-1~deb12u2', ecosystem: 'debian', os: true } },
      a(-40),
      null,
    ),
    ep(
      targets.billing!,
      { key: 'CVE-2026-14410 jackson-databind@2.15.2', advisory: 'CVE-2026-14410', severity: 'high', title: 'jackson-databind: deserialization of untrusted polymorphic types', package: { name: 'jackson-databind', version: '2.15.2', fixed: '2.15.4', ecosystem: 'jar', os: false } },
      a(-120),
      a(-75),
    ),
    ep(
      targets.infra!,
      { key: 'GHSA-x2f9-8h3c-96p6 github.com/hashicorp/go-getter@1.7.3', advisory: 'GHSA-x2f9-8h3c-96p6', severity: 'medium', title: 'go-getter: arbitrary file write via symlinks in archives', package: { name: 'github.com/hashicorp/go-getter', version: '1.7.3', fixed: '1.7.5', ecosystem: 'go-module', os: false } },
      a(-220),
      a(-100),
    ),
    ep(
      targets.authCode!,
      { key: 'js/sql-injection src/session/lookup.js:88', advisory: 'js/sql-injection', severity: 'high', title: 'This query string depends on a user-provided value.', location: { uri: 'src/session/lookup.js', line: 88 } },
      a(-50),
      null,
    ),
    ep(
      targets.aws!,
      {
        key: `s3_bucket_level_public_access_block arn:aws:s3:::${DATA_EXPORTS_BUCKET}`,
        advisory: 's3_bucket_level_public_access_block',
        severity: 'high',
        title: 'Check S3 Bucket Level Public Access Block.',
        resource: { arn: `arn:aws:s3:::${DATA_EXPORTS_BUCKET}`, name: DATA_EXPORTS_BUCKET, type: 'AwsS3Bucket', service: 's3' },
        compliance: { SOC2: ['cc_6_1', 'cc_6_6'], 'ISO27001-2022': ['A.8.3'], 'NIST-800-171-Revision-2': ['3_1_22', '3_13_1'], 'CIS-2.0': ['2.1.4'] },
      },
      a(-60),
      null,
    ),
  ];
}

export function createDemoScanning(org: DemoOrg): DemoScanning {
  const anchor = day(org.anchor);
  const image = (repo: string, hour: number, stopsAt?: Date): DemoTarget => ({ format: 'trivy', source: 'trivy', target: `${REGISTRY}/${repo}:production`, hour, ...(stopsAt ? { stopsAt } : {}) });
  const code = (repo: string, hour: number): DemoTarget => ({ format: 'sarif', source: 'code-scanning', target: `https://github.com/demo-corp/${repo}`, hour });
  const named = {
    api: image('api', 2),
    billing: image('billing', 2),
    webApp: image('web-app', 3),
    auth: image('auth-service', 3),
    pipeline: image('data-pipeline', 4, new Date(anchor.getTime() - 19 * DAY_MS)),
    infra: { format: 'grype', source: 'grype', target: '/builds/demo-corp/infra', hour: 5 } as DemoTarget,
    apiCode: code('api', 6),
    webCode: code('web-app', 6),
    authCode: code('auth-service', 7),
    aws: { format: 'ocsf', source: 'prowler', target: `aws:${DEMO_AWS_ACCOUNT}`, hour: 1 } as DemoTarget,
    mobile: { format: 'osv-scanner', source: 'osv-scanner', target: DEMO_OSV_TARGET, hour: 8 } as DemoTarget,
  };
  const targets = Object.values(named);
  const episodes: Episode[] = plantedEpisodes(anchor, named);
  // Open and within its SLA however long the demo runs (180 days for a low one): the OSV-Scanner
  // file always has something to show.
  episodes.push({
    target: named.mobile,
    finding: { key: 'CVE-2026-33017 semver@7.5.1', advisory: 'CVE-2026-33017', severity: 'low', title: 'semver: inefficient regular expression on long version ranges', package: { name: 'semver', version: '7.5.1', fixed: '7.5.2', ecosystem: 'npm', os: false } },
    appears: new Date(anchor.getTime() - 10 * DAY_MS),
    fixed: null,
    planted: false,
  });
  targets.forEach((t, i) => {
    const end = (t.stopsAt ?? org.horizon).getTime() - 14 * DAY_MS;
    for (let k = 0; ; k++) {
      const appears = new Date(org.periodStart.getTime() + (i * 3 + k * 5) * WEEK_MS + 30 * HOUR_MS);
      const severity = cycle[(i + k) % cycle.length]!;
      const fixed = new Date(appears.getTime() + fixAfterDays[severity] * DAY_MS);
      if (fixed.getTime() > end) break;
      episodes.push({ target: t, finding: backgroundFinding(t, k, severity, appears.getUTCFullYear()), appears, fixed, planted: false });
    }
  });
  const scans: DemoScan[] = [];
  for (const t of targets) {
    for (let at = org.periodStart.getTime() + t.hour * HOUR_MS; at <= org.horizon.getTime(); at += WEEK_MS) {
      if (t.stopsAt && at > t.stopsAt.getTime()) break;
      const findings = episodes.filter((e) => e.target === t && e.appears.getTime() <= at && (!e.fixed || e.fixed.getTime() > at)).map((e) => e.finding);
      scans.push({ target: t, at: new Date(at), findings });
    }
  }
  scans.sort((x, y) => x.at.getTime() - y.at.getTime());
  return { targets, episodes, scans };
}

export type PlantedScanFailure =
  | { kind: 'vulnerability-past-sla'; source: string; target: string; key: string; severity: DemoSeverity; appears: Date; fixed: Date | null }
  | { kind: 'scanner-stopped'; source: string; target: string; lastScan: Date };

/** The remediation SLA in days, as vulnerability.remediation-sla has it by default. */
export const DEMO_SLA_DAYS: Record<DemoSeverity, number> = { critical: 15, high: 30, medium: 90, low: 180 };

/**
 * The vulnerability failures planted in the demo that have happened by `now`, judged as Vigil sees
 * them — from the scans: first detected at the first scan after a finding appeared, fixed at the
 * first scan after the fix. What the vulnerability checks must report, and nothing else.
 */
export function plantedScanFailures(model: DemoScanning, now: Date): PlantedScanFailure[] {
  const out: PlantedScanFailure[] = [];
  const scansOf = (t: DemoTarget) => model.scans.filter((s) => s.target === t && s.at.getTime() <= now.getTime());
  for (const e of model.episodes) {
    if (!e.planted) continue;
    const scans = scansOf(e.target);
    const detected = scans.find((s) => s.at.getTime() >= e.appears.getTime());
    if (!detected) continue;
    const fixScan = e.fixed ? scans.find((s) => s.at.getTime() >= e.fixed!.getTime()) : undefined;
    const due = detected.at.getTime() + DEMO_SLA_DAYS[e.finding.severity] * DAY_MS;
    if (fixScan ? fixScan.at.getTime() <= due : now.getTime() <= due) continue;
    out.push({ kind: 'vulnerability-past-sla', source: e.target.source, target: e.target.target, key: e.finding.key, severity: e.finding.severity, appears: e.appears, fixed: fixScan?.at ?? null });
  }
  for (const t of model.targets) {
    const last = scansOf(t).at(-1);
    if (t.stopsAt && last && now.getTime() > last.at.getTime() + 7 * DAY_MS) out.push({ kind: 'scanner-stopped', source: t.source, target: t.target, lastScan: last.at });
  }
  return out;
}
