/**
 * What a user writes under `config:` for a git source: the repositories (local clones or bare
 * repositories Vigil can read), which branch is the default one, and how far back to read.
 */
import { z } from 'zod';

export const repositorySchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'letters, digits, ".", "_", "-" and "/" only')
    .describe('Name of the repository in results and findings, e.g. `acme/api`; unique within the source.'),
  path: z
    .string()
    .min(1)
    .describe('Path of a local clone or bare repository (absolute, or relative to the folder Vigil runs in). Keep it current with `git fetch`; Vigil never fetches, pulls or writes to it.'),
  branch: z
    .string()
    .min(1)
    .optional()
    .describe("The default (production) branch, e.g. `main`. Omitted: the remote's HEAD (`refs/remotes/<remote>/HEAD`) in a clone, else the repository's HEAD branch."),
});

export const configSchema = z.strictObject({
  repositories: z
    .array(repositorySchema)
    .min(1)
    .refine((repos) => new Set(repos.map((r) => r.name)).size === repos.length, 'two repositories have the same name')
    .describe('The repositories to read, each `{ name, path, branch? }`: `name` labels results (e.g. `acme/api`), `path` is a local clone or bare repository, `branch` the default branch (omitted: the remote HEAD, else HEAD).'),
  remote: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .default('origin')
    .describe('In a clone, the remote whose tracking branch (`refs/remotes/<remote>/<branch>`) is read when it exists, since `git fetch` keeps it current; otherwise the local branch is read.'),
  sinceDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(365)
    .describe('Read commits committed within this many days before the collection (a lookback, not a cursor: each collection reads the window whole).'),
  maxCommits: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(50_000)
    .describe('At most this many commits per repository (newest first), so a huge history cannot make a collection unbounded.'),
  allowedSignersFile: z
    .string()
    .min(1)
    .optional()
    .describe('An SSH allowed-signers file (`gpg.ssh.allowedSignersFile`) so SSH-signed commits can be verified; GPG signatures are verified against the keyring of the user Vigil runs as.'),
  gitBinary: z.string().min(1).default('git').describe('The git executable: a name found on PATH, or an absolute path.'),
});

export type GitConfig = z.output<typeof configSchema>;
export type GitRepository = GitConfig['repositories'][number];
