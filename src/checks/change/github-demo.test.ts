/**
 * The demo organization's GitHub, collected by the real connector from the simulated provider and
 * judged by the GitHub checks: the failures are exactly the ones the simulator planted for change
 * management and code-host MFA, and nothing else fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, HOUR_MS } from '../../lib/clock.ts';
import { github } from '../../connectors/github/index.ts';
import { createRunContext, readResource } from '../../connectors/sdk/index.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { resources } from '../../db/schema/resources.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createDemoOrg, plantedBy, type DemoOrg } from '../../demo/org/org.ts';
import { githubProvider } from '../../demo/providers/github.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import { mfaCodeHost } from '../access/mfa-code-host.ts';
import type { AnyCheck, CheckResult } from '../sdk/define.ts';
import { createInputReader } from '../sdk/inputs.ts';
import { branchProtection } from './branch-protection.ts';
import { directPush } from './direct-push.ts';
import { prChecksBeforeMerge } from './pr-checks-before-merge.ts';
import { prIndependentApproval } from './pr-independent-approval.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const now = new Date(anchor.getTime() + 14 * HOUR_MS);
const checks: AnyCheck[] = [mfaCodeHost, branchProtection, prIndependentApproval, prChecksBeforeMerge, directPush];

describe('the GitHub checks over the demo organization', () => {
  let db: TestDb;
  let server: DemoServer;
  let org: DemoOrg;
  const results = new Map<string, CheckResult[]>();

  beforeAll(async () => {
    db = await createTestDb();
    org = createDemoOrg({ anchor });
    server = await startDemoServer(org, fixedClock(now), { providers: [githubProvider] });
    const ws = await createWorkspaceRepo(db.orm).ensure('demo-github', 'Demo GitHub');
    const ctx = createRunContext({ connector: github, config: server.sources[0]!.config, clock: fixedClock(now), http: { rateLimit: { requestsPerSecond: 100_000 } } });
    // What the collection engine does with each page, minus the evidence log.
    for (const resource of github.resources) {
      const outcome = await readResource(ctx, resource, async (rows) => {
        if (!rows.length) return;
        await db.orm.insert(resources).values(
          rows.map((data) => {
            const key = String(data[resource.primaryKey as string]);
            return { workspaceId: ws.id, source: 'github', type: `github.${resource.name}`, key, data, dataHash: key, firstSeenAt: now, lastSeenAt: now, changedAt: now, evidenceId: `ev_${resource.name}_${key}` };
          }),
        );
      });
      expect(outcome.status, resource.name).toBe('complete');
    }
    for (const check of checks) {
      results.set(check.id, await check.evaluate({ workspaceId: ws.id, params: check.params.parse({}), now, inputs: createInputReader(db.orm, ws.id) }));
    }
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('fails exactly the planted GitHub failures, and nothing else', () => {
    const failing = [...results].flatMap(([id, rs]) => rs.filter((r) => r.status === 'fail').map((r) => `${id} ${r.resource}`)).sort();
    const expected = plantedBy(org, now)
      .flatMap((f) => {
        switch (f.kind) {
          case 'branch-unprotected':
            return [`change.branch-protection github.repositories/demo-corp/${f.repo}`];
          case 'pr-without-independent-approval':
            return [`change.pr-independent-approval github.pull-requests/demo-corp/${f.repo}#${f.number}`];
          case 'pr-merged-with-failing-checks':
            return [`change.pr-checks-before-merge github.pull-requests/demo-corp/${f.repo}#${f.number}`];
          case 'mfa-missing':
            return f.system === 'github' ? [`access.mfa-code-host github.members/${f.account}`] : [];
          default:
            return [];
        }
      })
      .sort();
    // 4 unapproved merges over the year plus 6 in the anchor day's live tail by 14:00, 2 with failing
    // checks, 1 unprotected repository, 2 members without 2FA.
    expect(expected).toHaveLength(4 + 6 + 2 + 1 + 2);
    expect(failing).toEqual(expected);
  });

  it('judges the whole population: every repository, every merged pull request, every commit and member', () => {
    const merged = org.pullRequests.filter((p) => p.mergedAt <= now && p.mergedAt.getTime() >= now.getTime() - 365 * 24 * HOUR_MS).length;
    expect(results.get('change.branch-protection')).toHaveLength(org.repos.length);
    expect(results.get('change.pr-independent-approval')).toHaveLength(merged);
    expect(results.get('change.pr-checks-before-merge')).toHaveLength(merged);
    expect(results.get('change.direct-push')).toHaveLength(merged);
    expect(results.get('access.mfa-code-host')!.length).toBeGreaterThan(50);
    for (const [id, rs] of results) for (const r of rs) expect(r.status, `${id} ${r.resource}: ${r.reason}`).not.toBe('not_applicable');
  });

  it('gives every planted failure a reason a person can act on', () => {
    const unapproved = results.get('change.pr-independent-approval')!.filter((r) => r.status === 'fail');
    expect(unapproved.filter((r) => r.reason.endsWith('without any review'))).toHaveLength(3 + 6); // 6 of them from the live tail
    expect(unapproved.filter((r) => /reviewed by \S+ \(commented\) but never approved$/.test(r.reason))).toHaveLength(1);
    for (const r of results.get('change.pr-checks-before-merge')!.filter((x) => x.status === 'fail')) expect(r.reason).toMatch(/although ci concluded failure at/);
    expect(results.get('change.branch-protection')!.find((r) => r.status === 'fail')?.reason).toBe(
      'main of demo-corp/legacy-scripts is not protected: anyone with write access can push to it directly, force-push over its history or delete it',
    );
  });
});
