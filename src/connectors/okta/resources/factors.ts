/**
 * MFA factors: every factor enrolled by every user Okta lists by default (DEPROVISIONED users
 * have no usable factors, and Okta resets them on deactivation). One request per user.
 */
import { z } from 'zod';
import { isVigilError } from '../../../lib/errors.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import { mapLimit, oktaList, type ApiFactor, type ApiUser } from '../api.ts';
import type { OktaConfig } from '../config.ts';
import { listCurrentUsers } from './users.ts';

export const factorSchema = z.object({
  id: z.string().describe('Okta factor id, unique within the org.'),
  userId: z.string().describe('Id of the user the factor belongs to (see the users resource).'),
  userLogin: z.string().describe("The user's Okta username, for reading the row without a join."),
  factorType: z
    .string()
    .describe('Factor type as Okta names it: push (Okta Verify), token:software:totp, webauthn, u2f, sms, call, email, question, token:hardware, …'),
  provider: z.string().describe('Who provides the factor: OKTA, GOOGLE, RSA, YUBICO, FIDO, SYMANTEC, DUO, CUSTOM.'),
  vendorName: z.string().nullable().describe("The factor vendor's name, when Okta reports one."),
  status: z.string().describe('Factor status: ACTIVE (usable), PENDING_ACTIVATION (enrolment not finished), NOT_SETUP, INACTIVE, EXPIRED, …'),
  created: z.iso.datetime().describe('When the factor was enrolled (UTC).'),
  lastUpdated: z.iso.datetime().describe('When the factor last changed (UTC).'),
});

/**
 * One user's factors; none when the user disappeared since the listing (a 404 is a race with a
 * deletion, not a failure of the collection).
 */
async function factorsOf(ctx: RunContext<OktaConfig>, user: ApiUser): Promise<z.output<typeof factorSchema>[]> {
  let factors: ApiFactor[];
  try {
    factors = await oktaList<ApiFactor>(ctx, `/api/v1/users/${encodeURIComponent(user.id)}/factors`);
  } catch (e) {
    if (isVigilError(e) && e._tag === 'NotFound') {
      ctx.log.debug(`user ${user.id} was deleted during collection; skipping its factors`);
      return [];
    }
    throw e;
  }
  return factors.map((f) => ({
    id: f.id,
    userId: user.id,
    userLogin: user.profile.login,
    factorType: f.factorType,
    provider: f.provider,
    vendorName: f.vendorName ?? null,
    status: f.status,
    created: f.created,
    lastUpdated: f.lastUpdated,
  }));
}

export const factors = defineResource({
  name: 'factors',
  description: "Every MFA factor of every user that is not DEPROVISIONED, with its type and status.",
  schema: factorSchema,
  primaryKey: ['userId', 'id'],
  async *list(ctx: RunContext<OktaConfig>) {
    for await (const page of listCurrentUsers(ctx)) {
      const perUser = await mapLimit(page, ctx.config.concurrency, (u) => factorsOf(ctx, u));
      const rows = perUser.flat();
      if (rows.length) yield rows;
    }
  },
});
