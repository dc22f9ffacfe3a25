import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docsDir, renderControlsDoc, renderFrameworksDoc } from './docs.ts';
import { loadLibrary } from './library.ts';

const stale = 'is stale: run `node bin/run-ts.js scripts/gen-catalog-docs.ts` and commit the result';

describe('generated catalog docs', () => {
  it('docs/frameworks.md matches the catalog', () => {
    expect(readFileSync(`${docsDir}frameworks.md`, 'utf8'), `docs/frameworks.md ${stale}`).toBe(renderFrameworksDoc());
  });

  it('docs/controls.md matches the control library', () => {
    const text = readFileSync(`${docsDir}controls.md`, 'utf8');
    expect(text, `docs/controls.md ${stale}`).toBe(renderControlsDoc());
    for (const c of loadLibrary()) expect(text).toContain(`| ${c.id} | ${c.title} |`);
  });

  it('says which crosswalk source gives how many links', () => {
    const text = renderFrameworksDoc();
    expect(text).toMatch(/\| prowler-shared-checks \| soc2 ↔ iso27001 \| 0 \| \d+ \|/);
    expect(text).toMatch(/\| vigil-judgement \| iso27001 ↔ nist-800-171 \| \d+ \| \d+ \|/);
  });
});
