import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfigText } from './load.ts';
import { starterConfig } from './starter.ts';
import { VigilError } from '../../lib/errors.ts';

function errorOf(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('vigil.yaml', () => {
  it('parses the starter file that `vigil init` writes, with its defaults', () => {
    const cfg = parseConfigText(starterConfig, 'vigil.yaml', {});
    expect(cfg.workspace.slug).toBe('default');
    expect(cfg.server.port).toBe(7700);
    expect(cfg.findings.sla.critical).toBe('P15D');
    expect(cfg.evidence.retention.default).toBe('P15M');
    expect(cfg.sources).toEqual([]);
  });

  it('names file, line, path and the expected type for a wrong type', () => {
    const e = errorOf(() => parseConfigText('workspace:\n  slug: acme\nserver:\n  port: "eighty"\n', 'vigil.yaml', {}));
    expect(e._tag).toBe('InvalidConfig');
    expect(e.oneLine()).toBe('vigil.yaml:4:3: server.port: expected number, got string');
    expect(e.oneLine()).not.toContain('\n');
  });

  it('names an unknown key and where it is', () => {
    const e = errorOf(() => parseConfigText('workspace:\n  slug: acme\n  colour: blue\n', 'cfg/vigil.yaml', {}));
    expect(e.oneLine()).toBe('cfg/vigil.yaml:3:3: workspace.colour: unknown key "colour"');
  });

  it('names an unset environment variable and the path that uses it', () => {
    const text = 'sources:\n  - name: okta\n    type: okta\n    config:\n      token: ${OKTA_TOKEN}\n';
    const e = errorOf(() => parseConfigText(text, 'vigil.yaml', {}));
    expect(e.oneLine()).toBe(
      'vigil.yaml:5:7: sources[0].config.token: environment variable OKTA_TOKEN is not set (expected it to hold this value)',
    );
    const ok = parseConfigText(text, 'vigil.yaml', { OKTA_TOKEN: 's3cret' });
    expect(ok.sources[0]!.config.token).toBe('s3cret');
  });

  it('keeps a literal ${ when written as $${', () => {
    const cfg = parseConfigText('workspace:\n  name: "cost $${X}"\n', 'vigil.yaml', {});
    expect(cfg.workspace.name).toBe('cost ${X}');
  });

  it('rejects duplicate source names and malformed YAML with a position', () => {
    const dup = errorOf(() =>
      parseConfigText('sources:\n  - { name: a, type: okta }\n  - { name: a, type: github }\n', 'vigil.yaml', {}),
    );
    expect(dup.oneLine()).toMatch(/^vigil\.yaml:3:\d+: sources\[1\]\.name: duplicate source name "a"$/);
    const bad = errorOf(() => parseConfigText('workspace: [unclosed\n', 'vigil.yaml', {}));
    expect(bad.oneLine()).toMatch(/^vigil\.yaml:\d+:\d+: not valid YAML/);
  });

  it('takes DATABASE_URL over the file and resolves the data folder beside the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cfg-'));
    writeFileSync(join(dir, 'vigil.yaml'), 'database:\n  url: postgres://file/db\n');
    const before = readdirSync(dir);
    const a = loadConfig({ cwd: dir, env: {} });
    expect(a.databaseUrl).toBe('postgres://file/db');
    expect(a.dataDir).toBe(join(dir, '.vigil'));
    const b = loadConfig({ cwd: dir, env: { DATABASE_URL: 'postgres://env/db', VIGIL_HOME: '/srv/vigil' } });
    expect(b.databaseUrl).toBe('postgres://env/db');
    expect(b.dataDir).toBe('/srv/vigil');
    expect(readdirSync(dir)).toEqual(before); // loading writes nothing
  });

  it('fails clearly when --config names a missing file', () => {
    const e = errorOf(() => loadConfig({ path: 'nope.yaml', cwd: tmpdir(), env: {} }));
    expect(e._tag).toBe('NotFound');
    expect(e.oneLine()).toContain('nope.yaml');
  });
});
