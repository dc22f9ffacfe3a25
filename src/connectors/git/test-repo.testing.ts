/**
 * For tests only: real git repositories built in a temp folder — commits with chosen authors,
 * dates and messages, merges, SSH-signed commits — isolated from the machine's git config.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether this machine can make and verify SSH signatures (git ≥ 2.34 and ssh-keygen -Y). */
export function sshSigningAvailable(): boolean {
  const keygen = spawnSync('ssh-keygen', ['-?'], { encoding: 'utf8' });
  if (keygen.error) return false;
  const v = /git version (\d+)\.(\d+)/.exec(spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout ?? '');
  return !!v && (Number(v[1]) > 2 || (Number(v[1]) === 2 && Number(v[2]) >= 34)) && `${keygen.stderr}`.includes('-Y');
}

export interface CommitOptions {
  /** `Name <email>` */
  author: string;
  /** `Name <email>`; default: the author. */
  committer?: string;
  /** ISO 8601; also the committer date unless `committedAt` is given. */
  at: string;
  committedAt?: string;
  message: string;
  /** Sign with this SSH key (see `sshKey`). */
  signWith?: SshKey;
}

export interface SshKey {
  privatePath: string;
  publicKey: string;
}

export interface Scratch {
  dir: string;
  /** A new repository with an initial branch `main`. */
  repo(name: string, branch?: string): TestRepo;
  /** A new SSH key pair. */
  sshKey(name: string): SshKey;
  /** An allowed-signers file naming each principal's key. */
  allowedSigners(entries: { principal: string; key: SshKey }[]): string;
  cleanup(): void;
}

export interface TestRepo {
  path: string;
  git(args: string[], env?: Record<string, string>): string;
  /** Commit a change to a file (an empty commit when `file` is omitted); returns the hash. */
  commit(options: CommitOptions & { file?: string }): string;
  /** Merge `branch` into the current branch with a merge commit (never fast-forward); returns the hash. */
  merge(branch: string, options: CommitOptions): string;
  /** Many commits at once on `branch` (git fast-import: fast enough for hundreds). */
  bulk(branch: string, commits: { author: string; at: string; message: string }[]): void;
}

const isolated = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' };

function identity(role: 'AUTHOR' | 'COMMITTER', who: string, at: string): Record<string, string> {
  const m = /^(.*?)\s*<(.*)>$/.exec(who);
  if (!m) throw new Error(`write people as "Name <email>", not ${who}`);
  return { [`GIT_${role}_NAME`]: m[1]!, [`GIT_${role}_EMAIL`]: m[2]!, [`GIT_${role}_DATE`]: at };
}

function commitEnv(o: CommitOptions): Record<string, string> {
  return { ...identity('AUTHOR', o.author, o.at), ...identity('COMMITTER', o.committer ?? o.author, o.committedAt ?? o.at) };
}

const signArgs = (o: CommitOptions) => (o.signWith ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${o.signWith.privatePath}`] : []);

export function createScratch(prefix = 'vigil-git-'): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let files = 0;
  return {
    dir,
    repo(name, branch = 'main') {
      const path = join(dir, name);
      mkdirSync(path, { recursive: true });
      const git = (args: string[], env: Record<string, string> = {}) =>
        execFileSync('git', ['-C', path, ...args], { env: { ...process.env, ...isolated, ...env }, encoding: 'utf8' }).trim();
      git(['init', '-q', '-b', branch]);
      return {
        path,
        git,
        commit(o) {
          if (o.file) writeFileSync(join(path, o.file), `${o.message}\n${++files}\n`, { flag: 'a' });
          if (o.file) git(['add', o.file]);
          git([...signArgs(o), 'commit', '-q', ...(o.file ? [] : ['--allow-empty']), ...(o.signWith ? ['-S'] : []), '-m', o.message], commitEnv(o));
          return git(['rev-parse', 'HEAD']);
        },
        merge(branchName, o) {
          git([...signArgs(o), 'merge', '-q', '--no-ff', ...(o.signWith ? ['-S'] : []), '-m', o.message, branchName], commitEnv(o));
          return git(['rev-parse', 'HEAD']);
        },
        bulk(branchName, commits) {
          const stream = commits
            .map((c) => {
              const when = `${Math.floor(Date.parse(c.at) / 1000)} +0000`;
              const message = Buffer.from(c.message);
              return `commit refs/heads/${branchName}\nauthor ${c.author} ${when}\ncommitter ${c.author} ${when}\ndata ${message.length}\n${c.message}\n`;
            })
            .join('');
          execFileSync('git', ['-C', path, 'fast-import', '--quiet'], { input: stream, env: { ...process.env, ...isolated } });
        },
      };
    },
    sshKey(name) {
      const privatePath = join(dir, `${name}.key`);
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', privatePath]);
      return { privatePath, publicKey: readFileSync(`${privatePath}.pub`, 'utf8').trim() };
    },
    allowedSigners(entries) {
      const path = join(dir, `allowed-signers-${++files}`);
      writeFileSync(path, entries.map((e) => `${e.principal} ${e.key.publicKey}\n`).join(''));
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
