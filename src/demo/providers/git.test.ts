import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock, HOUR_MS } from '../../lib/clock.ts';
import { createDemoOrg } from '../org/org.ts';
import { createGitDemoProvider, demoGitRepo } from './git.ts';

const anchor = new Date('2026-11-26T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'vigil-git-provider-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const git = (repo: string, args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();

describe('the demo git provider', () => {
  it('writes a repository git accepts (fsck clean), the same object ids every time, and grows as the org lives on', async () => {
    const org = createDemoOrg({ anchor });
    const provider = createGitDemoProvider();
    const write = async (at: Date, into: string) => {
      await provider.prepare!(org, fixedClock(at), into);
      const config = provider.source('').config as { repositories: { path: string }[]; allowedSignersFile: string };
      return { repo: config.repositories[0]!.path, signers: config.allowedSignersFile };
    };
    const first = await write(new Date(anchor.getTime() + 10 * HOUR_MS), join(dir, 'a'));
    expect(first.repo).toBe(join(dir, 'a', 'demo', 'git', `${demoGitRepo(org).name}.git`));
    expect(git(first.repo, ['fsck', '--strict', '--no-dangling'])).toBe('');
    const tip = git(first.repo, ['rev-parse', 'HEAD']);
    const again = await write(new Date(anchor.getTime() + 10 * HOUR_MS), join(dir, 'b'));
    expect(git(again.repo, ['rev-parse', 'HEAD'])).toBe(tip);
    expect(readFileSync(again.signers, 'utf8')).toBe(readFileSync(first.signers, 'utf8'));
    const later = await write(new Date(anchor.getTime() + 23 * HOUR_MS), join(dir, 'c'));
    expect(git(later.repo, ['merge-base', '--is-ancestor', tip, 'HEAD'])).toBe('');
    expect(Number(git(later.repo, ['rev-list', '--count', 'HEAD']))).toBeGreaterThan(Number(git(first.repo, ['rev-list', '--count', 'HEAD'])));
  });
});
