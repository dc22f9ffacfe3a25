import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from './app.ts';
import { apiDocPath, renderApiDoc } from './api-doc.ts';
import { routeKey } from './http/route.ts';

describe('docs/api.md', () => {
  it('lists every route with who may call it (regenerate: node bin/run-ts.js src/server/api-doc.ts)', () => {
    const text = readFileSync(apiDocPath, 'utf8');
    expect(text, 'docs/api.md is stale: run `node bin/run-ts.js src/server/api-doc.ts`').toBe(renderApiDoc(text));
    for (const r of apiRoutes()) expect(text, routeKey(r)).toContain(`| ${r.method.toUpperCase()} | \`${r.path}\` |`);
  });
});
