/**
 * change.git-review-trailer — for teams whose review evidence lives in git: every commit that
 * landed on a default branch in the window (its first-parent line, one population member each)
 * carries an `Approved-by:` or `Reviewed-by:` trailer naming someone other than its author.
 *
 * A merge commit is judged by **its own trailers**: the merge is the change that landed on the
 * branch, and whoever merges records the review there. The reviewer must then be independent of
 * every author of the commits it brought in as well as of the merge's author, so merging one's own
 * branch with one's own approval fails. Co-authors (`Co-authored-by:`) cannot approve either.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { at, inWindow, windowParam } from './github-rows.ts';
import { authorOf, describeCommit, describePerson, GIT_COMMITS, readCommits, samePerson, type GitCommit, type GitPerson } from './git-rows.ts';

const params = z.object({
  windowDays: windowParam,
  trailers: z
    .array(z.enum(['Reviewed-by', 'Approved-by']))
    .min(1)
    .default(['Reviewed-by', 'Approved-by'])
    .describe('Trailers that record a review; a commit needs one naming someone independent.'),
});

/** The people a review of this commit must be independent of. */
function involved(c: GitCommit): GitPerson[] {
  const coAuthors = c.trailers.filter((t) => t.key === 'Co-authored-by');
  return [authorOf(c), ...coAuthors, ...(c.isMerge ? c.mergedAuthors : [])];
}

const list = (names: string[]) => [...new Set(names)].join(', ');

export const gitReviewTrailer = defineCheck({
  id: 'change.git-review-trailer',
  title: 'Every commit on a default branch records an independent review (git trailers)',
  description:
    'Every commit on the default branch of a git repository in the window has a Reviewed-by or Approved-by trailer naming someone other than its author and co-authors. A merge commit is judged by its own trailers, and the reviewer must also be independent of the authors of the commits it merged.',
  area: 'change',
  controls: ['CHG-02'],
  severity: 'high',
  // Results move with the clock: commits within the lookback before now.
  readsNow: true,
  inputs: { resources: [GIT_COMMITS] },
  params,
  async evaluate({ params: p, now, inputs }) {
    const results: CheckResult[] = [];
    for (const s of await readCommits(inputs)) {
      const c = s.row;
      if (!inWindow(c.committedAt, now, p.windowDays)) continue;
      const base = { resource: s.resource, source: s.source, evidence: s.evidence };
      const reviews = c.trailers.filter((t) => (p.trailers as string[]).includes(t.key));
      const people = involved(c);
      const independent = reviews.filter((r) => !people.some((q) => samePerson(q, r)));
      const author = describePerson(authorOf(c));
      const details = {
        repository: c.repository,
        branch: c.branch,
        sha: c.sha,
        author,
        committedAt: c.committedAt,
        isMerge: c.isMerge,
        judgedBy: c.isMerge ? 'the merge commit’s own trailers' : 'the commit’s trailers',
        reviewers: reviews.map((r) => `${r.key}: ${r.value}`),
        ...(c.isMerge ? { mergedCommits: c.mergedCommits, mergedAuthors: c.mergedAuthors.map(describePerson) } : {}),
      };
      const what = `${describeCommit(c)} by ${author} at ${at(c.committedAt)}`;
      if (independent.length) {
        results.push({ ...base, status: 'pass', reason: `${what} was reviewed by ${list(independent.map((r) => describePerson(r)))} (${list(independent.map((r) => r.key))})`, details });
        continue;
      }
      const names = p.trailers.join(' or ');
      const whom = c.isMerge ? 'the merge’s author or an author of the commits it merged' : 'its author or a co-author';
      const reason = reviews.length
        ? `${what} names only ${list(reviews.map((r) => describePerson(r)))} in its ${names} trailer, who is ${whom}: nobody independent reviewed it`
        : `${what} has no ${names} trailer: nothing records that anyone other than ${c.isMerge ? 'the people who wrote it' : 'its author'} reviewed it`;
      results.push({
        ...base,
        status: 'fail',
        reason,
        remediation: `Have someone other than ${c.isMerge ? 'the authors of the merged work' : author} review ${c.sha.slice(0, 12)} in ${c.repository} now and record it (an after-the-fact review, kept with the change record); then reject commits to ${c.branch} without a ${names} trailer naming another person, in a server-side hook or the code host's branch rules.`,
        details,
      });
    }
    return results;
  },
});
