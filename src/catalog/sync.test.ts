import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createControlRepo } from '../db/repositories/controls.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { createTestDb, testDbKind, type TestDb } from '../db/testing.ts';
import { VigilError } from '../lib/errors.ts';
import { loadLibrary } from './library.ts';
import { syncControls } from './sync.ts';

let db: TestDb;
let dir: string;
beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(join(tmpdir(), 'vigil-sync-'));
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const newWorkspace = async () => (await createWorkspaceRepo(db.orm).ensure(`ws-${++n}`, `Workspace ${n}`)).id;
const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
const sync = (workspaceId: string, paths: string[] = []) => syncControls({ db, workspaceId, paths, baseDir: dir });
const count = async (table: string, workspaceId: string) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE workspace_id = $1`, [workspaceId]))[0]!.n;

const acme = `controls:
  - id: ACME-01
    title: Production database access goes through the bastion
    description: Engineers reach the database only through the audited bastion host.
    area: access
    ownerRole: Platform lead
    owner: dana@example.com
    frequency: continuous
    requirements:
      soc2: { direct: [CC6.1] }
      nist-800-171: { direct: [3.1.12] }
  - id: ACC-04
    title: Leavers lose access within 8 hours
    requirements:
      soc2: { direct: [CC6.2, CC6.3] }
`;

describe(`syncControls (${testDbKind()})`, () => {
  it('copies the whole library into an empty workspace, links and all', async () => {
    const ws = await newWorkspace();
    const library = loadLibrary();
    const r = await sync(ws);
    expect(r.inserted).toHaveLength(library.length);
    expect([r.updated, r.removed]).toEqual([[], []]);
    expect(await count('controls', ws)).toBe(library.length);
    expect(await count('control_requirements', ws)).toBe(library.reduce((k, c) => k + c.requirements.length, 0));
    const acc01 = await createControlRepo(db.orm, ws).get('ACC-01');
    expect(acc01).toMatchObject({ origin: 'library', definedIn: null, owner: null, frequency: 'continuous' });
    expect(acc01!.requirements).toContainEqual({ framework: 'nist-800-171', id: '3.5.3', strength: 'direct' });
  });

  it('writes nothing the second time', async () => {
    const ws = await newWorkspace();
    write('acme.yaml', acme);
    await sync(ws, ['acme.yaml']);
    const before = await db.query(`SELECT id, updated_at FROM controls WHERE workspace_id = $1 ORDER BY id`, [ws]);
    const again = await sync(ws, ['acme.yaml']);
    expect([again.inserted, again.updated, again.removed]).toEqual([[], [], []]);
    expect(await db.query(`SELECT id, updated_at FROM controls WHERE workspace_id = $1 ORDER BY id`, [ws])).toEqual(before);
  });

  it('adds YAML controls and overrides only the fields (and frameworks) a YAML entry gives', async () => {
    write('acme.yaml', acme);
    const ws = await newWorkspace();
    const r = await sync(ws, ['acme.yaml']);
    expect(r.inserted).toContain('ACME-01');
    const repo = createControlRepo(db.orm, ws);
    expect(await repo.get('ACME-01')).toMatchObject({ origin: 'yaml', owner: 'dana@example.com', definedIn: 'acme.yaml:2:5' });
    const lib = loadLibrary().find((c) => c.id === 'ACC-04')!;
    const acc04 = (await repo.get('ACC-04'))!;
    expect(acc04).toMatchObject({ origin: 'library', title: 'Leavers lose access within 8 hours', description: lib.description, definedIn: 'acme.yaml:12:5' });
    // soc2 links replaced; iso27001 and nist-800-171 links kept from the library.
    expect(acc04.requirements.filter((l) => l.framework === 'soc2')).toEqual([
      { framework: 'soc2', id: 'CC6.2', strength: 'direct' },
      { framework: 'soc2', id: 'CC6.3', strength: 'direct' },
    ]);
    const others = (links: { framework: string; id: string; strength: string }[]) =>
      links.filter((l) => l.framework !== 'soc2').map((l) => `${l.framework}:${l.id}:${l.strength}`).sort();
    expect(others(acc04.requirements)).toEqual(others(lib.requirements));
    expect(others(lib.requirements).length).toBeGreaterThan(0);
  });

  it('removes controls that left the YAML and restores library values of dropped overrides', async () => {
    write('acme.yaml', acme);
    const ws = await newWorkspace();
    await sync(ws, ['acme.yaml']);
    const r = await sync(ws, []);
    expect(r.removed).toEqual(['ACME-01']);
    expect(r.updated).toEqual(['ACC-04']);
    const repo = createControlRepo(db.orm, ws);
    expect(await repo.get('ACME-01')).toBeUndefined();
    expect(await count('control_requirements', ws)).toBe(loadLibrary().reduce((k, c) => k + c.requirements.length, 0));
    const lib = loadLibrary().find((c) => c.id === 'ACC-04')!;
    expect(await repo.get('ACC-04')).toMatchObject({ title: lib.title, definedIn: null });
  });

  it('changes nothing when a file is invalid', async () => {
    write('acme.yaml', acme);
    const ws = await newWorkspace();
    await sync(ws, ['acme.yaml']);
    const before = await createControlRepo(db.orm, ws).list();
    write('broken.yaml', 'controls:\n  - id: ACME-09\n    area: kitchen\n');
    const e = await sync(ws, ['acme.yaml', 'broken.yaml']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VigilError);
    expect((e as VigilError).where).toMatch(/^broken\.yaml:2:5$/);
    expect(await createControlRepo(db.orm, ws).list()).toEqual(before);
  });

  it('refuses the same control id in two YAML files, naming both places', async () => {
    write('acme.yaml', acme);
    write('again.yaml', 'controls:\n  - id: ACC-04\n    owner: x@example.com\n');
    const ws = await newWorkspace();
    const e = (await sync(ws, ['acme.yaml', 'again.yaml']).catch((x: unknown) => x)) as VigilError;
    expect(e.oneLine()).toBe(
      'again.yaml:2:5: control ACC-04 is defined twice in controls as code (first at acme.yaml:12:5) — keep one entry per control id',
    );
  });

  it('keeps workspaces apart and deletes a workspace’s controls with it', async () => {
    write('acme.yaml', acme);
    const a = await newWorkspace();
    const b = await newWorkspace();
    await sync(a, ['acme.yaml']);
    await sync(b);
    expect(await createControlRepo(db.orm, a).get('ACME-01')).toBeDefined();
    expect(await createControlRepo(db.orm, b).get('ACME-01')).toBeUndefined();
    expect((await createControlRepo(db.orm, b).get('ACC-04'))!.title).toBe(loadLibrary().find((c) => c.id === 'ACC-04')!.title);
    await db.query('DELETE FROM workspaces WHERE id = $1', [a]);
    expect([await count('controls', a), await count('control_requirements', a)]).toEqual([0, 0]);
    expect(await count('controls', b)).toBe(loadLibrary().length);
  });

  it('ends consistent when several processes sync the same workspace at once', async () => {
    write('acme.yaml', acme);
    const ws = await newWorkspace();
    const results = await Promise.all([sync(ws, ['acme.yaml']), sync(ws, ['acme.yaml']), sync(ws, ['acme.yaml'])]);
    // Exactly one run inserts; the advisory lock makes the others find everything in place.
    expect(results.map((r) => r.inserted.length).sort((x, y) => y - x)).toEqual([loadLibrary().length + 1, 0, 0]);
    expect(await count('controls', ws)).toBe(loadLibrary().length + 1);
  });
});
