import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../../db/testing.ts';
import { cliProject, runCli, type CliProject } from '../testing.ts';

let project: CliProject;
beforeAll(async () => {
  project = await cliProject();
});
afterAll(async () => {
  await project?.close();
});

interface Row {
  id: string;
  title: string;
  area: string;
  ownerRole: string;
  owner: string | null;
  frequency: string;
  requirements: { framework: string; id: string; strength: string }[];
}

describe(`vigil controls (${testDbKind()})`, () => {
  it('lists controls of one area with only the chosen framework’s links, YAML overrides applied', async () => {
    writeFileSync(join(project.dir, 'override.yaml'), 'controls:\n  - id: ACC-04\n    owner: it-lead@example.com\n    frequency: daily\n');
    project.writeConfig('controls:\n  paths: [override.yaml]\n');
    const r = await runCli(['-c', project.config, 'controls', '--area', 'access', '--framework', 'iso27001', '--json']);
    expect([r.code, r.err]).toEqual([0, '']);
    const rows = JSON.parse(r.out) as Row[];
    expect(rows.length).toBeGreaterThan(15);
    expect(rows.every((c) => c.area === 'access' && c.requirements.every((l) => l.framework === 'iso27001'))).toBe(true);
    expect(rows.find((c) => c.id === 'ACC-04')).toMatchObject({ owner: 'it-lead@example.com', frequency: 'daily', ownerRole: 'IT administrator' });

    const human = await runCli(['-c', project.config, 'controls', '--area', 'backup']);
    expect(human.out).toMatch(/^ID\s+AREA\s+FREQUENCY\s+OWNER ROLE\s+TITLE\s+REQUIREMENTS$/m);
    expect(human.out).toMatch(/^BCK-04\s+backup\s+annual\s+Platform lead\s+Restores are tested every year against RTO and RPO\s+A1\.3 \(CC7\.5\)/m);
  });

  it('stops with the file, line and path when a controls file is invalid (exit 3)', async () => {
    writeFileSync(join(project.dir, 'override.yaml'), 'controls:\n  - id: ACC-04\n    frequency: sometimes\n');
    const r = await runCli(['-c', project.config, 'controls']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^vigil: override\.yaml:3:5: controls\[0\]\.frequency: Invalid option/);
  });
});
