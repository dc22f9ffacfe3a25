import { describe, expect, it } from 'vitest';
import { scanRowSchema } from '../scan-row.ts';
import { readFixture, readText, rejection } from '../testing.ts';

const read = (name: string, target?: string) => readFixture('grype', import.meta.url, name, target);

describe('grype: reading a JSON report', () => {
  it('makes one scan of the image the user named, at the descriptor timestamp, one finding per match', () => {
    const [row] = read('web-image.json');
    expect(scanRowSchema.parse(row)).toEqual(row);
    expect([row!.target, row!.targetType, row!.scanner, row!.scannedAt, row!.timeSource]).toEqual([
      'registry.example.com/acme/web:production',
      'image',
      'grype 0.79.3',
      '2026-03-02T05:00:12.734Z',
      'scan',
    ]);
    expect(row!.findings.map((f) => [f.key, f.severity, f.aliases, f.fixedVersion, f.ecosystem])).toEqual([
      // The distro feed leaves it unrated; its NVD record (a related vulnerability) rates it High.
      ['CVE-2023-5363 libcrypto3@3.1.3-r0', 'high', [], '3.1.4-r0', 'apk'],
      ['CVE-2024-6119 libssl3@3.1.3-r0', 'info', [], null, 'apk'],
      ['GHSA-3h5v-q93c-6h6q ws@8.17.0', 'high', ['CVE-2024-37890'], '8.17.1', 'npm'],
    ]);
    expect(row!.findings[2]!.title).toBe('ws affected by a DoS when handling a request with many HTTP headers');
    expect(row!.findings[2]!.url).toBe('https://github.com/advisories/GHSA-3h5v-q93c-6h6q');
    expect(row!.findings[2]!.location).toBe('/app/node_modules/ws/package.json');
  });

  it('reads a clean directory scan as a scan of that directory with no findings (what marks earlier ones fixed)', () => {
    const [row] = read('tools-dir.json');
    expect([row!.target, row!.targetType, row!.scannedAt, row!.findings]).toEqual(['/builds/acme/tools', 'directory', '2026-03-02T03:02:40.118Z', []]);
  });

  it('refuses a report without its descriptor, naming the line', () => {
    const e = rejection(() => readText('grype', '{\n  "matches": [],\n  "source": {"type": "image", "target": {"userInput": "x"}}\n}', 'g.json'));
    expect(e.message).toBe('not a valid Grype JSON file: line 1: descriptor: Invalid input: expected object, received undefined');
    const m = rejection(() => readText('grype', '{"matches": [\n {"vulnerability": {"id": "CVE-1"},\n  "artifact": {"version": "1"}}\n], "descriptor": {}}'));
    expect(m.message).toBe('not a valid Grype JSON file: line 3: matches[0].artifact.name: Invalid input: expected string, received undefined');
  });
});
