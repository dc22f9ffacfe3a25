/**
 * access.mfa-idp — every identity-provider account that can sign in has a second factor.
 *
 * Okta: the population is the users in a sign-in status (okta-rows.ts); a factor counts when it is
 * ACTIVE (not a pending enrolment) and of a type that is a second factor (a security question is
 * not). Evidence: the user's row and every factor row of that user.
 *
 * Google Workspace (optional input): every account that is neither suspended nor archived is
 * enrolled in 2-Step Verification. Enforcement alone does not count: an enforced user who has not
 * enrolled yet signs in with a password only during the grace period. Evidence: the user's row.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import type { InputReader } from '../sdk/inputs.ts';
import { OKTA_FACTORS, OKTA_USERS, SIGN_IN_STATUSES, describeFactors, inSource, mfaByUser, readOktaFactors, readOktaUsers, weakFactorTypes } from './okta-rows.ts';

export const GOOGLE_USERS = 'google-workspace.users';

const googleUserRow = z.object({
  id: z.string(),
  primaryEmail: z.string(),
  orgUnitPath: z.string(),
  suspended: z.boolean(),
  archived: z.boolean(),
  isEnrolledIn2Sv: z.boolean(),
  isEnforcedIn2Sv: z.boolean(),
});

async function googleResults(inputs: InputReader): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const r of await inputs.resources(GOOGLE_USERS)) {
    const parsed = googleUserRow.safeParse(r.data);
    if (!parsed.success) {
      // A stored row of another shape means the connector changed: the check must not guess.
      throw new Error(`stored ${GOOGLE_USERS} row ${r.key} does not have the fields this check reads (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); collect the Google Workspace source again`);
    }
    const u = parsed.data;
    if (u.suspended || u.archived) continue;
    const base = {
      resource: `${GOOGLE_USERS}/${r.key}`,
      source: r.source,
      evidence: r.evidenceId ? [r.evidenceId] : [],
      details: { login: u.primaryEmail, orgUnitPath: u.orgUnitPath, enrolledIn2Sv: u.isEnrolledIn2Sv, enforcedIn2Sv: u.isEnforcedIn2Sv },
    };
    if (u.isEnrolledIn2Sv) {
      results.push({ ...base, status: 'pass', reason: `${u.primaryEmail} is enrolled in Google 2-Step Verification` });
      continue;
    }
    results.push({
      ...base,
      status: 'fail',
      reason: u.isEnforcedIn2Sv
        ? `${u.primaryEmail} can sign in to Google Workspace without 2-Step Verification: it is enforced for them but they have not enrolled`
        : `${u.primaryEmail} can sign in to Google Workspace without 2-Step Verification: not enrolled, and not enforced for ${u.orgUnitPath}`,
      remediation: u.isEnforcedIn2Sv
        ? `Have ${u.primaryEmail} enrol a security key or Google prompt today (or suspend the account if nobody uses it), and shorten the new-user enrolment period of the 2SV policy.`
        : `Have ${u.primaryEmail} enrol a security key or Google prompt today (or suspend the account if nobody uses it), then enforce 2-Step Verification for ${u.orgUnitPath} in the Admin console (Security → 2-Step Verification).`,
    });
  }
  return results;
}

export const mfaIdp = defineCheck({
  id: 'access.mfa-idp',
  title: 'MFA for every identity-provider account',
  description:
    'Every Okta user who can sign in has at least one active MFA factor (a security question does not count by default), and every Google Workspace user who is not suspended or archived is enrolled in 2-Step Verification.',
  area: 'access',
  controls: ['ACC-01'],
  severity: 'high',
  inputs: { resources: [OKTA_USERS, OKTA_FACTORS, GOOGLE_USERS], optional: [GOOGLE_USERS] },
  // One result per account, from its row (and an Okta user's factors): re-judged when either changes.
  scope: 'resource',
  belongsTo: { [OKTA_FACTORS]: { to: OKTA_USERS, by: 'userId' } },
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
    results.push(...(await googleResults(inputs)));
    return results;
  },
});
