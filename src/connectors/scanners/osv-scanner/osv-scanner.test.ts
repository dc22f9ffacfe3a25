import { describe, expect, it } from 'vitest';
import { scanRowSchema } from '../scan-row.ts';
import { IMPORTED_AT, readFixture, readText, rejection } from '../testing.ts';

const read = (name: string, target?: string) => readFixture('osv-scanner', import.meta.url, name, target);

describe('osv-scanner: reading JSON output', () => {
  it('makes one finding per group of aliases, named by its CVE, at the import time and for the source target', () => {
    const [row, ...rest] = read('lockfiles.json', 'github.com/acme/mobile');
    expect(rest).toEqual([]);
    expect(scanRowSchema.parse(row)).toEqual(row);
    expect([row!.target, row!.scanner, row!.scannedAt, row!.timeSource]).toEqual(['github.com/acme/mobile', 'OSV-Scanner', IMPORTED_AT.toISOString(), 'import']);
    expect(row!.findings.map((f) => [f.key, f.severity, f.fixedVersion, f.aliases])).toEqual([
      ['CVE-2023-45857 axios@1.6.0', 'medium', '1.6.0', ['GHSA-wf5p-g6vw-rhxx']],
      // Two OSV records (the Go advisory and the GHSA) are one vulnerability.
      ['CVE-2023-48795 golang.org/x/crypto@0.16.0', 'medium', '0.17.0', ['GHSA-45x7-px36-x8w8', 'GO-2023-2402']],
      ['CVE-2024-39338 axios@1.6.0', 'high', '1.7.4', ['GHSA-8hc4-vh64-cxmj']],
    ]);
    expect(row!.findings[2]).toMatchObject({
      package: 'axios',
      version: '1.6.0',
      ecosystem: 'npm',
      location: '/home/runner/work/mobile/mobile/package-lock.json',
      title: 'Server-Side Request Forgery in axios',
      url: 'https://osv.dev/vulnerability/GHSA-8hc4-vh64-cxmj',
    });
  });

  it('reads the first releases\' packageSource, and rates a group without max_severity by its records', () => {
    const [row] = read('early-format.json');
    expect(row!.target).toBe('osv-scanner');
    expect(row!.findings.map((f) => [f.key, f.severity, f.location])).toEqual([['CVE-2022-24713 regex@1.5.1', 'high', '/absolute/path/to/Cargo.lock']]);
  });

  it('reads an output with no vulnerable package as a clean scan of the target', () => {
    expect(readText('osv-scanner', '{"results": []}', 'clean.json', 'github.com/acme/mobile')[0]!.findings).toEqual([]);
  });

  it('refuses a package without a name, naming the line', () => {
    const e = rejection(() => readText('osv-scanner', '{"results": [{"source": {"path": "a/package-lock.json"},\n "packages": [\n  {"package": {"version": "1.0.0"}}]}]}', 'o.json'));
    expect([e.where, e.message]).toEqual(['o.json:3', 'not a valid OSV-Scanner JSON file: line 3: results[0].packages[0].package.name: Invalid input: expected string, received undefined']);
  });
});
