import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../../db/testing.ts';
import { cliProject, runCli, type CliProject } from '../testing.ts';

let project: CliProject;
beforeAll(async () => {
  project = await cliProject();
  writeFileSync(
    join(project.dir, 'acme.yaml'),
    'controls:\n  - id: ACME-01\n    title: Bastion only\n    description: Engineers reach the database only through the bastion.\n    area: access\n    ownerRole: Platform lead\n    frequency: continuous\n    requirements:\n      soc2: { supporting: [CC6.6] }\n',
  );
  project.writeConfig('controls:\n  paths: [acme.yaml]\n');
});
afterAll(async () => {
  await project?.close();
});

describe(`vigil coverage (${testDbKind()})`, () => {
  it('prints every SOC 2 requirement with its controls as JSON; every common criterion has one', async () => {
    const r = await runCli(['-c', project.config, 'coverage', '--framework', 'soc2', '--json']);
    expect([r.code, r.err]).toEqual([0, '']);
    const reqs = JSON.parse(r.out) as { id: string; controls: { id: string; strength: string }[] }[];
    expect(reqs).toHaveLength(61);
    const common = reqs.filter((q) => q.id.startsWith('CC'));
    expect(common).toHaveLength(33);
    for (const q of common) {
      expect(q.controls.length, q.id).toBeGreaterThan(0);
      for (const c of q.controls) expect(['direct', 'supporting']).toContain(c.strength);
    }
    // Controls as code from vigil.yaml show up.
    expect(reqs.find((q) => q.id === 'CC6.6')!.controls).toContainEqual({ id: 'ACME-01', strength: 'supporting' });
  });

  it('ends the human output with the uncovered list and a summary', async () => {
    const r = await runCli(['-c', project.config, 'coverage', '--framework', 'iso27001']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REQUIREMENT\s+COVERAGE\s+TITLE\s+CONTROLS$/);
    expect(lines).toContain('Uncovered: none');
    expect(lines[lines.length - 1]).toMatch(/^iso27001: 93 requirements — \d+ covered directly, \d+ only by supporting controls, 0 uncovered$/);
  });

  it('rejects an unknown framework (exit 2, one JSON error on stderr) and a missing --framework', async () => {
    const bad = await runCli(['-c', project.config, 'coverage', '--framework', 'pci', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(JSON.parse(bad.err)).toMatchObject({ error: 'InvalidInput', message: 'unknown framework "pci"' });
    const missing = await runCli(['-c', project.config, 'coverage']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("required option '--framework <id>' not specified");
  });
});
