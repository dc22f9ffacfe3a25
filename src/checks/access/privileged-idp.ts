/**
 * access.privileged-idp — the population of Okta administrators: one result per user holding an
 * active admin role (directly or through a group), failing when that user has no active second
 * factor; and one result per Okta org counting its Super Administrators, failing above the
 * allowed number (default 4), since each can change every sign-in policy and every other admin.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { OKTA_ADMIN_ROLES, OKTA_FACTORS, describeFactors, inSource, mfaByUser, readOktaFactors, readOktaRoles, weakFactorTypes, type OktaRole } from './okta-rows.ts';

const SUPER_ADMIN = 'SUPER_ADMIN';
const roleName = (r: OktaRole) => `${r.label}${r.assignmentType === 'GROUP' ? ' (through a group)' : ''}`;

export const privilegedIdp = defineCheck({
  id: 'access.privileged-idp',
  title: 'Identity-provider administrators are few and use MFA',
  description:
    'Lists every Okta admin role holder; each fails without an active MFA factor, and the org fails when more users hold Super Administrator than allowed (default 4).',
  area: 'access',
  controls: ['ACC-07', 'ACC-01'],
  severity: 'high',
  inputs: { resources: [OKTA_ADMIN_ROLES, OKTA_FACTORS] },
  params: z.object({
    maxSuperAdmins: z.number().int().min(1).max(1000).default(4).describe('Most users allowed to hold Super Administrator in one Okta org.'),
    weakFactorTypes,
  }),
  async evaluate({ inputs, params }) {
    const factors = mfaByUser(await readOktaFactors(inputs), params.weakFactorTypes);
    const holders = new Map<string, OktaRole[]>();
    for (const r of await readOktaRoles(inputs)) {
      if (r.status !== 'ACTIVE') continue;
      const key = inSource(r.source, r.userId);
      holders.set(key, [...(holders.get(key) ?? []), r]);
    }
    const results: CheckResult[] = [];
    const supers = new Map<string, OktaRole[]>();
    for (const [key, roles] of holders) {
      const { source, userId, userLogin } = roles[0]!;
      const isSuper = roles.some((r) => r.type === SUPER_ADMIN);
      if (isSuper) supers.set(source, [...(supers.get(source) ?? []), ...roles.filter((r) => r.type === SUPER_ADMIN)]);
      const state = factors.get(key);
      const held = roles.map(roleName).join(', ');
      const base = {
        resource: `okta.users/${userId}`,
        source,
        evidence: [...roles.flatMap((r) => r.evidence), ...(state?.all.flatMap((f) => f.evidence) ?? [])],
        details: { login: userLogin, roles: roles.map((r) => ({ type: r.type, label: r.label, assignment: r.assignmentType })) },
      };
      results.push(
        state?.strong.length
          ? { ...base, status: 'pass', reason: `${userLogin} holds ${held} and uses MFA (${describeFactors(state, params.weakFactorTypes)})` }
          : {
              ...base,
              status: 'fail',
              ...(isSuper ? { severity: 'critical' as const } : {}),
              reason: `${userLogin} holds ${held} without a second factor (${describeFactors(state, params.weakFactorTypes)}): a stolen password is an Okta admin session`,
              remediation: `Have ${userLogin} enrol Okta Verify or a security key before any further admin work, or remove the role; then require MFA for the Okta Admin Console in its authentication policy.`,
            },
      );
    }
    for (const [source, roles] of supers) {
      const logins = [...new Set(roles.map((r) => r.userLogin))].sort();
      const base = {
        resource: `okta.admin-roles/${SUPER_ADMIN}@${source}`,
        source,
        evidence: roles.flatMap((r) => r.evidence),
        details: { superAdmins: logins, count: logins.length, max: params.maxSuperAdmins },
      };
      results.push(
        logins.length <= params.maxSuperAdmins
          ? { ...base, status: 'pass', reason: `${logins.length} Super Administrators (at most ${params.maxSuperAdmins} allowed): ${logins.join(', ')}` }
          : {
              ...base,
              status: 'fail',
              reason: `${logins.length} users are Super Administrators, more than the ${params.maxSuperAdmins} allowed: ${logins.join(', ')}`,
              remediation: `Keep Super Administrator for at most ${params.maxSuperAdmins} named people; move the others to a narrower admin role (Org, App, Help Desk or a custom role) and record who approved each remaining one.`,
            },
      );
    }
    return results;
  },
});
