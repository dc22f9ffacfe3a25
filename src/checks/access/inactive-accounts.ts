/**
 * access.inactive-accounts — Okta accounts that can sign in but have not for more than N days
 * (default 90), and accounts that never signed in although they were activated more than N days
 * ago. Inactivity counts from the last sign-in, else from activation, else from creation.
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { OKTA_USERS, SIGN_IN_STATUSES, readOktaUsers, showTime } from './okta-rows.ts';

export const inactiveAccounts = defineCheck({
  id: 'access.inactive-accounts',
  title: 'No identity-provider account left unused',
  description: 'Okta users who can sign in but have not signed in for more than the allowed days (default 90), or never signed in since being activated that long ago.',
  area: 'access',
  controls: ['ACC-08'],
  severity: 'medium',
  // Results move with the clock: idle time is measured up to now.
  readsNow: true,
  inputs: { resources: [OKTA_USERS] },
  params: z.object({
    maxInactiveDays: z.number().int().min(1).max(3650).default(90).describe('Days without a sign-in after which an account that can still sign in fails (a common baseline: 90).'),
  }),
  async evaluate({ inputs, params, now }) {
    const limitMs = params.maxInactiveDays * DAY_MS;
    const results: CheckResult[] = [];
    for (const u of await readOktaUsers(inputs)) {
      if (!SIGN_IN_STATUSES.has(u.status)) continue;
      const last = u.lastLogin ? new Date(u.lastLogin) : null;
      const since = last ?? new Date(u.activated ?? u.created);
      const idleMs = now.getTime() - since.getTime();
      const inactiveFrom = new Date(since.getTime() + limitMs);
      // An instant, not an age: details are stored with the state and would go stale as it holds.
      const base = { resource: u.resource, source: u.source, evidence: u.evidence, details: { login: u.login, status: u.status, lastLogin: u.lastLogin, inactiveFrom: inactiveFrom.toISOString() } };
      if (idleMs <= limitMs) {
        results.push({
          ...base,
          status: 'pass',
          reason: last
            ? `${u.login} last signed in ${showTime(last)}, within the ${params.maxInactiveDays} days allowed until ${showTime(inactiveFrom)}`
            : `${u.login} has not signed in yet; activated ${showTime(since)}, within the ${params.maxInactiveDays} days allowed until ${showTime(inactiveFrom)}`,
        });
        continue;
      }
      results.push({
        ...base,
        status: 'fail',
        reason: last
          ? `${u.login} has not signed in since ${showTime(last)}, more than ${params.maxInactiveDays} days, yet can still sign in`
          : `${u.login} has never signed in since it was ${u.activated ? 'activated' : 'created'} ${showTime(since)}, more than ${params.maxInactiveDays} days, yet can sign in`,
        remediation: `Ask ${u.login}'s manager whether the account is still needed: if not, deactivate it in Okta; if it is (leave, a service account), record why and who owns it.`,
      });
    }
    return results;
  },
});
