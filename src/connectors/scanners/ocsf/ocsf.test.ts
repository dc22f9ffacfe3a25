import { describe, expect, it } from 'vitest';
import { scanRowSchema } from '../scan-row.ts';
import { readFixture, readText, rejection } from '../testing.ts';
import { requirementRefs } from './compliance.ts';

const read = (name: string, target?: string) => readFixture('ocsf', import.meta.url, name, target);

describe('ocsf: reading Detection Findings', () => {
  it('makes one scan per cloud account, keeping failed findings and dropping passed and muted ones', () => {
    const rows = read('prowler-aws.ocsf.json');
    for (const r of rows) expect(scanRowSchema.parse(r)).toEqual(r);
    expect(rows.map((r) => [r.target, r.targetType, r.scanner, r.scannedAt, r.findings.map((f) => f.key)])).toEqual([
      ['aws:111122223333', 'AWS Account', 'Prowler 5.4.1', '2026-03-02T07:00:20.000Z', ['s3_bucket_level_public_access_block arn:aws:s3:::acme-data-exports']],
      [
        'aws:444455556666',
        'AWS Account',
        'Prowler 5.4.1',
        '2026-03-02T07:05:00.000Z',
        ['ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22 arn:aws:ec2:us-west-2:444455556666:security-group/sg-0a1b2c3d4e5f60718'],
      ],
    ]);
  });

  it("maps Prowler's compliance tags to requirement refs, and keeps the scanner's first-seen time", () => {
    const [prod, staging] = read('prowler-aws.ocsf.json');
    expect(prod!.findings[0]).toMatchObject({
      kind: 'config',
      advisory: 's3_bucket_level_public_access_block',
      location: 'arn:aws:s3:::acme-data-exports',
      severity: 'high',
      title: 'Check S3 Bucket Level Public Access Block.',
      url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
      firstSeenAt: null,
      requirements: ['iso27001:A.8.20', 'iso27001:A.8.3', 'nist-800-171:3.1.1', 'nist-800-171:3.1.22', 'nist-800-171:3.13.1', 'soc2:CC6.1', 'soc2:CC6.6'],
    });
    expect(staging!.findings[0]!.firstSeenAt).toBe('2026-01-31T09:00:00.000Z');
  });

  it('reads JSON Lines from other producers, with millisecond times, and a target from the source', () => {
    const [row] = read('detections.jsonl', 'k8s:payments-cluster');
    expect([row!.target, row!.scanner, row!.scannedAt]).toEqual(['k8s:payments-cluster', 'kube-bench 0.9.1', '2026-03-03T07:01:00.000Z']);
    expect(row!.findings.map((f) => [f.key, f.severity, f.firstSeenAt])).toEqual([['5.2.6 payments/deployment/payments-api', 'medium', '2026-02-20T08:00:00.000Z']]);
  });

  it('turns the framework keys Prowler writes into Vigil refs and ignores the frameworks Vigil does not carry', () => {
    expect(requirementRefs({ SOC2: ['cc_7_1', 'a_1_2'], 'ISO27001-2022': ['A.5.15'], 'NIST-800-171-Revision-2': ['3_14_1'], 'CIS-2.0': ['1.1'], HIPAA: ['164_308'] })).toEqual([
      'iso27001:A.5.15',
      'nist-800-171:3.14.1',
      'soc2:A1.2',
      'soc2:CC7.1',
    ]);
  });

  it('refuses another OCSF class, and a JSON Lines record that is not JSON, with the line', () => {
    const other = rejection(() => readText('ocsf', '[\n {"class_uid": 2004, "finding_info": {"uid": "a"}, "metadata": {}},\n {"class_uid": 2001, "finding_info": {"uid": "b"}, "metadata": {}}\n]'));
    expect(other.message).toBe('not a valid OCSF Detection Finding file: line 3: [1].class_uid: class_uid must be 2004 (Detection Finding); Prowler 4 and later write Detection Findings with -M json-ocsf');
    const lines = rejection(() => readText('ocsf', '{"class_uid": 2004, "finding_info": {"uid": "a"}, "metadata": {}}\n{"class_uid": 2004, "finding_info": {"uid": "b"},\n', 'f.jsonl'));
    expect(lines.where).toBe('f.jsonl:2');
  });
});
