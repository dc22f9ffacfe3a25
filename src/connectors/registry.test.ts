import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../lib/errors.ts';
import { connectors, connectorTypes, getConnector } from './registry.ts';
import { undescribedFields } from './sdk/testing/index.ts';

const connectorsDir = fileURLToPath(new URL('./', import.meta.url));
const docsDir = fileURLToPath(new URL('../../docs/connectors/', import.meta.url));
/** Folders that are not connectors: the SDK, and the template (copied, never registered). */
const notConnectors = new Set(['sdk', '_template']);

/** Folders holding a family of connectors, one per sub-folder named for its type (scanners/trivy/). */
const families = new Set(['scanners']);
const subfolders = (dir: string) => readdirSync(`${connectorsDir}${dir}`, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_'));

const folders = readdirSync(connectorsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !notConnectors.has(d.name))
  .flatMap((d) => (families.has(d.name) ? subfolders(d.name).map((s) => s.name) : [d.name]))
  .sort();
/** The folder of a connector type: src/connectors/<id>/, or src/connectors/<family>/<id>/. */
const folderOf = (id: string) => [...families].map((f) => `${connectorsDir}${f}/${id}/`).find((p) => existsSync(p)) ?? `${connectorsDir}${id}/`;

describe('the connector registry', () => {
  it('lists every connector folder under src/connectors/ (the folder is named for the type)', () => {
    const missing = folders.filter((f) => !connectorTypes().includes(f));
    expect(missing, `add these to src/connectors/registry.ts: ${missing.join(', ')}`).toEqual([]);
  });

  it('has a folder with a README for every registered connector, and no duplicate types', () => {
    expect(new Set(connectorTypes()).size).toBe(connectors.length);
    for (const c of connectors) expect(existsSync(`${folderOf(c.id)}README.md`), `README.md of ${c.id}`).toBe(true);
  });

  it('has a generated doc page for every connector folder and every registered connector', () => {
    const missing = [...new Set([...folders, ...connectorTypes()])].filter((id) => !existsSync(`${docsDir}${id}.md`));
    expect(missing, 'run: node bin/run-ts.js scripts/gen-connector-docs.ts').toEqual([]);
  });

  it('holds only connectors whose every field is described', () => {
    for (const c of connectors) {
      const missing = [c.configSchema, ...c.resources.map((r) => r.schema), ...c.events.map((e) => e.schema)].flatMap((s) => undescribedFields(s));
      expect(missing, c.id).toEqual([]);
    }
  });

  it('refuses an unknown type with a config error that lists the known types', () => {
    let error: unknown;
    try {
      getConnector('no-such-provider');
    } catch (e) {
      error = e;
    }
    expect(isVigilError(error) && error._tag).toBe('InvalidConfig');
    expect((error as Error).message).toBe('unknown connector type "no-such-provider"');
    expect((error as { hint: string }).hint).toBe(connectors.length ? `known types: ${connectorTypes().join(', ')}` : 'no connectors are registered yet');
  });

  it('does not register the template', () => {
    expect(connectorTypes()).not.toContain('acme-people');
  });
});
