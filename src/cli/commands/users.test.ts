import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProject, runCli, type CliProject } from '../testing.ts';

let p: CliProject;
beforeAll(async () => {
  p = await cliProject();
});
afterAll(async () => {
  await p?.close();
});

describe('vigil users', () => {
  it('adds a user with a one-time link, lists them as invited, and resets with a new link', async () => {
    const added = await runCli(['users', 'add', 'Ada@Example.com', '--role', 'member', '--json', '-c', p.config]);
    expect(added.code).toBe(0);
    const a = JSON.parse(added.out) as { user: { email: string; role: string; hasPassword: boolean }; link: string };
    expect(a.user).toMatchObject({ email: 'ada@example.com', role: 'member', hasPassword: false });
    expect(a.link).toMatch(/^http:\/\/127\.0\.0\.1:7700\/invite#token=[A-Za-z0-9_-]{43}$/);

    const reset = await runCli(['users', 'reset', 'ada@example.com', '-c', p.config]);
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(/one-time link for ada@example.com/);
    expect(reset.out).not.toContain(a.link);

    const list = await runCli(['users', '-c', p.config]);
    expect(list.out).toMatch(/ada@example\.com\s+member\s+invited\s+never/);
    expect((await runCli(['users', 'add', 'x@example.com', '--role', 'owner', '-c', p.config])).code).toBe(2);
    expect((await runCli(['users', 'reset', 'nobody@example.com', '-c', p.config])).code).toBe(4);
  });
});
