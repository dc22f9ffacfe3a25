/**
 * The git checks over rows the git connector collected from a real repository built here: the
 * results are exactly the review and signature failures planted in its history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratch, sshSigningAvailable, type SshKey } from '../../connectors/git/test-repo.testing.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { fixedClock } from '../../lib/clock.ts';
import { gitReviewTrailer } from './git-review-trailer.ts';
import { gitSignedCommits } from './git-signed-commits.ts';
import { createGitCheckStore, type GitCheckStore } from './git-store.testing.ts';

const now = '2026-03-01T00:00:00.000Z';
const ada = 'Ada Lopez <ada@example.com>';
const bob = 'Bob Stone <bob@example.com>';
const carol = 'Carol Diaz <carol@example.com>';
const dan = 'Dan Ito <dan@example.com>';
const signing = sshSigningAvailable();

describe('git checks over a collected repository', () => {
  const scratch = createScratch();
  const sha: Record<string, string> = {};
  let db: TestDb;
  let store: GitCheckStore;
  const id = (name: string) => `git.commits/acme/api/${sha[name]}`;

  beforeAll(async () => {
    const repo = scratch.repo('api');
    let adaKey: SshKey | undefined;
    const config: Record<string, unknown> = { repositories: [{ name: 'acme/api', path: repo.path }] };
    if (signing) {
      adaKey = scratch.sshKey('ada');
      config.allowedSignersFile = scratch.allowedSigners([{ principal: 'ada@example.com', key: adaKey }]);
    }
    repo.commit({ author: ada, at: '2024-06-01T09:00:00Z', message: 'Initial commit (outside the lookback)', file: 'README' });
    sha.reviewed = repo.commit({ author: ada, at: '2026-02-01T09:00:00Z', message: 'Add login\n\nReviewed-by: Bob Stone <bob@example.com>', file: 'app', ...(adaKey ? { signWith: adaKey } : {}) });
    sha.hotfix = repo.commit({ author: bob, at: '2026-02-02T09:00:00Z', message: 'Hotfix: raise timeout', file: 'app' });
    repo.git(['checkout', '-q', '-b', 'feature-a']);
    repo.commit({ author: carol, at: '2026-02-03T09:00:00Z', message: 'Feature A', file: 'a' });
    repo.git(['checkout', '-q', 'main']);
    sha.mergeSelf = repo.merge('feature-a', { author: ada, at: '2026-02-04T09:00:00Z', message: "Merge branch 'feature-a'\n\nApproved-by: Carol Diaz <carol@example.com>" });
    repo.git(['checkout', '-q', '-b', 'feature-b']);
    repo.commit({ author: dan, at: '2026-02-05T08:00:00Z', message: 'Feature B', file: 'b' });
    repo.git(['checkout', '-q', 'main']);
    sha.mergeReviewed = repo.merge('feature-b', { author: ada, at: '2026-02-05T09:00:00Z', message: "Merge branch 'feature-b'\n\nReviewed-by: Bob Stone <bob@example.com>" });
    sha.selfReviewed = repo.commit({ author: ada, at: '2026-02-06T09:00:00Z', message: 'Tidy config\n\nReviewed-by: Ada Lopez <ada@example.com>', file: 'app' });

    db = await createTestDb();
    store = await createGitCheckStore(db);
    const rows = await store.collect(config, fixedClock(now));
    expect(rows).toHaveLength(5);
  });
  afterAll(async () => {
    await db.close();
    scratch.cleanup();
  });

  it('change.git-review-trailer fails exactly the unreviewed, self-reviewed and self-merged commits', async () => {
    const results = await store.evaluate(gitReviewTrailer, new Date(now));
    expect(results.map((r) => [r.resource, r.status]).sort()).toEqual(
      [
        [id('reviewed'), 'pass'],
        [id('hotfix'), 'fail'],
        [id('mergeSelf'), 'fail'],
        [id('mergeReviewed'), 'pass'],
        [id('selfReviewed'), 'fail'],
      ].sort(),
    );
    const byId = Object.fromEntries(results.map((r) => [r.resource, r]));
    expect(byId[id('hotfix')]!.reason).toBe(`${sha.hotfix!.slice(0, 7)} "Hotfix: raise timeout" on main of acme/api by Bob Stone <bob@example.com> at 2026-02-02 09:00 UTC has no Reviewed-by or Approved-by trailer: nothing records that anyone other than its author reviewed it`);
    expect(byId[id('mergeSelf')]!.reason).toContain('names only Carol Diaz <carol@example.com> in its Reviewed-by or Approved-by trailer, who is the merge’s author or an author of the commits it merged');
    expect(byId[id('mergeSelf')]!.details).toMatchObject({ mergedCommits: 1, mergedAuthors: ['Carol Diaz <carol@example.com>'] });
    expect(byId[id('selfReviewed')]!.reason).toContain('names only Ada Lopez <ada@example.com>');
  });

  it.skipIf(!signing)('change.git-signed-commits passes only the commit Ada signed with her allowed key (SSH signing available)', async () => {
    const results = await store.evaluate(gitSignedCommits, new Date(now));
    expect(results.filter((r) => r.status === 'pass').map((r) => [r.resource, r.reason])).toEqual([
      [id('reviewed'), `${sha.reviewed!.slice(0, 7)} "Add login" on main of acme/api by Ada Lopez <ada@example.com> at 2026-02-01 09:00 UTC has a good signature by ada@example.com`],
    ]);
    expect(results.filter((r) => r.status === 'fail')).toHaveLength(4);
  });

  it.skipIf(signing)('change.git-signed-commits fails every commit when none could be signed (SSH signing unavailable here)', async () => {
    const results = await store.evaluate(gitSignedCommits, new Date(now));
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail', 'fail', 'fail', 'fail']);
  });
});
