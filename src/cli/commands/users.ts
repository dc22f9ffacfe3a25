/**
 * `vigil users`: the people who sign in to the dashboard and API. Adding or resetting someone
 * prints a one-time link at which they choose a password — also the way back in for an admin who
 * forgot theirs, since whoever can run `vigil` on the server is trusted with the data folder anyway.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { App } from '../../core/app.ts';
import { createAccountService, userRoles, userView, type User, type UserRole } from '../../core/accounts.ts';
import { invalidInput, notFound } from '../../lib/errors.ts';
import { linkUrl } from '../../server/http/base-url.ts';
import { optionsOf, withApp } from '../context.ts';
import { emit, table } from '../output.ts';

const actor = () => `cli:${process.env.VIGIL_ACTOR ?? userInfo().username}`;

function baseOf(app: App): string {
  const s = app.loaded.config.server;
  return s.publicUrl?.replace(/\/+$/, '') ?? `http://${s.host === '0.0.0.0' ? 'localhost' : s.host}:${s.port}`;
}

/** A change made from the command line is a user.action record too, with the shell user as actor. */
async function record(app: App, action: string, user: User) {
  await app.evidence.log.append(app.workspace.id, [
    {
      kind: 'user.action',
      source: actor(),
      subject: `user/${user.id}`,
      content: { action, actor: null, via: actor(), details: { email: user.email, role: user.role } },
    },
  ]);
}

export function register(program: Command): void {
  const users = program
    .command('users')
    .description('people who sign in to Vigil: list them, add one, or reset a password (prints a one-time link)')
    .action(async (_a, cmd: Command) => {
      const opts = optionsOf(cmd);
      const list = await withApp(opts, async (app) => (await createAccountService(app, app.workspace.id).list()).map(userView));
      emit(opts, list, (us) =>
        us.length
          ? table(
              ['EMAIL', 'ROLE', 'STATE', 'LAST SIGN-IN'],
              us.map((u) => [u.email, u.role, u.disabled ? 'disabled' : u.hasPassword ? 'active' : 'invited', u.lastSignInAt ?? 'never']),
            )
          : 'no users yet: `vigil start` prints the link to create the first admin',
      );
    });

  users
    .command('add <email>')
    .description('add a user and print the one-time link (valid 7 days) at which they choose a password')
    .requiredOption('--role <role>', `one of ${userRoles.join(', ')}`)
    .option('--name <name>', 'their name (default: the email)')
    .action(async (email: string, _o, cmd: Command) => {
      const opts = optionsOf<{ role: string; name?: string }>(cmd);
      if (!userRoles.includes(opts.role as UserRole)) throw invalidInput(`--role must be one of ${userRoles.join(', ')}, got "${opts.role}"`, { where: '--role' });
      const out = await withApp(opts, async (app) => {
        const { user, invite } = await createAccountService(app, app.workspace.id).create({ email, name: opts.name, role: opts.role as UserRole }, actor());
        await record(app, 'user.create', user);
        return { user: userView(user), link: linkUrl(baseOf(app), 'invite', invite.token), expiresAt: invite.expiresAt.toISOString() };
      });
      emit(opts, out, (r) => `added ${r.user.email} (${r.user.role}); send them this one-time link (valid until ${r.expiresAt}):\n${r.link}`);
    });

  users
    .command('reset <email>')
    .description('print a new one-time link at which the user chooses a new password (older links stop working)')
    .action(async (email: string, _o, cmd: Command) => {
      const opts = optionsOf(cmd);
      const out = await withApp(opts, async (app) => {
        const accounts = createAccountService(app, app.workspace.id);
        const found = await accounts.byEmail(email);
        if (!found) throw notFound(`no user ${email}`, { hint: 'list them with `vigil users`' });
        const { user, invite } = await accounts.invite(found.id, actor());
        await record(app, 'user.invite', user);
        return { user: userView(user), link: linkUrl(baseOf(app), 'invite', invite.token), expiresAt: invite.expiresAt.toISOString() };
      });
      emit(opts, out, (r) => `one-time link for ${r.user.email} to choose a password (valid until ${r.expiresAt}):\n${r.link}`);
    });
}
