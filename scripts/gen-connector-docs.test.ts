import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffConnectorDocs, writeConnectorDocs } from './gen-connector-docs.ts';

describe('docs/connectors', () => {
  it('are exactly what scripts/gen-connector-docs.ts writes (run it after changing a connector)', () => {
    expect(diffConnectorDocs()).toEqual({ stale: [], extra: [] });
  });

  it('are rewritten when stale and cleared of pages no connector produces', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-docs-'));
    writeFileSync(join(dir, 'README.md'), 'hand-edited');
    writeFileSync(join(dir, 'gone.md'), 'a removed connector');
    // Every registered connector's page is missing from the fresh folder too.
    const before = diffConnectorDocs(dir);
    expect(before.stale).toContain('README.md');
    expect(before.extra).toEqual(['gone.md']);
    writeConnectorDocs(dir);
    expect(diffConnectorDocs(dir)).toEqual({ stale: [], extra: [] });
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/^# Connectors\n/);
  });
});
