/**
 * Git repositories: change evidence for teams whose reviews live in git itself (trailers such as
 * `Reviewed-by:`) rather than in a code host. A local source: no HTTP, no credentials; Vigil runs
 * the `git` binary read-only against clones or bare repositories kept current by `git fetch`.
 */
import { defineConnector } from '../sdk/index.ts';
import { configSchema } from './config.ts';
import { checkRepository, gitVersion, resolveBranch } from './git.ts';
import { commits } from './resources/commits.ts';

export const git = defineConnector({
  id: 'git',
  title: 'Git repositories',
  description: 'Commits on the default branch of local clones or bare repositories: authors, committers, merges, GPG/SSH signature status and review trailers (Reviewed-by, Approved-by, Signed-off-by).',
  configSchema,
  auth: {
    description: 'None: Vigil reads local repositories with the `git` binary. Whatever fetches them (a cron `git fetch`, a CI job) holds the credentials for the code host, not Vigil.',
    permissions: [
      'read access to each repository folder for the user Vigil runs as (and `safe.directory` if another user owns it)',
      'the signers\' public keys in that user\'s GPG keyring, or an SSH allowed-signers file (`allowedSignersFile`), to verify signatures',
    ],
  },
  async testConnection(ctx) {
    const version = await gitVersion(ctx);
    const found: string[] = [];
    for (const repo of ctx.config.repositories) {
      const { bare } = await checkRepository(ctx, repo);
      const { ref } = await resolveBranch(ctx, repo);
      found.push(`${repo.name} (${bare ? 'bare, ' : ''}${ref})`);
    }
    return {
      summary: `${version}; ${found.length} repositor${found.length === 1 ? 'y' : 'ies'} readable: ${found.join(', ')}`,
      details: { repositories: found.length },
    };
  },
  resources: [commits],
});

export default git;
