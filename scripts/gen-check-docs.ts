/**
 * Writes docs/checks.md from the registered checks. `--check` exits 1 when the committed file is
 * out of date (gen-check-docs.test.ts fails then too).
 *   node bin/run-ts.js scripts/gen-check-docs.ts [--check]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtInChecks } from '../src/checks/registry.ts';
import { renderCheckDocs } from '../src/checks/docs.ts';

export const checkDocsPath = fileURLToPath(new URL('../docs/checks.md', import.meta.url));

export const checkDocsStale = (path = checkDocsPath) => !existsSync(path) || readFileSync(path, 'utf8') !== renderCheckDocs(builtInChecks);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--check')) {
    if (checkDocsStale()) {
      console.error('docs/checks.md is out of date: run node bin/run-ts.js scripts/gen-check-docs.ts');
      process.exit(1);
    }
  } else {
    writeFileSync(checkDocsPath, renderCheckDocs(builtInChecks));
    console.log(`wrote ${checkDocsPath}`);
  }
}
