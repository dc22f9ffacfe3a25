/**
 * change.git-signed-commits — commits on a default branch carry a good GPG or SSH signature, as
 * verified by git on the collecting machine, so the author recorded (and so the independence of
 * any review) can be trusted. One population member per commit on the first-parent line.
 *
 * A bad signature, or one by a revoked key, always fails: something is wrong whatever the policy.
 * Unsigned commits, and signatures nobody can vouch for (unknown or untrusted key, expired), fail
 * only when `requireSignature` is on (the default).
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { at, inWindow, windowParam } from './github-rows.ts';
import { authorOf, describeCommit, describePerson, GIT_COMMITS, readCommits, type GitCommit } from './git-rows.ts';

const params = z.object({
  windowDays: windowParam,
  requireSignature: z.boolean().default(true).describe('Fail commits that are unsigned or whose signature cannot be vouched for; off, only bad and revoked signatures fail.'),
  acceptUntrustedKeys: z
    .boolean()
    .default(false)
    .describe('Count a valid signature by a key that is not trusted (GPG validity unknown; SSH key not in the allowed-signers file) as good.'),
});

type Params = z.output<typeof params>;

const why: Record<string, string> = {
  none: 'is not signed',
  'good-untrusted': 'is signed by a key the collecting machine does not trust (not in the SSH allowed-signers file, or a GPG key of unknown validity)',
  unverifiable: 'is signed, but the key is unknown to the collecting machine, so the signature cannot be checked',
  'expired-signature': 'has a signature that has expired',
  'expired-key': 'is signed by a key that has expired',
  'revoked-key': 'is signed by a key that has been revoked',
  bad: 'has a BAD signature: the commit does not match what was signed',
};

function verdict(c: GitCommit, p: Params): 'pass' | 'fail' {
  if (c.signature === 'good') return 'pass';
  if (c.signature === 'bad' || c.signature === 'revoked-key') return 'fail';
  if (c.signature === 'good-untrusted' && p.acceptUntrustedKeys) return 'pass';
  return p.requireSignature ? 'fail' : 'pass';
}

function remediation(c: GitCommit): string {
  const author = describePerson(authorOf(c));
  switch (c.signature) {
    case 'bad':
    case 'revoked-key':
      return `Treat ${c.sha.slice(0, 12)} in ${c.repository} as untrusted: find out who made it and whether its content was altered, review it, and revoke or replace the key involved; then revert or re-sign the change.`;
    case 'good-untrusted':
    case 'unverifiable':
      return `If the key ${c.signingKey ?? ''} is ${author}'s, add it to the SSH allowed-signers file (config.allowedSignersFile) or import and trust it in the keyring of the user Vigil runs as; if it is nobody's you know, investigate ${c.sha.slice(0, 12)}.`;
    case 'expired-signature':
    case 'expired-key':
      return `Have ${author} renew their signing key (or publish its new expiry) and make it known to the collecting machine; require signed commits on ${c.branch}.`;
    default:
      return `Have ${author} set up commit signing (git config commit.gpgSign true, with a GPG or SSH key registered with the team), and require signed commits on ${c.branch} of ${c.repository} (a server-side hook or the code host's "require signed commits" rule).`;
  }
}

export const gitSignedCommits = defineCheck({
  id: 'change.git-signed-commits',
  title: 'Commits on default branches are signed (git)',
  description:
    'Every commit on the default branch of a git repository in the window has a good GPG or SSH signature by a trusted key, so its recorded author can be relied on. Bad or revoked signatures always fail; unsigned commits fail while a signature is required.',
  area: 'change',
  controls: ['CHG-01', 'CHG-02'],
  severity: 'medium',
  // Results move with the clock: commits within the lookback before now.
  readsNow: true,
  inputs: { resources: [GIT_COMMITS] },
  params,
  async evaluate({ params: p, now, inputs }) {
    const results: CheckResult[] = [];
    for (const s of await readCommits(inputs)) {
      const c = s.row;
      if (!inWindow(c.committedAt, now, p.windowDays)) continue;
      const base = { resource: s.resource, source: s.source, evidence: s.evidence };
      const details = { repository: c.repository, branch: c.branch, sha: c.sha, author: describePerson(authorOf(c)), committedAt: c.committedAt, signature: c.signature, signer: c.signer, signingKey: c.signingKey };
      const what = `${describeCommit(c)} by ${describePerson(authorOf(c))} at ${at(c.committedAt)}`;
      const signedBy = c.signer ? ` by ${c.signer}` : '';
      if (verdict(c, p) === 'pass') {
        const reason =
          c.signature === 'good' ? `${what} has a good signature${signedBy}`
          : c.signature === 'good-untrusted' ? `${what} ${why[c.signature]}, which this check accepts (acceptUntrustedKeys)`
          : `${what} ${why[c.signature] ?? `has signature status ${c.signature}`}; signatures are not required (requireSignature is off)`;
        results.push({ ...base, status: 'pass', reason, details });
        continue;
      }
      results.push({
        ...base,
        status: 'fail',
        reason: `${what} ${why[c.signature] ?? `has signature status ${c.signature}`}${c.signingKey ? ` (key ${c.signingKey})` : ''}`,
        remediation: remediation(c),
        ...(c.signature === 'bad' || c.signature === 'revoked-key' ? { severity: 'high' as const } : {}),
        details,
      });
    }
    return results;
  },
});
