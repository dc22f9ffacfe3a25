/**
 * access.admin-grant-events — every admin-role grant in the Okta System Log within the last N days
 * (default 90, Okta's retention) is a population member an auditor can sample.
 *
 * What passes (kept simple on purpose): a grant passes when whoever received it has an active
 * second factor now — for a grant to a group, every member of the group that can sign in. It fails
 * when the grantee has none, or cannot be found among the collected users or groups (so MFA
 * cannot be shown). A grant to an account deactivated since is not applicable. Whether the grant
 * was approved beforehand is not judged here: Okta records no approval.
 */
import { z } from 'zod';
import { DAY_MS } from '../../lib/clock.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import {
  OKTA_FACTORS,
  OKTA_GROUPS,
  OKTA_SYSTEM_LOG,
  OKTA_USERS,
  SIGN_IN_STATUSES,
  describeFactors,
  inSource,
  mfaByUser,
  readOktaFactors,
  readOktaGroups,
  readOktaLog,
  readOktaUsers,
  showTime,
  weakFactorTypes,
  type MfaState,
  type OktaLogEvent,
} from './okta-rows.ts';

/** Okta's event types for an administrator role granted to a user or to a group. */
export const GRANT_EVENTS: ReadonlySet<string> = new Set(['user.account.privilege.grant', 'group.privilege.grant']);

const privilegeOf = (e: OktaLogEvent) => (typeof e.debugData?.privilegeGranted === 'string' ? e.debugData.privilegeGranted : 'an admin role');

export const adminGrantEvents = defineCheck({
  id: 'access.admin-grant-events',
  title: 'Admin-role grants go to people who use MFA',
  description: 'Each Okta admin-role grant in the recent System Log, passing when the grantee (or every member of the group granted it) has an active MFA factor.',
  area: 'access',
  controls: ['ACC-07', 'LOG-09'],
  severity: 'high',
  // Results move with the clock: grants within lookbackDays before now.
  readsNow: true,
  inputs: { events: [OKTA_SYSTEM_LOG], resources: [OKTA_USERS, OKTA_FACTORS, OKTA_GROUPS], optional: [OKTA_GROUPS] },
  params: z.object({
    lookbackDays: z.number().int().min(1).max(3650).default(90).describe('Grants in this many days before now are judged (Okta keeps 90 days of System Log).'),
    weakFactorTypes,
  }),
  async evaluate({ inputs, params, now }) {
    const grants = (await readOktaLog(inputs, new Date(now.getTime() - params.lookbackDays * DAY_MS))).filter(
      (e) => GRANT_EVENTS.has(e.eventType) && (e.outcomeResult === null || e.outcomeResult === 'SUCCESS') && e.at <= now,
    );
    if (grants.length === 0) return [];
    const users = new Map((await readOktaUsers(inputs)).map((u) => [inSource(u.source, u.id), u]));
    const groups = new Map((await readOktaGroups(inputs)).map((g) => [inSource(g.source, g.id), g]));
    const mfa = mfaByUser(await readOktaFactors(inputs), params.weakFactorTypes);
    const hasMfa = (s: MfaState | undefined) => (s?.strong.length ?? 0) > 0;

    const results: CheckResult[] = [];
    for (const e of grants) {
      const privilege = privilegeOf(e);
      const by = e.actorAlternateId ?? e.actorId;
      const target = e.targets.find((t) => t.type === 'User') ?? e.targets.find((t) => t.type === 'UserGroup');
      const what = `${privilege} granted by ${by} on ${showTime(e.at)}`;
      const base = {
        resource: `${OKTA_SYSTEM_LOG}/${e.uuid}`,
        source: e.source,
        details: { privilege, grantedBy: by, at: e.at.toISOString(), grantee: target?.alternateId ?? target?.id ?? null, granteeType: target?.type ?? null },
      };
      const unknown = (who: string): CheckResult => ({
        ...base,
        status: 'fail',
        evidence: e.evidence,
        reason: `${what} to ${who}, which is not among the collected Okta users and groups, so its MFA cannot be shown`,
        remediation: `Find ${who} in Okta: if the grant is still in force, make sure its holder uses MFA and record who approved it; if the account is gone, note that with this grant.`,
      });
      if (!target) {
        results.push(unknown('nobody named in the event'));
        continue;
      }
      const name = target.alternateId ?? target.id;
      if (target.type === 'User') {
        const user = users.get(inSource(e.source, target.id));
        const state = mfa.get(inSource(e.source, target.id));
        if (!user && !state) {
          results.push(unknown(name));
          continue;
        }
        const evidence = [...e.evidence, ...(user?.evidence ?? []), ...(state?.all.flatMap((f) => f.evidence) ?? [])];
        if (user?.status === 'DEPROVISIONED') {
          results.push({ ...base, status: 'not_applicable', evidence, reason: `${what} to ${name}, whose account has been deactivated since` });
        } else if (hasMfa(state)) {
          results.push({ ...base, status: 'pass', evidence, reason: `${what} to ${name}, who uses MFA (${describeFactors(state, params.weakFactorTypes)})` });
        } else {
          results.push({
            ...base,
            status: 'fail',
            evidence,
            reason: `${what} to ${name}, who has no second factor (${describeFactors(state, params.weakFactorTypes)})`,
            remediation: `Have ${name} enrol Okta Verify or a security key now, or revoke ${privilege}; ask ${by} why admin rights went to an account without MFA.`,
          });
        }
        continue;
      }
      const group = groups.get(inSource(e.source, target.id));
      if (!group) {
        results.push(unknown(`group ${name}`));
        continue;
      }
      const members = group.memberIds.map((id) => users.get(inSource(e.source, id))).filter((u) => u && SIGN_IN_STATUSES.has(u.status));
      const without = members.filter((u) => !hasMfa(mfa.get(inSource(e.source, u!.id)))).map((u) => u!.login);
      const evidence = [...e.evidence, ...group.evidence];
      results.push(
        without.length === 0
          ? { ...base, status: 'pass', evidence, reason: `${what} to group ${name}, whose ${members.length} active member(s) all use MFA` }
          : {
              ...base,
              status: 'fail',
              evidence,
              reason: `${what} to group ${name}, whose members ${without.join(', ')} have no second factor`,
              remediation: `Have ${without.join(', ')} enrol an MFA factor, or take them out of ${name}; ask ${by} to confirm the group should hold ${privilege}.`,
            },
      );
    }
    return results;
  },
});
