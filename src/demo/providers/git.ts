/**
 * The demo's git source: one of the organization's repositories as a bare repository on disk, for
 * the `git` connector — the team that keeps its change evidence in git. Every pull request merged
 * by the clock's "now" becomes a feature commit by its author and a merge commit (`--no-ff`) by
 * whoever merged it, carrying a `Reviewed-by:` trailer for each approval submitted before the merge.
 * Commits are SSH-signed with per-person demo keys listed in an allowed-signers file.
 *
 * Derived here (not in the org model): which repository (`demoGitRepo`), and which merges are signed badly. The merge at
 * `UNSIGNED_AT` in the repository's merge order is unsigned, and the one at `FOREIGN_KEY_AT` is
 * signed with a key nobody registered. Unreviewed merges are the org's own planted
 * `pr-without-independent-approval` failures in this repository.
 *
 * Files are written by `prepare` (as a mirror job would leave them); the repository reflects "now"
 * at the time it is written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Hono } from 'hono';
import { DAY_MS, type Clock } from '../../lib/clock.ts';
import { DEMO_DOMAIN, plantedBy, type DemoOrg, type Person, type PullRequest, type Repo } from '../org/org.ts';
import { commitContent, createBareRepo, demoSigner, type SshSigner } from './git-objects.ts';
import type { DemoProvider } from './index.ts';

const UNSIGNED_AT = 9;
const FOREIGN_KEY_AT = 23;
/** The connector's default lookback and the checks' default window: what gets judged. */
const WINDOW_DAYS = 365;

/**
 * The repository rendered: the one with the most pull requests planted as merged without an
 * independent approval (over the org's whole life, so the choice does not move with "now").
 */
export function demoGitRepo(org: DemoOrg): Repo {
  const planted = (name: string) => org.planted.filter((f) => f.kind === 'pr-without-independent-approval' && f.repo === name).length;
  return org.repos.filter((r) => r.protection !== null).reduce((best, r) => (planted(r.name) > planted(best.name) ? r : best));
}
export const demoGitRepoName = (org: DemoOrg) => `${DEMO_DOMAIN.split('.')[0]}/${demoGitRepo(org).name}`;

const merged = (org: DemoOrg, now: Date): PullRequest[] => {
  const repo = demoGitRepo(org).name;
  return org.pullRequests.filter((p) => p.repo === repo && p.mergedAt <= now).sort((a, b) => a.mergedAt.getTime() - b.mergedAt.getTime() || a.number - b.number);
};

const inWindow = (t: Date, now: Date) => t.getTime() >= now.getTime() - WINDOW_DAYS * DAY_MS && t <= now;

export type PlantedGit = { check: 'change.git-review-trailer' | 'change.git-signed-commits'; repo: string; number: number };

/** The failures the git checks must find at `now`, and no others. */
export function plantedGit(org: DemoOrg, now: Date): PlantedGit[] {
  const repo = demoGitRepoName(org);
  const unapproved = new Set(
    plantedBy(org, now)
      .filter((f) => f.kind === 'pr-without-independent-approval' && f.repo === demoGitRepo(org).name)
      .map((f) => (f as { number: number }).number),
  );
  const out: PlantedGit[] = [];
  merged(org, now).forEach((pr, i) => {
    if (!inWindow(pr.mergedAt, now)) return;
    if (unapproved.has(pr.number)) out.push({ check: 'change.git-review-trailer', repo, number: pr.number });
    if (i === UNSIGNED_AT || i === FOREIGN_KEY_AT) out.push({ check: 'change.git-signed-commits', repo, number: pr.number });
  });
  return out;
}

interface Paths {
  repo: string;
  allowedSigners: string;
}

function render(org: DemoOrg, clock: Clock, paths: Paths): void {
  const now = clock.now();
  const byLogin = new Map(org.people.filter((p) => p.github).map((p) => [p.github!.login, p]));
  const signers = new Map<string, SshSigner>();
  const signerOf = (p: Person) => signers.get(p.email) ?? signers.set(p.email, demoSigner(p.email)).get(p.email)!;
  const person = (login: string) => {
    const p = byLogin.get(login);
    if (!p) throw new Error(`the demo org has no person with GitHub login ${login}`);
    return p;
  };

  const repo = createBareRepo(paths.repo, demoGitRepo(org).defaultBranch);
  const tree = repo.writeObject('tree', '');
  const founder = org.people.find((p) => p.github && p.startDate <= demoGitRepo(org).createdAt) ?? org.people.find((p) => p.github)!;
  const rootAt = { name: founder.name, email: founder.email, at: demoGitRepo(org).createdAt };
  let tip = repo.writeObject('commit', commitContent({ tree, parents: [], author: rootAt, committer: rootAt, message: 'Initial commit', signer: signerOf(founder) }));
  merged(org, now).forEach((pr, i) => {
    const author = person(pr.author);
    const merger = person(pr.mergedBy);
    const wrote = { name: author.name, email: author.email, at: pr.createdAt };
    const feature = repo.writeObject('commit', commitContent({ tree, parents: [tip], author: wrote, committer: wrote, message: pr.title, signer: signerOf(author) }));
    const approvals = pr.reviews.filter((r) => r.state === 'APPROVED' && r.submittedAt <= pr.mergedAt).map((r) => person(r.reviewer));
    const trailers = approvals.map((p) => `Reviewed-by: ${p.name} <${p.email}>`).join('\n');
    const message = `Merge pull request #${pr.number} from ${pr.author}/change-${pr.number}\n\n${pr.title}\n${trailers ? `\n${trailers}\n` : ''}`;
    const mergedAt = { name: merger.name, email: merger.email, at: pr.mergedAt };
    const signer = i === UNSIGNED_AT ? undefined : i === FOREIGN_KEY_AT ? demoSigner('an unregistered laptop key') : signerOf(merger);
    tip = repo.writeObject('commit', commitContent({ tree, parents: [tip, feature], author: mergedAt, committer: mergedAt, message, ...(signer ? { signer } : {}) }));
  });
  repo.setBranch(demoGitRepo(org).defaultBranch, tip);

  const lines = [...org.people.filter((p) => p.github)].map((p) => `${p.email} namespaces="git" ${signerOf(p).publicKey}\n`);
  writeFileSync(paths.allowedSigners, lines.join(''));
}

/** The git source. `prepare` writes `<dataDir>/demo/git/<repo>.git` and its allowed-signers file. */
export function createGitDemoProvider(): DemoProvider {
  let paths: Paths | undefined;
  let repoName = 'demo';
  return {
    name: 'git',
    prepare(org, clock, dataDir) {
      const dir = resolve(dataDir, 'demo', 'git');
      mkdirSync(dir, { recursive: true });
      paths = { repo: join(dir, `${demoGitRepo(org).name}.git`), allowedSigners: join(dir, 'allowed-signers') };
      repoName = demoGitRepoName(org);
      render(org, clock, paths);
    },
    // Nothing is served: the connector reads the files. The route only says where they are.
    app() {
      const app = new Hono();
      app.get('/', (c) => c.json({ repository: paths?.repo ?? null, allowedSignersFile: paths?.allowedSigners ?? null }));
      return app;
    },
    source() {
      if (!paths) throw new Error('the git demo provider writes its repository in prepare(); start the demo server with a dataDir');
      return { name: 'git', type: 'git', schedule: 'PT1H', config: { repositories: [{ name: repoName, path: paths.repo }], allowedSignersFile: paths.allowedSigners } };
    },
  };
}

export const gitDemoProvider = createGitDemoProvider();
