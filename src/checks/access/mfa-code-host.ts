/**
 * access.mfa-code-host — every GitHub organization member and outside collaborator has
 * two-factor authentication on. GitHub shows two-factor status only to organization owners; when
 * the collector could not read it the rows say null, and this check refuses to judge (an error
 * naming what to fix) rather than let an unknown pass.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';

const MEMBERS = 'github.members';
const COLLABORATORS = 'github.outside-collaborators';

const row = z.object({ login: z.string(), role: z.enum(['admin', 'member']).optional(), twoFactorEnabled: z.boolean().nullable() });

export const mfaCodeHost = defineCheck({
  id: 'access.mfa-code-host',
  title: 'Two-factor authentication for everyone on the code host',
  description: 'Every GitHub organization member and outside collaborator has two-factor authentication enabled.',
  area: 'access',
  controls: ['ACC-02'],
  severity: 'high',
  inputs: { resources: [MEMBERS, COLLABORATORS] },
  params: z.object({}),
  async evaluate({ inputs }) {
    const results: CheckResult[] = [];
    const unknown: string[] = [];
    for (const type of [MEMBERS, COLLABORATORS]) {
      for (const r of await inputs.resources(type)) {
        const parsed = row.safeParse(r.data);
        if (!parsed.success) throw new Error(`stored ${type} row ${r.key} has no two-factor field; collect the GitHub source again`);
        const u = parsed.data;
        if (u.twoFactorEnabled === null) {
          unknown.push(u.login);
          continue;
        }
        const who = type === COLLABORATORS ? 'outside collaborator' : u.role === 'admin' ? 'organization owner' : 'member';
        const base = { resource: `${type}/${r.key}`, source: r.source, evidence: r.evidenceId ? [r.evidenceId] : [], details: { login: u.login, kind: who } };
        results.push(
          u.twoFactorEnabled
            ? { ...base, status: 'pass', reason: `${u.login} (${who}) has two-factor authentication on` }
            : {
                ...base,
                status: 'fail',
                // An owner without a second factor can change every protection in the organization.
                ...(u.role === 'admin' ? { severity: 'critical' as const } : {}),
                reason: `${u.login} (${who}) has no two-factor authentication: their password alone can push and approve code`,
                remediation: `Ask ${u.login} to enable two-factor authentication (GitHub → Settings → Password and authentication) today, or remove their access; then require two-factor for the organization (Settings → Authentication security) so it cannot lapse.`,
              },
        );
      }
    }
    if (unknown.length) {
      throw new Error(
        `GitHub did not say whether ${unknown.length} account(s) use two-factor authentication (e.g. ${unknown.slice(0, 3).join(', ')}): only organization owners may read it. Give the GitHub source an owner's token (or a GitHub App with organization Members: read and Administration: read) and collect again.`,
      );
    }
    return results;
  },
});
