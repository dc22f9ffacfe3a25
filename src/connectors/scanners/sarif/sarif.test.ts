import { describe, expect, it } from 'vitest';
import { scanRowSchema } from '../scan-row.ts';
import { IMPORTED_AT, readFixture, readText, rejection } from '../testing.ts';

const read = (name: string, target?: string) => readFixture('sarif', import.meta.url, name, target);

describe('sarif: reading a SARIF 2.1.0 log', () => {
  it('makes a scan of the analysed repository at the invocation end time, keeping open results only', () => {
    const [row] = read('codeql-api.sarif');
    expect(scanRowSchema.parse(row)).toEqual(row);
    expect([row!.target, row!.targetType, row!.scanner, row!.scannedAt]).toEqual(['https://github.com/acme/api', 'repository', 'CodeQL 2.19.1', '2026-03-05T10:04:31.406Z']);
    // The suppressed unused-variable note and the passed query are not findings.
    expect(row!.findings).toEqual([
      {
        key: 'js/missing-rate-limiting src/routes/login.js:12',
        kind: 'code',
        advisory: 'js/missing-rate-limiting',
        aliases: [],
        package: null,
        version: null,
        ecosystem: null,
        fixedVersion: null,
        location: 'src/routes/login.js:12',
        severity: 'high',
        title: 'This route handler performs [a database access](1), but is not rate-limited.',
        url: null,
        firstSeenAt: null,
        requirements: [],
      },
      {
        key: 'js/sql-injection src/routes/orders.js#8b0f2e5f3a1c9d7e:1',
        kind: 'code',
        advisory: 'js/sql-injection',
        aliases: [],
        package: null,
        version: null,
        ecosystem: null,
        fixedVersion: null,
        location: 'src/routes/orders.js:42',
        severity: 'high',
        title: 'This query string depends on a [user-provided value](1).',
        url: 'https://codeql.github.com/codeql-query-help/javascript/js-sql-injection/',
        firstSeenAt: null,
        requirements: [],
      },
    ]);
  });

  it('leaves a failed run out, rates by level without security-severity, and falls back to the import time and the tool', () => {
    const [row, ...rest] = read('semgrep-two-runs.sarif');
    expect(rest).toEqual([]);
    expect([row!.target, row!.scanner, row!.scannedAt, row!.timeSource]).toEqual(['Semgrep OSS', 'Semgrep OSS 1.90.0', IMPORTED_AT.toISOString(), 'import']);
    expect(row!.findings.map((f) => [f.key.slice(0, 96), f.severity, f.location])).toEqual([
      ['python.lang.security.audit.subprocess-shell-true.subprocess-shell-true scripts/deploy.py#3c5b0e7', 'high', 'scripts/deploy.py:18'],
    ]);
    expect(read('semgrep-two-runs.sarif', 'github.com/acme/tools')[0]!.target).toBe('github.com/acme/tools');
  });

  it('refuses a log whose every run failed, and one of another SARIF version, with the line', () => {
    const failed = rejection(() =>
      readText('sarif', '{"version": "2.1.0", "runs": [\n {"tool": {"driver": {"name": "x"}},\n  "invocations": [{"executionSuccessful": false}]}]}', 'f.sarif'),
    );
    expect(failed.message).toBe(
      'not a valid SARIF 2.1.0 file: line 3: every run says its execution failed (executionSuccessful: false): a failed analysis is not a scan, so nothing is imported',
    );
    const old = rejection(() => readText('sarif', '{\n  "version": "1.0.0",\n  "runs": []\n}'));
    expect(old.message).toBe('not a valid SARIF 2.1.0 file: line 2: version: version must be "2.1.0" (SARIF 2.1.0 is the version Vigil reads)');
    const ruleless = rejection(() => readText('sarif', '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},\n "results": [\n  {"message": {"text": "?"}}]}]}'));
    expect(ruleless.message).toBe('not a valid SARIF 2.1.0 file: line 3: a result names no rule (ruleId, rule.id or ruleIndex)');
  });
});
