/**
 * access.mfa-idp — every Okta account that can sign in has at least one active second factor.
 * The population is the users in a sign-in status (okta-rows.ts); a factor counts when it is
 * ACTIVE (not a pending enrolment) and of a type that is a second factor (a security question is
 * not). Evidence: the user's row and every factor row of that user.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { OKTA_FACTORS, OKTA_USERS, SIGN_IN_STATUSES, describeFactors, inSource, mfaByUser, readOktaFactors, readOktaUsers, weakFactorTypes } from './okta-rows.ts';

export const mfaIdp = defineCheck({
  id: 'access.mfa-idp',
  title: 'MFA for every identity-provider account',
  description: 'Every Okta user who can sign in has at least one active MFA factor (a security question does not count by default).',
  area: 'access',
  controls: ['ACC-01'],
  severity: 'high',
  inputs: { resources: [OKTA_USERS, OKTA_FACTORS] },
  params: z.object({ weakFactorTypes }),
  async evaluate({ inputs, params }) {
    const factors = mfaByUser(await readOktaFactors(inputs), params.weakFactorTypes);
    const results: CheckResult[] = [];
    for (const u of await readOktaUsers(inputs)) {
      if (!SIGN_IN_STATUSES.has(u.status)) continue;
      const state = factors.get(inSource(u.source, u.id));
      const base = {
        resource: u.resource,
        source: u.source,
        evidence: [...u.evidence, ...(state?.all.flatMap((f) => f.evidence) ?? [])],
        details: { login: u.login, status: u.status, factors: state?.all.map((f) => ({ type: f.factorType, status: f.status })) ?? [] },
      };
      results.push(
        state?.strong.length
          ? { ...base, status: 'pass', reason: `${u.login} has MFA: ${describeFactors(state, params.weakFactorTypes)}` }
          : {
              ...base,
              status: 'fail',
              reason: `${u.login} (${u.status}) can sign in to Okta without a second factor: ${describeFactors(state, params.weakFactorTypes)}`,
              remediation: `Have ${u.login} enrol Okta Verify or a security key today (or suspend the account if nobody uses it), then make an Okta MFA enrolment policy require a factor at sign-in so no account can skip it.`,
            },
      );
    }
    return results;
  },
});
