import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { gitCommit, trailer } from './git-commit-rows.testing.ts';
import { gitReviewTrailer } from './git-review-trailer.ts';
import { createGitCheckStore, type GitCheckStore } from './git-store.testing.ts';

const now = new Date('2026-03-01T00:00:00Z');
const bob = trailer('Reviewed-by', 'Bob Stone', 'bob@example.com');
const r = (sha: string) => `git.commits/acme/api/${sha.padEnd(40, '0')}`;

describe('change.git-review-trailer', () => {
  let db: TestDb;
  let store: GitCheckStore;
  beforeAll(async () => {
    db = await createTestDb();
    store = await createGitCheckStore(db);
    await store.put(gitCommit('a1', { trailers: [bob] }));
    await store.put(gitCommit('a2', { subject: 'Bump version' }));
    // Approved by herself, with her address in another case: not independent.
    await store.put(gitCommit('a3', { trailers: [{ ...trailer('Approved-by', 'Ada L.', 'ada@example.com'), value: 'Ada L. <ADA@example.com>' }, trailer('Signed-off-by', 'Carol Diaz', 'carol@example.com')] }));
    // A co-author cannot approve; a name-only trailer matching the author's name is the author.
    await store.put(gitCommit('a4', { trailers: [trailer('Co-authored-by', 'Bob Stone', 'bob@example.com'), bob, trailer('Reviewed-by', 'ada lopez', null)] }));
    // A merge by Bob of Carol's and Dan's work, approved by Dan (one of its authors), then by Ada.
    const merge = { isMerge: true, parents: ['e'.repeat(40), 'd'.repeat(40)], authorName: 'Bob Stone', authorEmail: 'bob@example.com', subject: "Merge branch 'feature'", mergedCommits: 2, mergedAuthors: [{ name: 'Carol Diaz', email: 'carol@example.com' }, { name: 'Dan Ito', email: 'dan@example.com' }] };
    await store.put(gitCommit('b1', { ...merge, trailers: [trailer('Approved-by', 'Dan Ito', 'dan@example.com')] }));
    await store.put(gitCommit('b2', { ...merge, trailers: [trailer('Approved-by', 'Ada Lopez', 'ada@example.com')] }));
    // Window edges: exactly 365 days before now is in, a second earlier is out, after now is out.
    await store.put(gitCommit('c1', { committedAt: '2025-03-01T00:00:00.000Z' }));
    await store.put(gitCommit('c2', { committedAt: '2025-02-28T23:59:59.000Z' }));
    await store.put(gitCommit('c3', { committedAt: '2026-03-01T00:00:01.000Z' }));
  });
  afterAll(() => db.close());

  it('passes commits reviewed by someone independent and fails the rest, one result per commit in the window', async () => {
    const results = await store.evaluate(gitReviewTrailer, now);
    expect(results.map((x) => [x.resource, x.status, x.reason])).toEqual([
      [r('a1'), 'pass', 'a100000 "Add health endpoint" on main of acme/api by Ada Lopez <ada@example.com> at 2026-02-10 15:00 UTC was reviewed by Bob Stone <bob@example.com> (Reviewed-by)'],
      [r('a2'), 'fail', 'a200000 "Bump version" on main of acme/api by Ada Lopez <ada@example.com> at 2026-02-10 15:00 UTC has no Reviewed-by or Approved-by trailer: nothing records that anyone other than its author reviewed it'],
      [r('a3'), 'fail', 'a300000 "Add health endpoint" on main of acme/api by Ada Lopez <ada@example.com> at 2026-02-10 15:00 UTC names only Ada L. <ada@example.com> in its Reviewed-by or Approved-by trailer, who is its author or a co-author: nobody independent reviewed it'],
      [r('a4'), 'fail', 'a400000 "Add health endpoint" on main of acme/api by Ada Lopez <ada@example.com> at 2026-02-10 15:00 UTC names only Bob Stone <bob@example.com>, ada lopez in its Reviewed-by or Approved-by trailer, who is its author or a co-author: nobody independent reviewed it'],
      [r('b1'), 'fail', "b100000 \"Merge branch 'feature'\" on main of acme/api by Bob Stone <bob@example.com> at 2026-02-10 15:00 UTC names only Dan Ito <dan@example.com> in its Reviewed-by or Approved-by trailer, who is the merge’s author or an author of the commits it merged: nobody independent reviewed it"],
      [r('b2'), 'pass', "b200000 \"Merge branch 'feature'\" on main of acme/api by Bob Stone <bob@example.com> at 2026-02-10 15:00 UTC was reviewed by Ada Lopez <ada@example.com> (Approved-by)"],
      [r('c1'), 'fail', expect.stringContaining('has no Reviewed-by or Approved-by trailer')],
    ]);
  });

  it('names its evidence, a remediation on every failure, and what a merge was judged by', async () => {
    const results = await store.evaluate(gitReviewTrailer, now);
    for (const x of results) expect(x.evidence).toEqual([`ev_${x.resource.slice('git.commits/'.length)}`]);
    for (const x of results.filter((y) => y.status === 'fail')) expect(x.status === 'fail' && x.remediation).toMatch(/^Have someone other than .* review [0-9a-f]{12} in acme\/api now/);
    const merge = results.find((x) => x.resource === r('b1'))!;
    expect(merge.details).toMatchObject({ isMerge: true, judgedBy: 'the merge commit’s own trailers', mergedCommits: 2, mergedAuthors: ['Carol Diaz <carol@example.com>', 'Dan Ito <dan@example.com>'], reviewers: ['Approved-by: Dan Ito <dan@example.com>'] });
  });

  it('counts only the trailers it is told to', async () => {
    const results = await store.evaluate(gitReviewTrailer, now, { trailers: ['Approved-by'] });
    expect(results.find((x) => x.resource === r('a1'))?.status).toBe('fail');
    expect(results.find((x) => x.resource === r('b2'))?.status).toBe('pass');
  });

  it('judges nothing when no commit falls in the window', async () => {
    expect(await store.evaluate(gitReviewTrailer, new Date('2030-01-01T00:00:00Z'))).toEqual([]);
  });
});
