import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { builtInChecks } from './registry.ts';
import { createInputReader } from './sdk/inputs.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { createTestDb } from '../db/testing.ts';
import { loadLibrary } from '../catalog/index.ts';
import { checkDocsStale } from '../../scripts/gen-check-docs.ts';

const checksDir = fileURLToPath(new URL('./', import.meta.url));
const isCheck = (v: unknown): v is { id: string; evaluate: unknown; controls: string[] } =>
  typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' && typeof (v as { evaluate?: unknown }).evaluate === 'function' && Array.isArray((v as { controls?: unknown }).controls);

describe('the check registry', () => {
  it('lists every check defined under src/checks/<area>/', async () => {
    const registered = new Set(builtInChecks.map((c) => c.id));
    const areas = readdirSync(checksDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !['sdk', 'sql'].includes(d.name));
    const missing: string[] = [];
    for (const area of areas) {
      for (const f of readdirSync(join(checksDir, area.name))) {
        if (!f.endsWith('.ts') || f.endsWith('.test.ts') || f.includes('.testing.')) continue;
        const mod = (await import(pathToFileURL(join(checksDir, area.name, f)).href)) as Record<string, unknown>;
        for (const v of Object.values(mod)) if (isCheck(v) && !registered.has(v.id)) missing.push(`${area.name}/${f}: ${v.id}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has unique ids, and every check tests controls the library has', () => {
    const ids = builtInChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const controls = new Set(loadLibrary().map((c) => c.id));
    const unknown = builtInChecks.flatMap((c) => c.controls.filter((id) => !controls.has(id)).map((id) => `${c.id} → ${id}`));
    expect(unknown).toEqual([]);
  });

  it('declares readsNow on exactly the checks that read the current time', async () => {
    // Over an empty inventory: every check reads \`now\` (or not) before it looks at any row. The
    // engine also refuses \`now\` to an undeclared check at run time, whatever rows it has.
    const db = await createTestDb();
    try {
      const ws = await createWorkspaceRepo(db.orm).ensure('acme', 'Acme');
      const wrong: string[] = [];
      for (const check of builtInChecks) {
        let read = false;
        const ctx = {
          workspaceId: ws.id,
          params: check.params.parse({}),
          inputs: createInputReader(db.orm, ws.id),
          get now() {
            read = true;
            return new Date('2026-03-02T08:00:00.000Z');
          },
        };
        // A check may refuse an empty inventory (the leaver check wants an HR roster): what it read until then counts.
        await check.evaluate(ctx).catch(() => undefined);
        if (read !== (check.readsNow ?? false)) wrong.push(`${check.id}: reads now ${read}, declares readsNow ${check.readsNow ?? false}`);
      }
      expect(wrong).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('is documented: docs/checks.md is what the generator writes', () => {
    expect(checkDocsStale(), 'run node bin/run-ts.js scripts/gen-check-docs.ts').toBe(false);
  });
});
