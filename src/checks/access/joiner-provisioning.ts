/**
 * access.joiner-provisioning — joiners' accounts are not created long before they start.
 *
 * One result per Okta account of a person whose HR start date falls in the last `lookbackDays` or
 * ahead: it fails when the account was created more than `toleranceDays` before the start of the
 * first day (00:00 UTC, or the start time HR gives) — access that existed before the person did,
 * usually a start date that moved or an account made "just in case".
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { HR_TYPES, OKTA_USERS, formatSpan, indexAccounts, readHrRoster, readOktaAccounts, requireRoster, showHrDate, showTime, startTime } from './hr-roster.ts';

const params = z.object({
  toleranceDays: z.number().min(0).max(365).default(7).describe('How many days before the start date an account may be created (to prepare the first day).'),
  lookbackDays: z.number().int().min(1).max(3650).default(365).describe('Joiners whose start date falls in this many days before now (or later) are judged.'),
});

export const joinerProvisioning = defineCheck({
  id: 'access.joiner-provisioning',
  title: 'Joiners are provisioned no earlier than shortly before their start date',
  description: "Each joiner's identity-provider account is compared with the HR start date: created more than the tolerance before it is access that existed before the person did.",
  area: 'access',
  controls: ['ACC-05'],
  severity: 'medium',
  // Results move with the clock: joiners within lookbackDays, deadlines passing.
  readsNow: true,
  inputs: { resources: [...HR_TYPES, OKTA_USERS], optional: [...HR_TYPES] },
  params,
  async evaluate({ params: p, now, inputs }) {
    const roster = await readHrRoster(inputs);
    requireRoster(roster, 'access.joiner-provisioning');
    const from = new Date(now.getTime() - p.lookbackDays * DAY_MS);
    const toleranceMs = p.toleranceDays * DAY_MS;
    const accounts = indexAccounts(await readOktaAccounts(inputs));

    const results: CheckResult[] = [];
    for (const person of roster) {
      if (!person.email || !person.startDate) continue;
      const start = startTime(person.startDate);
      if (start < from) continue;
      for (const account of accounts.get(person.email) ?? []) {
        const early = start.getTime() - account.created.getTime();
        const base = {
          resource: account.resource,
          source: account.source,
          evidence: [...new Set([...account.evidence, ...person.evidence])],
          details: { login: account.login, email: person.email, name: person.name, startDate: person.startDate, created: account.created.toISOString(), toleranceDays: p.toleranceDays, hrRecord: person.resource },
        };
        const day = showHrDate(person.startDate);
        const when = early > 0 ? `${formatSpan(early)} before ${person.name}'s start date ${day}` : `${formatSpan(early)} after ${person.name}'s start (${day})`;
        if (early > toleranceMs) {
          results.push({
            ...base,
            status: 'fail',
            reason: `Okta account ${account.login} was created ${showTime(account.created)}, ${when} (at most ${p.toleranceDays} days before is allowed).`,
            remediation: `Check with HR whether ${person.name}'s start date moved (correct it in HR if so) and whether the account was used before the start; create accounts at most ${p.toleranceDays} days ahead, or create them STAGED and activate them on the first day.`,
          });
        } else {
          results.push({ ...base, status: 'pass', reason: `Okta account ${account.login} was created ${showTime(account.created)}, ${when}.` });
        }
      }
    }
    return results;
  },
});
