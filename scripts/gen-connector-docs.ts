/**
 * Writes docs/connectors/<id>.md for every registered connector, and docs/connectors/README.md as
 * the index, from the manifests and zod schemas. Never edit those files by hand: run
 *   node bin/run-ts.js scripts/gen-connector-docs.ts          (write)
 *   node bin/run-ts.js scripts/gen-connector-docs.ts --check  (exit 1 if they are out of date)
 * gen-connector-docs.test.ts fails when the committed pages differ from what this writes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { connectors } from '../src/connectors/registry.ts';
import { renderConnectorDocs } from '../src/connectors/sdk/docs.ts';

export const docsDir = fileURLToPath(new URL('../docs/connectors/', import.meta.url));

export interface DocsDiff {
  /** Files missing or different from what the generator writes. */
  stale: string[];
  /** Markdown files in the folder that no registered connector produces. */
  extra: string[];
}

export function diffConnectorDocs(dir = docsDir): DocsDiff {
  const wanted = renderConnectorDocs(connectors);
  const stale = [...wanted].filter(([name, text]) => !existsSync(join(dir, name)) || readFileSync(join(dir, name), 'utf8') !== text).map(([n]) => n);
  const extra = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md') && !wanted.has(f)) : [];
  return { stale, extra };
}

export function writeConnectorDocs(dir = docsDir): DocsDiff {
  const diff = diffConnectorDocs(dir);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of renderConnectorDocs(connectors)) if (diff.stale.includes(name)) writeFileSync(join(dir, name), text);
  for (const name of diff.extra) rmSync(join(dir, name));
  return diff;
}

function main(argv: string[]): number {
  if (argv.includes('--check')) {
    const { stale, extra } = diffConnectorDocs();
    if (stale.length + extra.length === 0) return 0;
    console.error(`docs/connectors is out of date (stale: ${stale.join(', ') || 'none'}; not generated: ${extra.join(', ') || 'none'}).`);
    console.error('Run: node bin/run-ts.js scripts/gen-connector-docs.ts');
    return 1;
  }
  const { stale, extra } = writeConnectorDocs();
  console.log(`docs/connectors: ${stale.length} written, ${extra.length} removed, ${connectors.length} connectors.`);
  return 0;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  process.exitCode = main(process.argv.slice(2));
}
