import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../lib/errors.ts';
import { listControlFiles, parseControlText } from './control-files.ts';
import { loadCatalog } from './frameworks.ts';

const options = { catalog: loadCatalog(), overridable: (id: string) => id === 'ACC-04' };
const parse = (text: string) => parseControlText(text, 'controls/acme.yaml', options);

function errorOf(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const full = `controls:
  - id: ACME-01
    title: Bastion only
    description: Engineers reach the database only through the bastion.
    area: access
    ownerRole: Platform lead
    frequency: continuous
    requirements:
      soc2: { direct: [CC6.1], supporting: [CC6.6] }
      nist-800-171: { direct: [3.1.12] }
`;

describe('controls as code files', () => {
  it('reads a new control and flattens its links, direct before supporting', () => {
    const [entry] = parse(full);
    expect(entry!.where).toBe('controls/acme.yaml:2:5');
    expect(entry!.input.requirements).toEqual({ soc2: { direct: ['CC6.1'], supporting: ['CC6.6'] }, 'nist-800-171': { direct: ['3.1.12'] } });
  });

  it('accepts a partial override of a library control', () => {
    const [entry] = parse('controls:\n  - id: ACC-04\n    title: Leavers lose access within 8 hours\n');
    expect(entry!.input).toEqual({ id: 'ACC-04', title: 'Leavers lose access within 8 hours' });
  });

  it('says which fields a new control lacks, and that only library controls may be partial', () => {
    const e = errorOf(() => parse('controls:\n  - id: ACME-02\n    title: Something\n'));
    expect(e._tag).toBe('InvalidConfig');
    expect(e.oneLine()).toBe(
      'controls/acme.yaml:2:5: controls[0]: missing "description" — ACME-02 is not a library control, so it needs title, description, area, ownerRole, frequency; only library controls can be partly overridden',
    );
  });

  it('asks for an id when an entry has none', () => {
    const e = errorOf(() => parse('controls:\n  - title: No id here\n'));
    expect(e.oneLine()).toBe('controls/acme.yaml:2:5: controls[0].id: expected string, got nothing');
  });

  it('names file, line, path and what was expected for a wrong value', () => {
    const e = errorOf(() => parse(full.replace('frequency: continuous', 'frequency: sometimes')));
    expect(e.oneLine()).toMatch(/^controls\/acme\.yaml:7:5: controls\[0\]\.frequency: Invalid option: expected one of "continuous"\|"daily"/);
    const t = errorOf(() => parse(full.replace('title: Bastion only', 'title: 42')));
    expect(t.oneLine()).toBe('controls/acme.yaml:3:5: controls[0].title: expected string, got number');
  });

  it('names an unknown key', () => {
    const e = errorOf(() => parse(full.replace('    area: access\n', '    area: access\n    colour: blue\n')));
    expect(e.oneLine()).toBe('controls/acme.yaml:6:5: controls[0].colour: unknown key "colour"');
  });

  it('refuses a requirement id the framework does not have, pointing at the id', () => {
    const e = errorOf(() => parse(full.replace('supporting: [CC6.6]', 'supporting: [CC6.6, CC6.9]')));
    expect(e.where).toBe('controls/acme.yaml:9:52');
    expect(e.message).toBe('controls[0].requirements.soc2.supporting[1]: unknown SOC 2 Trust Services Criteria requirement "CC6.9"');
    expect(e.hint).toContain('vigil coverage --framework soc2');
  });

  it('refuses the same requirement listed as direct and supporting', () => {
    const e = errorOf(() => parse(full.replace('supporting: [CC6.6]', 'supporting: [CC6.1]')));
    expect(e.message).toBe('controls[0].requirements.soc2.supporting[0]: soc2 requirement "CC6.1" is listed twice');
  });

  it('refuses links to a framework controls cannot link to', () => {
    const e = errorOf(() => parse(full.replace('nist-800-171: {', 'cmmc-l2: {')));
    expect(e.message).toBe('controls[0].requirements.cmmc-l2: unknown key "cmmc-l2"');
  });

  it('reports malformed YAML with its position', () => {
    const e = errorOf(() => parse('controls:\n  - id: [unclosed\n'));
    expect(e.oneLine()).toMatch(/^controls\/acme\.yaml:\d+:\d+: not valid YAML/);
  });

  it('lists files and folders (recursively, *.yaml and *.yml, in name order) and refuses a missing path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-controls-'));
    mkdirSync(join(dir, 'ctl', 'sub'), { recursive: true });
    for (const f of ['ctl/b.yaml', 'ctl/a.yml', 'ctl/notes.txt', 'ctl/sub/c.yaml', 'one.yaml']) writeFileSync(join(dir, f), 'controls: []\n');
    expect(listControlFiles(['ctl', 'one.yaml'], dir).map((f) => f.slice(dir.length + 1))).toEqual([
      'ctl/a.yml',
      'ctl/b.yaml',
      'ctl/sub/c.yaml',
      'one.yaml',
    ]);
    const e = errorOf(() => listControlFiles(['ctl', 'missing/'], dir));
    expect(e._tag).toBe('NotFound');
    expect(e.message).toBe('controls.paths[1]: no such file or folder "missing/"');
    rmSync(dir, { recursive: true, force: true });
  });
});
