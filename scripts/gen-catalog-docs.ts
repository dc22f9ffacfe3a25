/**
 * Writes docs/frameworks.md and docs/controls.md from src/catalog. With --check, writes nothing
 * and exits 1 when a committed file differs from what would be written (for CI).
 *
 *   node bin/run-ts.js scripts/gen-catalog-docs.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { docsDir, renderControlsDoc, renderFrameworksDoc } from '../src/catalog/docs.ts';

const check = process.argv.includes('--check');
const docs = { 'frameworks.md': renderFrameworksDoc(), 'controls.md': renderControlsDoc() };
let stale = 0;
for (const [name, text] of Object.entries(docs)) {
  const file = `${docsDir}${name}`;
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) {
    console.error(`docs/${name} is stale: run node bin/run-ts.js scripts/gen-catalog-docs.ts`);
    stale++;
  } else {
    writeFileSync(file, text);
    console.log(`wrote docs/${name}`);
  }
}
process.exitCode = stale ? 1 : 0;
