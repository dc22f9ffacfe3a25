import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { isVigilError, type VigilError } from '../../lib/errors.ts';
import { createRunContext, readResource, runTestConnection, type ReadOutcome, type Row } from '../sdk/index.ts';
import { alwaysEmptyFields, assertEveryFieldDescribed, duplicateKeys } from '../sdk/testing/index.ts';
import { git } from './index.ts';
import { commitSchema } from './resources/commits.ts';
import { createScratch, sshSigningAvailable, type TestRepo } from './test-repo.testing.ts';

const now = '2026-03-01T00:00:00.000Z';
const ada = 'Ada Lopez <ada@example.com>';
const bob = 'Bob Stone <bob@example.com>';
const carol = 'Carol Diaz <carol@example.com>';
const dan = 'Dan Ito <dan@example.com>';

const scratch = createScratch();
afterAll(() => scratch.cleanup());

async function collect(config: Record<string, unknown>): Promise<{ rows: Row[]; outcome: ReadOutcome }> {
  const ctx = createRunContext({ connector: git, config, clock: fixedClock(now) });
  const rows: Row[] = [];
  const outcome = await readResource(ctx, git.resources[0]!, (page) => void rows.push(...page));
  return { rows, outcome };
}

async function failure(run: () => Promise<unknown>): Promise<VigilError> {
  const error = await run().then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  if (!isVigilError(error)) throw error;
  return error;
}

describe('git: the schema', () => {
  it('describes every config and row field (the docs page is generated from them)', () => {
    assertEveryFieldDescribed(git.configSchema, 'config');
    assertEveryFieldDescribed(commitSchema, 'commits');
  });
});

describe('git: reading the default branch', () => {
  let repo: TestRepo;
  const sha: Record<string, string> = {};
  beforeAll(() => {
    repo = scratch.repo('api');
    sha.old = repo.commit({ author: ada, at: '2024-01-10T09:00:00Z', message: 'Initial commit', file: 'README' });
    sha.reviewed = repo.commit({ author: ada, at: '2026-01-05T10:00:00+01:00', message: 'Add health endpoint\n\nLonger text.\n\nReviewed-by: Bob Stone <Bob@Example.com>\nSigned-off-by: Ada Lopez <ada@example.com>', file: 'app' });
    repo.git(['checkout', '-q', '-b', 'feature']);
    sha.f1 = repo.commit({ author: carol, at: '2026-01-06T10:00:00Z', message: 'Feature part 1', file: 'f' });
    sha.f2 = repo.commit({ author: dan, at: '2026-01-07T10:00:00Z', message: 'Feature part 2', file: 'f' });
    repo.git(['checkout', '-q', 'main']);
    sha.direct = repo.commit({ author: ada, at: '2026-01-08T10:00:00Z', message: 'Bump version', file: 'app' });
    sha.merge = repo.merge('feature', { author: bob, at: '2026-01-09T10:00:00Z', message: "Merge branch 'feature'\n\nApproved-by: Ada Lopez <ada@example.com>" });
  });

  it('collects the first-parent line within the lookback, newest first, with merges summarised', async () => {
    const { rows, outcome } = await collect({ repositories: [{ name: 'acme/api', path: repo.path }] });
    expect(outcome).toEqual({ status: 'complete', rows: 3, pages: 1 });
    expect(rows.map((r) => r.sha)).toEqual([sha.merge, sha.direct, sha.reviewed]);
    expect(rows[0]).toEqual({
      repository: 'acme/api',
      branch: 'main',
      sha: sha.merge,
      parents: [sha.direct, sha.f2],
      isMerge: true,
      authorName: 'Bob Stone',
      authorEmail: 'bob@example.com',
      authoredAt: '2026-01-09T10:00:00.000Z',
      committerName: 'Bob Stone',
      committerEmail: 'bob@example.com',
      committedAt: '2026-01-09T10:00:00.000Z',
      subject: "Merge branch 'feature'",
      signature: 'none',
      signer: null,
      signingKey: null,
      trailers: [{ key: 'Approved-by', value: 'Ada Lopez <ada@example.com>', name: 'Ada Lopez', email: 'ada@example.com' }],
      mergedCommits: 2,
      mergedAuthors: [
        { name: 'Dan Ito', email: 'dan@example.com' },
        { name: 'Carol Diaz', email: 'carol@example.com' },
      ],
    });
    expect(rows[2]).toMatchObject({
      sha: sha.reviewed,
      isMerge: false,
      authoredAt: '2026-01-05T09:00:00.000Z',
      subject: 'Add health endpoint',
      trailers: [
        { key: 'Reviewed-by', value: 'Bob Stone <Bob@Example.com>', name: 'Bob Stone', email: 'bob@example.com' },
        { key: 'Signed-off-by', value: 'Ada Lopez <ada@example.com>', name: 'Ada Lopez', email: 'ada@example.com' },
      ],
      mergedCommits: 0,
      mergedAuthors: [],
    });
    expect(duplicateKeys(rows, ['repository', 'sha'])).toEqual([]);
    for (const r of rows) expect(commitSchema.safeParse(r).success).toBe(true);
  });

  it('reaches older commits when the lookback does, and stops at maxCommits', async () => {
    const all = await collect({ repositories: [{ name: 'acme/api', path: repo.path }], sinceDays: 3650 });
    expect(all.rows.map((r) => r.sha)).toEqual([sha.merge, sha.direct, sha.reviewed, sha.old]);
    const capped = await collect({ repositories: [{ name: 'acme/api', path: repo.path }], sinceDays: 3650, maxCommits: 2 });
    expect(capped.rows.map((r) => r.sha)).toEqual([sha.merge, sha.direct]);
  });

  it('reads a configured branch other than HEAD', async () => {
    const { rows } = await collect({ repositories: [{ name: 'acme/api', path: repo.path, branch: 'feature' }] });
    expect(rows.map((r) => [r.branch, r.sha])).toEqual([
      ['feature', sha.f2],
      ['feature', sha.f1],
      ['feature', sha.reviewed],
    ]);
  });

  it('passes its connection test, naming each repository and the ref read', async () => {
    const ctx = createRunContext({ connector: git, config: { repositories: [{ name: 'acme/api', path: repo.path }] } });
    const info = await runTestConnection(ctx);
    expect(info.summary).toMatch(/^git version \d+\.\d+.*; 1 repository readable: acme\/api \(refs\/heads\/main\)$/);
    expect(info.details).toEqual({ repositories: 1 });
  });
});

describe('git: clones and bare repositories', () => {
  it('reads the remote-tracking branch of a fetched clone (newer than its local branch), and the HEAD branch of a bare clone', async () => {
    const origin = scratch.repo('origin', 'trunk');
    const first = origin.commit({ author: ada, at: '2026-02-01T10:00:00Z', message: 'One', file: 'a' });
    const clone = join(scratch.dir, 'clone');
    const bare = join(scratch.dir, 'bare.git');
    origin.git(['clone', '-q', origin.path, clone]);
    origin.git(['clone', '-q', '--bare', origin.path, bare]);
    const second = origin.commit({ author: ada, at: '2026-02-02T10:00:00Z', message: 'Two', file: 'a' });
    origin.git(['-C', clone, 'fetch', '-q']);

    const fromClone = await collect({ repositories: [{ name: 'clone', path: clone }] });
    expect(fromClone.rows.map((r) => [r.branch, r.sha])).toEqual([
      ['trunk', second],
      ['trunk', first],
    ]);
    const fromBare = await collect({ repositories: [{ name: 'bare', path: bare }] });
    expect(fromBare.rows.map((r) => [r.branch, r.sha])).toEqual([['trunk', first]]);
    const ctx = createRunContext({ connector: git, config: { repositories: [{ name: 'clone', path: clone }, { name: 'bare', path: bare }] } });
    expect((await runTestConnection(ctx)).summary).toContain('2 repositories readable: clone (refs/remotes/origin/trunk), bare (bare, refs/heads/trunk)');
  });

  it('hands a long history over in pages of 200 while streaming it', async () => {
    const big = scratch.repo('big');
    big.bulk(
      'main',
      Array.from({ length: 450 }, (_, i) => ({ author: ada, at: new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000).toISOString(), message: `Change ${i}` })),
    );
    const { rows, outcome } = await collect({ repositories: [{ name: 'big', path: big.path }] });
    expect(outcome).toEqual({ status: 'complete', rows: 450, pages: 3 });
    expect(rows[0]).toMatchObject({ subject: 'Change 449', committedAt: '2026-01-01T07:29:00.000Z' });
    expect(rows[449]).toMatchObject({ subject: 'Change 0', parents: [] });
    expect(duplicateKeys(rows, ['repository', 'sha'])).toEqual([]);

    // Cancelled after the first page: the run stops with the cancellation, not a git error.
    const controller = new AbortController();
    const ctx = createRunContext({ connector: git, config: { repositories: [{ name: 'big', path: big.path }] }, clock: fixedClock(now), signal: controller.signal });
    let pages = 0;
    const stopped = await readResource(ctx, git.resources[0]!, () => {
      pages++;
      controller.abort(new Error('cancelled by the test'));
    }).catch((e: unknown) => e);
    expect([pages, (stopped as Error).message]).toEqual([1, 'cancelled by the test']);
  });
});

describe.skipIf(!sshSigningAvailable())('git: signatures (SSH signing)', () => {
  it('reports good signatures of allowed signers, untrusted keys and unsigned commits', async () => {
    const repo = scratch.repo('signed');
    const adaKey = scratch.sshKey('ada');
    const eveKey = scratch.sshKey('eve');
    const good = repo.commit({ author: ada, at: '2026-02-01T10:00:00Z', message: 'Signed by Ada', signWith: adaKey });
    const untrusted = repo.commit({ author: ada, at: '2026-02-02T10:00:00Z', message: 'Signed by a stranger', signWith: eveKey });
    const unsigned = repo.commit({ author: ada, at: '2026-02-03T10:00:00Z', message: 'Not signed' });
    const allowedSignersFile = scratch.allowedSigners([{ principal: 'ada@example.com', key: adaKey }]);

    const { rows } = await collect({ repositories: [{ name: 'signed', path: repo.path }], allowedSignersFile });
    const bySha = Object.fromEntries(rows.map((r) => [r.sha, r]));
    expect(bySha[good]).toMatchObject({ signature: 'good', signer: 'ada@example.com', signingKey: expect.stringMatching(/^SHA256:/) });
    expect(bySha[untrusted]).toMatchObject({ signature: 'good-untrusted', signer: null, signingKey: expect.stringMatching(/^SHA256:/) });
    expect(bySha[unsigned]).toMatchObject({ signature: 'none', signer: null, signingKey: null });
    expect(alwaysEmptyFields(commitSchema, rows).filter((f) => !['trailers', 'mergedAuthors'].includes(f))).toEqual([]);

    // Without an allowed-signers file git cannot vouch for any SSH key, but the commit is still signed.
    const blind = await collect({ repositories: [{ name: 'signed', path: repo.path }] });
    expect(blind.rows.map((r) => r.signature)).toEqual(['none', 'good-untrusted', 'good-untrusted']);
  });
});

describe('git: what it refuses, clearly', () => {
  it('says when the git executable is missing', async () => {
    const config = { repositories: [{ name: 'x', path: scratch.dir }], gitBinary: join(scratch.dir, 'no-such-git') };
    const e = await failure(() => runTestConnection(createRunContext({ connector: git, config })));
    expect(e._tag).toBe('InvalidConfig');
    expect(e.message).toContain('the git executable');
    expect(e.hint).toContain('install git');
    const e2 = await failure(() => collect(config));
    expect(e2._tag).toBe('InvalidConfig');
  });

  it('names a path that does not exist, or is not a repository', async () => {
    const missing = await failure(() => collect({ repositories: [{ name: 'gone', path: join(scratch.dir, 'gone') }] }));
    expect([missing._tag, missing.message]).toEqual(['NotFound', `the path ${join(scratch.dir, 'gone')} does not exist`]);
    expect(missing.where).toContain('git repository gone');
    const plain = join(scratch.dir, 'plain');
    mkdirSync(plain);
    const notRepo = await failure(() => collect({ repositories: [{ name: 'plain', path: plain }] }));
    expect(notRepo._tag).toBe('NotFound');
    expect(notRepo.message).toContain(`${plain} is not a git repository`);
  });

  it('refuses a folder inside another repository, which git would silently read instead', async () => {
    const outer = scratch.repo('outer');
    outer.commit({ author: ada, at: '2026-02-01T10:00:00Z', message: 'One' });
    mkdirSync(join(outer.path, 'sub'));
    const e = await failure(() => runTestConnection(createRunContext({ connector: git, config: { repositories: [{ name: 'sub', path: join(outer.path, 'sub') }] } })));
    expect(e._tag).toBe('InvalidConfig');
    expect(e.message).toContain('is inside the repository');
  });

  it('names a branch that does not exist, and asks for one when HEAD is detached', async () => {
    const repo = scratch.repo('branches');
    const first = repo.commit({ author: ada, at: '2026-02-01T10:00:00Z', message: 'One' });
    const e = await failure(() => collect({ repositories: [{ name: 'branches', path: repo.path, branch: 'release' }] }));
    expect([e._tag, e.message]).toEqual(['NotFound', 'the branch "release" does not exist (neither refs/remotes/origin/release nor refs/heads/release)']);
    repo.git(['checkout', '-q', '--detach', first]);
    const detached = await failure(() => collect({ repositories: [{ name: 'branches', path: repo.path }] }));
    expect(detached._tag).toBe('InvalidConfig');
    expect(detached.hint).toContain('set config.repositories[].branch');
    expect((await collect({ repositories: [{ name: 'branches', path: repo.path, branch: 'main' }] })).rows).toHaveLength(1);
  });

  it('refuses a config with two repositories of the same name', () => {
    let error: unknown;
    try {
      createRunContext({ connector: git, config: { repositories: [{ name: 'a', path: '/x' }, { name: 'a', path: '/y' }] } });
    } catch (e) {
      error = e;
    }
    expect(isVigilError(error) && error._tag).toBe('InvalidConfig');
    expect((error as Error).message).toContain('two repositories have the same name');
  });
});
