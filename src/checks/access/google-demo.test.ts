/**
 * access.mfa-idp over what the Google Workspace connector collects from the demo's simulated Google
 * Workspace: it must fail exactly the accounts the demo planted without 2SV, and nothing else.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleWorkspace } from '../../connectors/google-workspace/index.ts';
import { createRunContext, readResource } from '../../connectors/sdk/index.ts';
import { createTestTime } from '../../connectors/sdk/testing/index.ts';
import { resources } from '../../db/schema/resources.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createDemoOrg, type DemoOrg } from '../../demo/org/org.ts';
import { googleAccounts, googleWorkspaceProvider, plantedGoogle } from '../../demo/providers/google-workspace.ts';
import { startDemoServer } from '../../demo/server.ts';
import { HOUR_MS, fixedClock } from '../../lib/clock.ts';
import { createInputReader } from '../sdk/inputs.ts';
import { mfaIdp } from './mfa-idp.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const NOW = new Date(anchor.getTime() + 12 * HOUR_MS);
const SOURCE = 'google-workspace';

let db: TestDb;
let workspaceId: string;
let org: DemoOrg;

/** Collect Google Workspace users from the demo into the inventory table, as the engine stores them. */
async function collectInto(config: Record<string, unknown>) {
  const time = createTestTime(NOW);
  const ctx = createRunContext({ connector: googleWorkspace, config, clock: time.clock, sleep: time.sleep });
  for (const r of googleWorkspace.resources) {
    const type = `${googleWorkspace.id}.${r.name}`;
    const outcome = await readResource(ctx, r, async (rows) => {
      await db.orm.insert(resources).values(
        rows.map((data) => {
          const key = String(data.id);
          return { workspaceId, source: SOURCE, type, key, data, dataHash: createHash('sha256').update(JSON.stringify(data)).digest('hex'), firstSeenAt: NOW, lastSeenAt: NOW, changedAt: NOW, evidenceId: `ev:${type}:${key}` };
        }),
      );
    });
    expect(outcome.status).toBe('complete');
  }
}

beforeAll(async () => {
  org = createDemoOrg({ anchor });
  db = await createTestDb();
  workspaceId = (await createWorkspaceRepo(db.orm).ensure('demo-google', 'Demo Corp')).id;
  const server = await startDemoServer(org, fixedClock(NOW), { providers: [googleWorkspaceProvider] });
  try {
    await collectInto(server.sources[0]!.config);
  } finally {
    await server.close();
  }
}, 60_000);
afterAll(() => db.close());

describe('access.mfa-idp over the demo Google Workspace', () => {
  it('fails exactly the planted Google accounts without 2SV, and passes every other active account', async () => {
    const results = await mfaIdp.evaluate({ workspaceId, params: mfaIdp.params.parse({}), now: NOW, inputs: createInputReader(db.orm, workspaceId) });
    const idOf = new Map(googleAccounts(org).map((a) => [a.email, a.id]));
    const planted = plantedGoogle(org, NOW).map((f) => `google-workspace.users/${idOf.get(f.account)}`);
    expect(planted).toHaveLength(4);
    expect(results.filter((r) => r.status === 'fail').map((r) => r.resource).sort()).toEqual(planted.sort());
    const active = googleAccounts(org).filter((a) => a.created <= NOW && !(a.suspendedAt && a.suspendedAt <= NOW));
    expect(results).toHaveLength(active.length);
    expect(results.every((r) => r.evidence.length === 1 && r.source === SOURCE)).toBe(true);
    for (const r of results.filter((x) => x.status === 'fail')) expect(r.reason).toMatch(/without 2-Step Verification/);
  });
});
