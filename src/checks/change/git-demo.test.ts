/**
 * The git checks over the demo organization's git source: the demo provider writes a bare
 * repository (merges with Reviewed-by trailers, SSH signatures), the git connector collects it,
 * and the checks find exactly the failures planted for it — and no others.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoOrg, type DemoOrg } from '../../demo/org/org.ts';
import { demoGitRepo, gitDemoProvider, plantedGit } from '../../demo/providers/git.ts';
import { startDemoServer, type DemoServer } from '../../demo/server.ts';
import type { Row } from '../../connectors/sdk/index.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { fixedClock, HOUR_MS } from '../../lib/clock.ts';
import { gitReviewTrailer } from './git-review-trailer.ts';
import { gitSignedCommits } from './git-signed-commits.ts';
import { createGitCheckStore, type GitCheckStore } from './git-store.testing.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const now = new Date(anchor.getTime() + 14 * HOUR_MS);

describe('git checks over the demo organization', () => {
  let dir: string;
  let org: DemoOrg;
  let server: DemoServer;
  let db: TestDb;
  let store: GitCheckStore;
  let rows: Row[];
  /** The pull request number behind a merge commit, from its subject. */
  let prOf: (sha: unknown) => number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-git-demo-'));
    org = createDemoOrg({ anchor });
    server = await startDemoServer(org, fixedClock(now), { providers: [gitDemoProvider], dataDir: dir });
    db = await createTestDb();
    store = await createGitCheckStore(db);
    rows = await store.collect(server.sources[0]!.config, fixedClock(now));
    const bySha = new Map(rows.map((r) => [r.sha, Number(/^Merge pull request #(\d+) /.exec(String(r.subject))?.[1])]));
    prOf = (sha) => bySha.get(sha as string)!;
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders one merge per pull request merged in the window, reviewed and signed as the org says', () => {
    const repo = demoGitRepo(org).name;
    const prs = org.pullRequests.filter((p) => p.repo === repo && p.mergedAt <= now && p.mergedAt.getTime() >= now.getTime() - 365 * 24 * HOUR_MS);
    expect(rows).toHaveLength(prs.length);
    expect(rows.every((r) => r.isMerge && r.mergedCommits === 1)).toBe(true);
    expect(rows.map((r) => prOf(r.sha)).sort((a, b) => a - b)).toEqual(prs.map((p) => p.number).sort((a, b) => a - b));
    expect(rows.filter((r) => r.signature === 'good')).toHaveLength(prs.length - 2);
    expect(rows.map((r) => r.signature).filter((s) => s !== 'good').sort()).toEqual(['good-untrusted', 'none']);
  });

  it('change.git-review-trailer fails exactly the planted unreviewed merges', async () => {
    const results = await store.evaluate(gitReviewTrailer, now);
    expect(results).toHaveLength(rows.length);
    const failed = results.filter((r) => r.status === 'fail').map((r) => prOf(r.details?.sha)).sort((a, b) => a - b);
    const planted = plantedGit(org, now).filter((p) => p.check === 'change.git-review-trailer').map((p) => p.number).sort((a, b) => a - b);
    expect(planted.length).toBeGreaterThan(0);
    expect(failed).toEqual(planted);
  });

  it('change.git-signed-commits fails exactly the planted unsigned and foreign-key merges', async () => {
    const results = await store.evaluate(gitSignedCommits, now);
    const failed = results.filter((r) => r.status === 'fail').map((r) => prOf(r.details?.sha)).sort((a, b) => a - b);
    const planted = plantedGit(org, now).filter((p) => p.check === 'change.git-signed-commits').map((p) => p.number).sort((a, b) => a - b);
    expect(planted).toHaveLength(2);
    expect(failed).toEqual(planted);
  });
});
