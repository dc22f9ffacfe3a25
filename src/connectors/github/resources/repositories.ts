/** The organization's repositories with their default branch: what branch protection is judged on. */
import { z } from 'zod';
import { defineResource } from '../../sdk/index.ts';
import { orgRepos, type ApiRepo, type Ctx } from '../api.ts';

export const repositorySchema = z.object({
  fullName: z.string().describe('owner/name, e.g. octo-org/api: the key.'),
  name: z.string().describe('Repository name.'),
  id: z.number().int().describe('GitHub repository id; stays the same across renames.'),
  private: z.boolean().describe('Whether the repository is private (or internal).'),
  visibility: z.string().describe('public, private or internal.'),
  archived: z.boolean().describe('Archived repositories are read-only: nobody can push to them.'),
  fork: z.boolean().describe('Whether the repository is a fork.'),
  defaultBranch: z.string().describe('The default branch (usually main): where production changes land.'),
  createdAt: z.iso.datetime().describe('When the repository was created (UTC).'),
  pushedAt: z.iso.datetime().nullable().describe('Last push to any branch (UTC); null for an empty repository.'),
  htmlUrl: z.string().describe('Web address of the repository.'),
});

export const toRepositoryRow = (r: ApiRepo) => ({
  fullName: r.full_name,
  name: r.name,
  id: r.id,
  private: r.private,
  visibility: r.visibility ?? (r.private ? 'private' : 'public'),
  archived: r.archived,
  fork: r.fork,
  defaultBranch: r.default_branch,
  createdAt: r.created_at,
  pushedAt: r.pushed_at,
  htmlUrl: r.html_url,
});

export const repositories = defineResource({
  name: 'repositories',
  description: 'Every repository of the organization with visibility, archived flag and default branch.',
  schema: repositorySchema,
  primaryKey: 'fullName',
  async *list(ctx: Ctx) {
    for await (const page of orgRepos(ctx)) yield page.map(toRepositoryRow);
  },
});
