/**
 * Running the `git` binary for a source: short commands through `execFile` and the commit log
 * streamed through `spawn` (both without a shell, arguments passed as a list). `execFile` buffers
 * the whole output, so it is used only where the output is small; the log is read record by
 * record so memory stays flat however long the history.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { devNull } from 'node:os';
import { resolve } from 'node:path';
import { VigilError } from '../../lib/errors.ts';
import type { RunContext } from '../sdk/index.ts';
import type { GitConfig, GitRepository } from './config.ts';

type Ctx = Pick<RunContext<GitConfig>, 'config' | 'signal'>;

/** Git's own settings for every command: no pager, no prompts, verification keys from the config. */
function baseArgs(ctx: Ctx, repo: GitRepository): string[] {
  const args = ['-C', resolve(repo.path), '-c', 'core.quotepath=off', '-c', 'log.showSignature=false'];
  if (ctx.config.allowedSignersFile) args.push('-c', `gpg.ssh.allowedSignersFile=${resolve(ctx.config.allowedSignersFile)}`);
  return args;
}

// The C locale keeps git's messages in English for the errors we show; no prompt may block a run.
const env = () => ({ ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat' });

const where = (repo: GitRepository) => `git repository ${repo.name} (${repo.path})`;

const missingHint = 'install git (e.g. `apt-get install git`) on the machine Vigil runs on, or set config.gitBinary to its absolute path';

function missingBinary(ctx: Ctx, repo: GitRepository): VigilError {
  return new VigilError('InvalidConfig', `the git executable "${ctx.config.gitBinary}" was not found`, {
    where: where(repo),
    hint: missingHint,
  });
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a git command whose output is small; a non-zero exit is returned, not thrown. */
export function runGit(ctx: Ctx, repo: GitRepository, args: string[]): Promise<GitResult> {
  return new Promise((done, fail) => {
    execFile(
      ctx.config.gitBinary,
      [...baseArgs(ctx, repo), ...args],
      { env: env(), maxBuffer: 4 * 1024 * 1024, signal: ctx.signal, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return fail(missingBinary(ctx, repo));
        if (error && error.name === 'AbortError') return fail(ctx.signal.reason ?? error);
        if (error && typeof error.code !== 'number') return fail(error);
        done({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** `git version 2.39.5`: proves the binary runs, before any repository is looked at. */
export function gitVersion(ctx: Ctx): Promise<string> {
  return new Promise((done, fail) => {
    execFile(ctx.config.gitBinary, ['--version'], { env: env(), signal: ctx.signal, encoding: 'utf8' }, (error, stdout) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        return fail(new VigilError('InvalidConfig', `the git executable "${ctx.config.gitBinary}" was not found`, { hint: missingHint }));
      }
      if (error) return fail(error);
      done(stdout.trim());
    });
  });
}

/** Run a git command that must succeed; its trimmed output. */
export async function gitOk(ctx: Ctx, repo: GitRepository, args: string[], doing: string): Promise<string> {
  const r = await runGit(ctx, repo, args);
  if (r.code !== 0) throw gitFailed(repo, doing, r);
  return r.stdout.trim();
}

function gitFailed(repo: GitRepository, doing: string, r: Pick<GitResult, 'code' | 'stderr'>): VigilError {
  return new VigilError('ProviderError', `git failed while ${doing} (exit ${r.code}): ${r.stderr.trim().split('\n').slice(0, 3).join(' ') || 'no message'}`, {
    where: where(repo),
    hint: 'run the same git command in that folder as the user Vigil runs as to see why',
  });
}

/**
 * Prove `repo.path` is a git repository of its own (not a folder inside another one, which git
 * would silently read instead). Returns whether it is bare.
 */
export async function checkRepository(ctx: Ctx, repo: GitRepository): Promise<{ bare: boolean }> {
  const path = resolve(repo.path);
  if (!existsSync(path)) {
    throw new VigilError('NotFound', `the path ${path} does not exist`, { where: where(repo), hint: 'clone the repository there (`git clone --mirror` or a normal clone) or fix config.repositories[].path' });
  }
  const r = await runGit(ctx, repo, ['rev-parse', '--is-bare-repository', '--absolute-git-dir']);
  if (r.code !== 0) {
    throw new VigilError('NotFound', `${path} is not a git repository: ${r.stderr.trim().split('\n')[0] ?? ''}`, {
      where: where(repo),
      hint: 'point config.repositories[].path at a clone or bare repository; if git says "dubious ownership", add it to safe.directory for the user Vigil runs as',
    });
  }
  const [bareLine, gitDir] = r.stdout.trim().split('\n');
  const bare = bareLine === 'true';
  const own = bare ? realpathSync(gitDir ?? '') === realpathSync(path) : realpathSync(resolve(gitDir ?? '', '..')) === realpathSync(path);
  if (!own) {
    throw new VigilError('InvalidConfig', `${path} is inside the repository ${gitDir}, not a repository itself`, {
      where: where(repo),
      hint: 'point config.repositories[].path at the top folder of the clone (or the bare repository)',
    });
  }
  return { bare };
}

const verify = async (ctx: Ctx, repo: GitRepository, ref: string) =>
  (await runGit(ctx, repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).code === 0;

/** The default branch and the ref to read it from: the remote-tracking branch when there is one. */
export async function resolveBranch(ctx: Ctx, repo: GitRepository): Promise<{ branch: string; ref: string }> {
  const remote = ctx.config.remote;
  let branch = repo.branch;
  if (!branch) {
    const remoteHead = await runGit(ctx, repo, ['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`]);
    const head = remoteHead.code === 0 ? remoteHead : await runGit(ctx, repo, ['symbolic-ref', '--quiet', 'HEAD']);
    const target = head.code === 0 ? head.stdout.trim() : '';
    branch = target.replace(new RegExp(`^refs/(remotes/${remote}|heads)/`), '');
    if (!target || branch === target) {
      throw new VigilError('InvalidConfig', 'cannot tell the default branch: HEAD is detached and there is no remote HEAD', {
        where: where(repo),
        hint: 'set config.repositories[].branch to the production branch, e.g. main',
      });
    }
  }
  for (const ref of [`refs/remotes/${remote}/${branch}`, `refs/heads/${branch}`]) {
    if (await verify(ctx, repo, ref)) return { branch, ref };
  }
  throw new VigilError('NotFound', `the branch "${branch}" does not exist (neither refs/remotes/${remote}/${branch} nor refs/heads/${branch})`, {
    where: where(repo),
    hint: 'fetch the repository, or set config.repositories[].branch to a branch it has',
  });
}

/**
 * Git settings for reading signatures. Without an allowed-signers file git reports an SSH-signed
 * commit as unsigned (`N`); an empty file makes it "signed by an unknown key" (`U`), which is the
 * truth. A file set in the user's own git config is kept.
 */
export async function signatureArgs(ctx: Ctx, repo: GitRepository): Promise<string[]> {
  if (ctx.config.allowedSignersFile) return [];
  const configured = await runGit(ctx, repo, ['config', '--get', 'gpg.ssh.allowedSignersFile']);
  return configured.code === 0 && configured.stdout.trim() ? [] : ['-c', `gpg.ssh.allowedSignersFile=${devNull}`];
}

/**
 * Stream the NUL-separated records of a git command (`git log -z …`), one at a time. Stopping
 * the iteration early kills git.
 */
export async function* streamRecords(ctx: Ctx, repo: GitRepository, args: string[], doing: string): AsyncGenerator<string> {
  const child = spawn(ctx.config.gitBinary, [...baseArgs(ctx, repo), ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'], signal: ctx.signal });
  let spawnError: Error | undefined;
  let stderr = '';
  const finished = new Promise<number | null>((done) => {
    child.once('error', (e) => {
      spawnError = e;
      done(null);
    });
    child.once('close', (code) => done(code));
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 8192) stderr += chunk;
  });
  child.stdout.setEncoding('utf8');
  let complete = false;
  try {
    let rest = '';
    for await (const chunk of child.stdout as AsyncIterable<string>) {
      rest += chunk;
      let nul: number;
      while ((nul = rest.indexOf('\0')) >= 0) {
        yield rest.slice(0, nul);
        rest = rest.slice(nul + 1);
      }
    }
    const code = await finished;
    if (spawnError) {
      if ((spawnError as NodeJS.ErrnoException).code === 'ENOENT') throw missingBinary(ctx, repo);
      if (spawnError.name === 'AbortError') throw ctx.signal.reason ?? spawnError;
      throw spawnError;
    }
    if (code !== 0) throw gitFailed(repo, doing, { code: code ?? -1, stderr });
    // `git log -z` ends the last record without a NUL; a trailing newline is not part of it.
    const last = rest.replace(/\n$/, '');
    if (last) yield last;
    complete = true;
  } finally {
    if (!complete && child.exitCode === null) child.kill();
  }
}
