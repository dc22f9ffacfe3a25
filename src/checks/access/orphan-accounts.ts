/**
 * access.orphan-accounts — every active identity-provider account belongs to someone HR knows.
 *
 * One result per Okta account that can sign in (any status but DEPROVISIONED and SUSPENDED): a
 * pass names the HR record it belongs to (current, future or former employee — a former
 * employee's live account is the leaver check's to report), a fail is an account no HR record
 * matches. Service accounts are not people: accounts matching a documented pattern are listed as
 * not applicable here (ACC-19 covers them).
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { DEACTIVATED_STATUSES, HR_TYPES, OKTA_USERS, readHrRoster, readOktaAccounts, requireRoster, showHrDate, showTime, type OktaAccount } from './hr-roster.ts';

export const DEFAULT_SERVICE_ACCOUNT_PATTERNS = ['svc-*', 'svc.*', 'svc_*', 'service-*', 'service.*', '*-bot@*', '*.bot@*'];

const params = z.object({
  serviceAccountPatterns: z
    .array(z.string().min(1))
    .default(DEFAULT_SERVICE_ACCOUNT_PATTERNS)
    .describe('Login patterns of service accounts (`*` matches anything, case-insensitive), which are not expected in HR. Keep it to the naming convention you document.'),
});

/** A glob with `*` only, as a case-insensitive regular expression over the whole login. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}

function describeAccount(a: OktaAccount): string {
  const seen = a.lastLogin ? `last sign-in ${showTime(a.lastLogin)}` : 'never signed in';
  return `${a.login} (${a.status}, created ${showTime(a.created)}, ${seen})`;
}

export const orphanAccounts = defineCheck({
  id: 'access.orphan-accounts',
  title: 'Every active identity-provider account belongs to a person in HR',
  description: 'Active Okta accounts are matched to the HR roster by work email; an account no HR record matches, and that is not a documented service account, is an orphan.',
  area: 'access',
  controls: ['ACC-12'],
  severity: 'high',
  inputs: { resources: [...HR_TYPES, OKTA_USERS], optional: [...HR_TYPES] },
  params,
  async evaluate({ params: p, inputs }) {
    const roster = await readHrRoster(inputs);
    requireRoster(roster, 'access.orphan-accounts');
    const byEmail = new Map(roster.filter((r) => r.email).map((r) => [r.email!, r]));
    const patterns = p.serviceAccountPatterns.map((g) => ({ glob: g, re: globToRegExp(g) }));

    const results: CheckResult[] = [];
    for (const account of await readOktaAccounts(inputs)) {
      if (DEACTIVATED_STATUSES.has(account.status)) continue;
      const base = { resource: account.resource, source: account.source, details: { login: account.login, email: account.email, status: account.status } };
      const service = patterns.find((x) => x.re.test(account.login) || (account.email !== null && x.re.test(account.email)));
      if (service) {
        results.push({ ...base, status: 'not_applicable', reason: `${account.login} is a service account (matches "${service.glob}"): not expected in HR; its owner is reviewed under ACC-19.`, evidence: account.evidence });
        continue;
      }
      const person = byEmail.get(account.login.toLowerCase()) ?? (account.email ? byEmail.get(account.email.toLowerCase()) : undefined);
      if (person) {
        const status = person.terminationDate ? `former employee, left ${showHrDate(person.terminationDate)}` : person.startDate ? `start date ${showHrDate(person.startDate)}` : 'no start date recorded';
        results.push({
          ...base,
          status: 'pass',
          reason: `${account.login} belongs to ${person.name} in HR (${status}).`,
          evidence: [...account.evidence, ...person.evidence],
          details: { ...base.details, hrRecord: person.resource },
        });
        continue;
      }
      results.push({
        ...base,
        status: 'fail',
        reason: `Active Okta account ${describeAccount(account)} matches no HR record by login or email.`,
        remediation:
          'Find the owner. A person: add them to HR, or correct the email so it matches. A service account: rename it to a documented service-account pattern (or add the pattern to serviceAccountPatterns) and give it an owner. Nobody: deactivate it.',
        evidence: account.evidence,
      });
    }
    return results;
  },
});
