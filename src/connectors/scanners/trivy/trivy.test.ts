import { describe, expect, it } from 'vitest';
import { alwaysEmptyFields, assertEveryFieldDescribed } from '../../sdk/testing/index.ts';
import { findingSchema, scanRowSchema } from '../scan-row.ts';
import { readFixture, readText, rejection } from '../testing.ts';
import { trivy } from './index.ts';

const read = (name: string, target?: string) => readFixture('trivy', import.meta.url, name, target);

describe('trivy: reading a JSON report', () => {
  it('describes every config and row field (the docs page is generated from them)', () => {
    assertEveryFieldDescribed(trivy.configSchema as never, 'config');
    assertEveryFieldDescribed(scanRowSchema, 'scans');
  });

  it('makes one scan of the artifact, at CreatedAt, with one finding per vulnerable package and advisory', () => {
    const [row, ...rest] = read('api-image.week1.json');
    expect(rest).toEqual([]);
    expect(scanRowSchema.parse(row)).toEqual(row);
    expect({ ...row, findings: undefined }).toEqual({
      id: `${row!.fileSha256}:0`,
      file: 'api-image.week1.json',
      fileSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      format: 'trivy',
      scanner: 'Trivy',
      target: 'registry.example.com/acme/api:production',
      targetType: 'container_image',
      scannedAt: '2026-03-02T02:14:07.512Z',
      timeSource: 'scan',
      findings: undefined,
    });
    // express appears in two node_modules folders: one vulnerability of the image, not two.
    expect(row!.findings.map((f) => [f.key, f.severity, f.fixedVersion])).toEqual([
      ['CVE-2023-45853 zlib1g@1:1.2.13.dfsg-1', 'critical', null],
      ['CVE-2024-29041 express@4.18.2', 'medium', '4.19.2, 5.0.0-beta.3'],
      ['CVE-2024-2961 libc6@2.36-9+deb12u4', 'high', '2.36-9+deb12u7'],
    ]);
    expect(row!.findings[2]).toEqual({
      key: 'CVE-2024-2961 libc6@2.36-9+deb12u4',
      kind: 'package',
      advisory: 'CVE-2024-2961',
      aliases: [],
      package: 'libc6',
      version: '2.36-9+deb12u4',
      ecosystem: 'debian',
      fixedVersion: '2.36-9+deb12u7',
      location: 'registry.example.com/acme/api:production (debian 12.5)',
      severity: 'high',
      title: 'glibc: Out of bounds write in iconv may lead to remote code execution',
      url: 'https://avd.aquasec.com/nvd/cve-2024-2961',
      firstSeenAt: null,
      requirements: [],
    });
  });

  it('keeps failed misconfigurations and secrets, drops passed checks, and takes the target from the source when the report says "."', () => {
    const [row] = read('repo-fs.json', 'github.com/acme/api');
    expect(row!.target).toBe('github.com/acme/api');
    expect(row!.scannedAt).toBe('2026-03-04T10:20:30.123Z');
    expect(row!.findings.map((f) => [f.kind, f.key, f.severity, f.location])).toEqual([
      ['config', 'AVD-DS-0002 Dockerfile', 'high', 'Dockerfile'],
      ['secret', 'aws-access-key-id config/settings.env:3', 'critical', 'config/settings.env:3'],
    ]);
    expect(read('repo-fs.json')[0]!.target).toBe('.');
  });

  it('fills every finding field Trivy has in at least one fixture (first-seen times and compliance tags are OCSF-only)', () => {
    const findings = ['api-image.week1.json', 'api-image.week2.json', 'repo-fs.json'].flatMap((f) => read(f)[0]!.findings);
    expect(alwaysEmptyFields(findingSchema, findings)).toEqual(['firstSeenAt', 'requirements']);
  });

  it('refuses an older or foreign document with the reason and the line', () => {
    const v1 = rejection(() => readText('trivy', '[\n  {"Target": "alpine:3.10", "Vulnerabilities": []}\n]', 'old.json'));
    expect(v1.where).toBe('old.json:1');
    expect(v1.message).toBe(
      'not a valid Trivy JSON file: line 1: (the document): expected a Trivy JSON report: an object with SchemaVersion 2, ArtifactName and Results (trivy … --format json)',
    );
    const bad = rejection(() =>
      readText('trivy', '{\n "SchemaVersion": 2,\n "ArtifactName": "x",\n "Results": [\n  {"Target": "t",\n   "Vulnerabilities": [\n    {"PkgName": "openssl", "InstalledVersion": "1"}\n   ]}\n ]\n}', 'cut.json'),
    );
    expect([bad.where, bad.message]).toEqual(['cut.json:7', 'not a valid Trivy JSON file: line 7: Results[0].Vulnerabilities[0].VulnerabilityID: Invalid input: expected string, received undefined']);
    const when = rejection(() => readText('trivy', '{"SchemaVersion": 2,\n"CreatedAt": "yesterday",\n"ArtifactName": "x"}'));
    expect(when.message).toBe('not a valid Trivy JSON file: line 2: CreatedAt: "yesterday" is not a date and time');
  });
});
