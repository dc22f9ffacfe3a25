import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { createTestDb, testDbKind, type TestDb } from '../db/testing.ts';
import { loadLibrary } from './library.ts';
import { createControlService } from './service.ts';
import { syncControls } from './sync.ts';

let db: TestDb;
let dir: string;
let workspaceId: string;
// A SOC 2 criterion that exactly one library control covers, and that control.
const library = loadLibrary();
const [lonely, soleControl] = (() => {
  for (const id of ['CC1.2', 'CC1.3', 'CC3.3', 'CC3.4', 'CC5.2', 'CC6.4', 'CC6.5']) {
    const cs = library.filter((c) => c.requirements.some((l) => l.framework === 'soc2' && l.id === id));
    if (cs.length === 1) return [id, cs[0]!.id];
  }
  throw new Error('every candidate criterion has several controls; pick another');
})();

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(join(tmpdir(), 'vigil-service-'));
  writeFileSync(
    join(dir, 'controls.yaml'),
    `controls:\n  - id: ${soleControl}\n    requirements:\n      soc2: {}\n  - id: ACME-01\n    title: Own control\n    description: A control of our own, for the test.\n    area: network\n    ownerRole: Platform lead\n    frequency: weekly\n    requirements:\n      nist-800-171: { supporting: [3.13.1] }\n    unmapped: { soc2: none, iso27001: none }\n`,
  );
  workspaceId = (await createWorkspaceRepo(db.orm).ensure('svc', 'Svc')).id;
  await syncControls({ db, workspaceId, paths: ['controls.yaml'], baseDir: dir });
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`control service (${testDbKind()})`, () => {
  it('lists every control, ordered, with links ordered soc2, iso27001, nist-800-171', async () => {
    const all = await createControlService({ db, workspaceId }).list();
    expect(all).toHaveLength(library.length + 1);
    expect(all[0]!.id).toBe('ACC-01');
    const acc01 = all[0]!.requirements.map((l) => l.framework);
    expect(acc01).toEqual([...acc01].sort((a, b) => ['soc2', 'iso27001', 'nist-800-171'].indexOf(a) - ['soc2', 'iso27001', 'nist-800-171'].indexOf(b)));
  });

  it('gets one control by id exactly as the list shows it, and nothing for an unknown id', async () => {
    const svc = createControlService({ db, workspaceId });
    const all = await svc.list();
    for (const id of ['ACC-01', 'ACME-01']) expect(await svc.get(id)).toEqual(all.find((c) => c.id === id));
    expect(await svc.get('NOPE-99')).toBeUndefined();
  });

  it('filters by area, and by framework keeping only that framework’s links', async () => {
    const svc = createControlService({ db, workspaceId });
    const network = await svc.list({ area: 'network' });
    expect(network.map((c) => c.id)).toContain('ACME-01');
    expect(network.every((c) => c.area === 'network')).toBe(true);
    const soc2 = await svc.list({ framework: 'soc2' });
    expect(soc2.map((c) => c.id)).not.toContain('ACME-01');
    expect(soc2.flatMap((c) => c.requirements).every((l) => l.framework === 'soc2')).toBe(true);
    const cmmc = await svc.list({ framework: 'cmmc-l2', area: 'network' });
    expect(cmmc.find((c) => c.id === 'ACME-01')!.requirements).toEqual([{ framework: 'cmmc-l2', id: '3.13.1', strength: 'supporting' }]);
  });

  it('refuses an unknown area or framework, saying which exist', async () => {
    const svc = createControlService({ db, workspaceId });
    await expect(svc.list({ area: 'kitchen' })).rejects.toThrow(/unknown area "kitchen"/);
    await expect(svc.coverage('pci-dss')).rejects.toThrow(/unknown framework "pci-dss"/);
  });

  it('reports coverage from the workspace’s controls, so YAML overrides show', async () => {
    const report = await createControlService({ db, workspaceId }).coverage('soc2');
    expect(report.requirements).toHaveLength(61);
    const r = report.requirements.find((x) => x.id === lonely)!;
    expect(r).toMatchObject({ coverage: 'uncovered', controls: [] });
    expect(report.summary.uncovered).toBe(1);
  });
});
