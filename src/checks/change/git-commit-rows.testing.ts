/** For tests only: a `git.commits` row as the git connector writes it, with overrides. */
const ada = { name: 'Ada Lopez', email: 'ada@example.com' };

export const trailer = (key: string, name: string, email: string | null) => ({ key, name, email, value: email ? `${name} <${email}>` : name });

export function gitCommit(sha: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const full = sha.padEnd(40, '0');
  return {
    repository: 'acme/api',
    branch: 'main',
    sha: full,
    parents: ['f'.repeat(40)],
    isMerge: false,
    authorName: ada.name,
    authorEmail: ada.email,
    authoredAt: '2026-02-10T15:00:00.000Z',
    committerName: ada.name,
    committerEmail: ada.email,
    committedAt: '2026-02-10T15:00:00.000Z',
    subject: 'Add health endpoint',
    signature: 'none',
    signer: null,
    signingKey: null,
    trailers: [],
    mergedCommits: 0,
    mergedAuthors: [],
    ...over,
  };
}
