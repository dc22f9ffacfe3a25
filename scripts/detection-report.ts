/**
 * Writes docs/detection.md: the detection matchers scored on the labelled public event sets in
 * src/checks/detect/__fixtures__/. `--check` exits 1 when the committed file is out of date.
 *   node bin/run-ts.js scripts/detection-report.ts [--check]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderDetectionReport } from '../src/checks/detect/report.ts';

export const detectionDocPath = fileURLToPath(new URL('../docs/detection.md', import.meta.url));

export const detectionDocStale = (path = detectionDocPath) => !existsSync(path) || readFileSync(path, 'utf8') !== renderDetectionReport();

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--check')) {
    if (detectionDocStale()) {
      console.error('docs/detection.md is out of date: run node bin/run-ts.js scripts/detection-report.ts');
      process.exit(1);
    }
  } else {
    writeFileSync(detectionDocPath, renderDetectionReport());
    console.log(`wrote ${detectionDocPath}`);
  }
}
