/**
 * access.failed-signin-burst — from the Okta System Log: an account that failed to sign in at
 * least N times (default 10) within M minutes (default 15) in the last D days (default 7). One
 * result per account with failed sign-ins in that time — a pass that says its worst window, or a
 * fail naming the burst — and, for an org with none at all, one pass saying so. Accounts are the
 * user tried (the actor of a failed sign-in); a username that does not exist is grouped by what
 * was typed.
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { OKTA_SYSTEM_LOG, readOktaLog, showTime, type OktaLogEvent } from './okta-rows.ts';

const FAILED: ReadonlySet<string> = new Set(['FAILURE', 'DENY']);

/** The largest number of events within any span of `windowMs` (first to last), and which. */
export function worstWindow(events: readonly OktaLogEvent[], windowMs: number): OktaLogEvent[] {
  const sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime());
  let best: OktaLogEvent[] = [];
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]!.at.getTime() - sorted[start]!.at.getTime() > windowMs) start++;
    if (end - start + 1 > best.length) best = sorted.slice(start, end + 1);
  }
  return best;
}

const accountOf = (e: OktaLogEvent) =>
  e.actorId && e.actorId !== 'unknown' ? `okta.users/${e.actorId}` : `okta.sign-in/${(e.actorAlternateId ?? 'unknown').toLowerCase()}`;

export const failedSigninBurst = defineCheck({
  id: 'access.failed-signin-burst',
  title: 'No burst of failed sign-ins',
  description: 'Flags any Okta account with at least N failed sign-ins within M minutes (defaults 10 in 15) in the recent System Log.',
  area: 'access',
  controls: ['ACC-15', 'LOG-04'],
  severity: 'high',
  // Results move with the clock: failed sign-ins within lookbackDays before now.
  readsNow: true,
  inputs: { events: [OKTA_SYSTEM_LOG] },
  params: z.object({
    threshold: z.number().int().min(2).max(10000).default(10).describe('Failed sign-ins of one account that make a burst.'),
    windowMinutes: z.number().int().min(1).max(1440).default(15).describe('Minutes within which that many failures make a burst (first to last).'),
    lookbackDays: z.number().int().min(1).max(90).default(7).describe('How many days of the System Log each evaluation looks at; a burst stays a failure that long.'),
    eventTypes: z
      .array(z.string())
      .default(['user.session.start', 'user.authentication.auth_via_mfa'])
      .describe('System Log event types whose FAILURE or DENY outcome is a failed sign-in (password and MFA steps).'),
  }),
  async evaluate({ inputs, params, now }) {
    const since = new Date(now.getTime() - params.lookbackDays * DAY_MS);
    const log = await readOktaLog(inputs, since);
    const failures = new Map<string, OktaLogEvent[]>();
    const sources = new Set<string>();
    for (const e of log) {
      sources.add(e.source);
      if (e.at > now || !params.eventTypes.includes(e.eventType) || !FAILED.has(e.outcomeResult ?? '')) continue;
      const key = accountOf(e);
      failures.set(key, [...(failures.get(key) ?? []), e]);
    }
    const results: CheckResult[] = [];
    const windowMs = params.windowMinutes * 60_000;
    for (const [resource, events] of [...failures].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const who = events[0]!.actorAlternateId ?? events[0]!.actorId;
      const worst = worstWindow(events, windowMs);
      const first = worst[0]!.at;
      const last = worst[worst.length - 1]!.at;
      const ips = [...new Set(worst.map((e) => e.clientIpAddress).filter((ip): ip is string => !!ip))];
      const details = { account: who, failures: events.length, worstWindow: { count: worst.length, from: first.toISOString(), to: last.toISOString(), ips } };
      const base = { resource, source: events[0]!.source, details };
      if (worst.length < params.threshold) {
        results.push({
          ...base,
          status: 'pass',
          evidence: events.flatMap((e) => e.evidence),
          reason: `${who}: at most ${worst.length} failed sign-in(s) within ${params.windowMinutes} minutes in the last ${params.lookbackDays} days (a burst is ${params.threshold})`,
        });
        continue;
      }
      results.push({
        ...base,
        status: 'fail',
        evidence: worst.flatMap((e) => e.evidence),
        reason: `${who}: ${worst.length} failed sign-ins within ${params.windowMinutes} minutes, ${showTime(first)} to ${showTime(last)}${ips.length ? `, from ${ips.join(', ')}` : ''}`,
        remediation: `Ask ${who} whether these attempts were theirs. If not, or if a sign-in succeeded right after, reset the password, revoke sessions and check the factors; block the source addresses in an Okta network zone; and confirm the password policy locks an account after fewer attempts.`,
      });
    }
    for (const source of sources) {
      if (results.some((r) => r.source === source)) continue;
      results.push({
        resource: `okta.system-log/${source}`,
        source,
        status: 'pass',
        evidence: [],
        reason: `no failed sign-ins in the last ${params.lookbackDays} days of the Okta System Log`,
        details: { eventsRead: log.filter((e) => e.source === source).length },
      });
    }
    return results;
  },
});
