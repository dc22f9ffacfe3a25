import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDbKind, type TestDb } from '../testing.ts';
import { createControlRepo, type ControlRecord } from './controls.ts';
import { createWorkspaceRepo } from './workspaces.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.close();
});

const control = (id: string, over: Partial<ControlRecord> = {}): ControlRecord => ({
  id,
  title: `Control ${id}`,
  description: 'What is done and what shows it.',
  area: 'access',
  ownerRole: 'Security lead',
  owner: null,
  frequency: 'quarterly',
  origin: 'library',
  definedIn: null,
  requirements: [
    { framework: 'soc2', id: 'CC6.2', strength: 'direct' },
    { framework: 'iso27001', id: 'A.5.18', strength: 'supporting' },
  ],
  ...over,
});

describe(`control repository (${testDbKind()})`, () => {
  it('sees only its own workspace, for reads and writes alike', async () => {
    const ws = createWorkspaceRepo(db.orm);
    const a = createControlRepo(db.orm, (await ws.ensure('repo-a', 'A')).id);
    const b = createControlRepo(db.orm, (await ws.ensure('repo-b', 'B')).id);
    await a.insertMany([control('X-01'), control('X-02')]);
    await b.insertMany([control('X-01', { title: 'B’s own X-01' })]);
    expect((await a.list()).map((c) => c.id)).toEqual(['X-01', 'X-02']);
    expect((await b.get('X-01'))!.title).toBe('B’s own X-01');
    await b.remove(['X-01', 'X-02']);
    await b.replaceLinks('X-02', []);
    expect(await b.list()).toEqual([]);
    expect((await a.get('X-02'))!.requirements).toHaveLength(2);
  });

  it('upserts fields, replaces links, and lists links ordered by framework and id', async () => {
    const repo = createControlRepo(db.orm, (await createWorkspaceRepo(db.orm).ensure('repo-c', 'C')).id);
    await repo.upsert(control('Y-01'));
    expect((await repo.get('Y-01'))!.requirements).toEqual([]);
    await repo.replaceLinks('Y-01', control('Y-01').requirements);
    await repo.upsert(control('Y-01', { title: 'Renamed', owner: 'sam@example.com', frequency: 'annual' }));
    const got = (await repo.get('Y-01'))!;
    expect(got).toMatchObject({ title: 'Renamed', owner: 'sam@example.com', frequency: 'annual' });
    expect(got.requirements.map((l) => `${l.framework}:${l.id}`)).toEqual(['iso27001:A.5.18', 'soc2:CC6.2']);
  });

  it('refuses a frequency or strength outside the closed sets', async () => {
    const repo = createControlRepo(db.orm, (await createWorkspaceRepo(db.orm).ensure('repo-d', 'D')).id);
    await expect(repo.insertMany([control('Z-01', { frequency: 'sometimes' as never })])).rejects.toThrow();
    await repo.insertMany([control('Z-02')]);
    await expect(repo.replaceLinks('Z-02', [{ framework: 'soc2', id: 'CC6.1', strength: 'weak' as never }])).rejects.toThrow();
  });
});
