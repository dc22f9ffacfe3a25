import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, testDbKind, type TestDb } from '../../db/testing.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { resources } from '../../db/schema/resources.ts';
import { createInputReader } from '../sdk/inputs.ts';
import { loadSqlChecks } from './load.ts';
import { VigilError } from '../../lib/errors.ts';

let db: TestDb;
let ws: string;
let other: string;
const dir = mkdtempSync(join(tmpdir(), 'vigil-sqlchecks-'));

const yaml = (body: string) => {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, body);
  return file;
};

const laptops = `checks:
  - id: custom.laptops-encrypted
    title: Laptops have disk encryption
    controls: [DAT-01]
    severity: high
    inputs: { resources: [mdm.devices] }
    sql: |
      SELECT 'mdm.devices/' || key AS resource,
             CASE WHEN (data->>'encrypted')::boolean THEN 'pass' ELSE 'fail' END AS status,
             CASE WHEN (data->>'encrypted')::boolean THEN key || ' is encrypted'
                  ELSE key || ' has no disk encryption' END AS reason,
             'turn on FileVault/BitLocker through the MDM' AS remediation
      FROM vigil_resources WHERE type = 'mdm.devices'
`;

beforeEach(async () => {
  db = await createTestDb();
  ws = (await createWorkspaceRepo(db.orm).ensure('acme', 'Acme')).id;
  other = (await createWorkspaceRepo(db.orm).ensure('other', 'Other')).id;
  const now = new Date('2026-02-01T00:00:00Z');
  const row = (workspaceId: string, key: string, encrypted: boolean) => ({
    workspaceId, source: 'mdm', type: 'mdm.devices', key, data: { encrypted }, dataHash: String(encrypted), firstSeenAt: now, lastSeenAt: now, changedAt: now, evidenceId: `ev_${key}`,
  });
  await db.orm.insert(resources).values([row(ws, 'mac-1', true), row(ws, 'mac-2', false), row(other, 'theirs', false)]);
});
afterEach(async () => {
  await db.close();
});

describe(`checks as SQL in YAML (${testDbKind()})`, () => {
  it('judges with the query, seeing only the workspace being judged', async () => {
    const [check] = loadSqlChecks([yaml(laptops)], dir, { checkIds: new Set() });
    const results = await check!.evaluate({ workspaceId: ws, params: {}, now: new Date(), inputs: createInputReader(db.orm, ws) });
    expect(results).toEqual([
      { resource: 'mdm.devices/mac-1', status: 'pass', reason: 'mac-1 is encrypted', evidence: [] },
      { resource: 'mdm.devices/mac-2', status: 'fail', reason: 'mac-2 has no disk encryption', remediation: 'turn on FileVault/BitLocker through the MDM', evidence: [] },
    ]);
  });

  it('cannot write: the query runs in a read-only transaction', async () => {
    const [check] = loadSqlChecks(
      [yaml(laptops.replace(/sql: \|[\s\S]*$/, "sql: DELETE FROM resources RETURNING 'x' AS resource, 'pass' AS status, 'gone' AS reason\n"))],
      dir,
      { checkIds: new Set() },
    );
    await expect(check!.evaluate({ workspaceId: ws, params: {}, now: new Date(), inputs: createInputReader(db.orm, ws) })).rejects.toThrow(/read-only/);
    expect(await db.orm.select().from(resources)).toHaveLength(3);
  });

  it('names the row and column when the query returns the wrong shape', async () => {
    const [check] = loadSqlChecks([yaml(laptops.replace("END AS status", "END AS state"))], dir, { checkIds: new Set() });
    await expect(check!.evaluate({ workspaceId: ws, params: {}, now: new Date(), inputs: createInputReader(db.orm, ws) })).rejects.toThrow(
      /row 1 of the query: column "status"/,
    );
  });

  it('rejects a malformed file naming file, line and path, and duplicate or unknown ids', () => {
    const bad = yaml('checks:\n  - id: custom.x\n    title: T\n    controls: [DAT-01]\n    severity: urgent\n    inputs: { resources: [a.b] }\n    sql: SELECT 1\n');
    let e: unknown;
    try {
      loadSqlChecks([bad], dir, { checkIds: new Set() });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(VigilError);
    expect((e as VigilError).oneLine()).toMatch(/\.yaml:5:5: checks\[0\]\.severity: /);
    expect(() => loadSqlChecks([yaml(laptops)], dir, { checkIds: new Set(['custom.laptops-encrypted']) })).toThrow(/already exists/);
    expect(() => loadSqlChecks([yaml(laptops)], dir, { checkIds: new Set(), controlIds: new Set(['ACC-01']) })).toThrow(/no control "DAT-01"/);
  });
});
