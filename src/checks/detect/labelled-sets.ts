/**
 * The labelled public event sets in __fixtures__/ (see __fixtures__/ATTRIBUTION.md), turned into
 * cases: events in each provider's documented shape, each labelled for the detections it is
 * relevant to. How a case gets its label is written down here and rendered into docs/detection.md.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { toLogRow } from '../../connectors/okta/events/system-log.ts';
import type { Detection } from './match.ts';

export type Provider = 'okta' | 'github' | 'aws';

export interface Label {
  positive: boolean;
  /** Where the label came from, e.g. "Panther AWS.CloudTrail.Stopped: expected alert". */
  from: string;
}

export interface Case {
  /** Stable id, e.g. `panther:AWS.CloudTrail.Stopped/CloudTrail Was Stopped`. */
  id: string;
  provider: Provider;
  set: string;
  /** Events in the provider's shape: a raw CloudTrail record, a raw GitHub audit entry, an Okta log row. */
  events: Record<string, unknown>[];
  /** Labels for the detections this case is relevant to; a detection absent here is unlabelled. */
  labels: Partial<Record<Detection, Label>>;
}

export const fixturesDir = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

/**
 * Panther rules whose intent is one of our detections. A rule broader than the detection names
 * the tests whose events the detection is meant to catch (`positiveTests`); the rule's other tests
 * are negatives for it, whatever Panther expects.
 */
export interface RuleMapping {
  rule: string;
  positiveTests?: string[];
  why: string;
}

export const pantherRules: Record<Detection, RuleMapping[]> = {
  'logging-stopped': [
    { rule: 'AWS.CloudTrail.Stopped', why: 'alerts on StopLogging (and not on StartLogging or a failed stop)' },
    { rule: 'AWS.CloudTrail.EventSelectorsDisabled', why: 'alerts on PutEventSelectors that stops recording management events' },
    {
      rule: 'AWS.CloudTrail.SecurityConfigurationChange',
      positiveTests: ['Security Configuration Changed'],
      why: 'alerts on many security-service changes; only its DeleteTrail test is a trail deleted',
    },
  ],
  'mfa-removed': [
    { rule: 'Okta.User.MFA.Reset.Single', why: 'alerts on a user factor reset (user.mfa.factor.deactivate)' },
    { rule: 'Okta.User.MFA.Reset.All', why: 'alerts on every factor of a user reset' },
    { rule: 'Okta.User.MFA.Factor.Suspend', why: 'alerts on a user factor suspended' },
    { rule: 'Okta.Global.MFA.Disabled', why: 'alerts on an MFA factor deactivated for the whole org' },
    {
      rule: 'GitHub.Org.AuthChange',
      positiveTests: ['GitHub - Two Factor Requirement Disabled'],
      why: 'alerts on every organization authentication change (SAML, OAuth restrictions, 2FA on and off); only turning the 2FA requirement off removes MFA',
    },
  ],
  'admin-granted': [
    { rule: 'Okta.AdminRoleAssigned', why: 'alerts on an admin role granted to a user' },
    { rule: 'Okta.Group.Admin.Role.Assigned', why: 'alerts on an admin role granted to a group' },
    { rule: 'AWS.IAM.AttachAdminUserPolicy', why: 'alerts on AdministratorAccess attached to a user' },
    { rule: 'AWS.IAM.AttachAdminRolePolicy', why: 'alerts on AdministratorAccess attached to a role' },
    { rule: 'GitHub.User.RoleUpdated', why: 'alerts on an organization member role change (org.update_member)' },
  ],
  'branch-protection-removed': [
    { rule: 'GitHub.Branch.ProtectionDisabled', why: 'alerts on protected_branch.destroy' },
    {
      rule: 'GitHub.Repo.RulesetModified',
      positiveTests: ['GitHub - Ruleset Deleted'],
      why: 'alerts on any ruleset created, changed or deleted; only a deletion removes protection (its org-wide test switches a ruleset from evaluate, which never blocked anything, to disabled)',
    },
  ],
};

/** Stratus Red Team detonations that carry out one of our detections; every other detonation is a negative. */
export const stratusTechniques: Partial<Record<Detection, string[]>> = {
  'logging-stopped': ['aws.defense-evasion.cloudtrail-stop', 'aws.defense-evasion.cloudtrail-delete', 'aws.defense-evasion.cloudtrail-event-selectors'],
  'admin-granted': ['aws.persistence.iam-create-admin-user', 'aws.persistence.iam-create-backdoor-role'],
  'mfa-removed': [],
};

/** Panther's okta-add-administrator scenario: which file carries out which detection. */
export const scenarioFiles: Partial<Record<Detection, string[]>> = {
  'admin-granted': ['admin_privs_assigned.yml'],
  'mfa-removed': [],
};

/** Detections each provider's events can show. */
export const detectionsOf: Record<Provider, Detection[]> = {
  okta: ['mfa-removed', 'admin-granted'],
  github: ['mfa-removed', 'admin-granted', 'branch-protection-removed'],
  aws: ['logging-stopped', 'mfa-removed', 'admin-granted'],
};

const readJson = (path: string): unknown => JSON.parse(readFileSync(join(fixturesDir, path), 'utf8'));

/** Panther test logs spell some Okta fields in lower case (its log schema is case-insensitive); Okta's API uses camelCase. */
const OKTA_KEYS: Record<string, string> = {
  eventtype: 'eventType',
  displaymessage: 'displayMessage',
  legacyeventtype: 'legacyEventType',
  debugcontext: 'debugContext',
  authenticationcontext: 'authenticationContext',
  securitycontext: 'securityContext',
};

export function oktaRowOfApiEvent(log: Record<string, unknown>): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(log)) e[OKTA_KEYS[k] ?? k] = v;
  // toLogRow is the connector's own mapping, so the scored path is the collected path.
  return toLogRow({ uuid: '', published: '', severity: 'INFO', eventType: '', actor: { id: 'unknown', type: 'User' }, ...e } as Parameters<typeof toLogRow>[0]) as unknown as Record<string, unknown>;
}

/** Canonical text of a log, for telling when two tests share one event. Panther's own p_ fields are not part of the event. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).filter(([k]) => !k.startsWith('p_')).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

interface PantherRecord {
  rule_id: string;
  test_name: string;
  expected_alert: boolean;
  log: Record<string, unknown>;
}

const PANTHER_FILES: Record<Provider, string> = {
  okta: 'panther-labeled/panther_okta_rule_tests.json',
  github: 'panther-labeled/panther_github_rule_tests.json',
  aws: 'panther-labeled/panther_aws_cloudtrail_rule_tests.json',
};

/** Panther rule tests: one case per distinct event, labelled by every mapped rule that tests it. */
export function pantherCases(provider: Provider): Case[] {
  const records = (readJson(PANTHER_FILES[provider]) as { records: PantherRecord[] }).records;
  const groups = new Map<string, PantherRecord[]>();
  for (const r of records) {
    const key = canonical(r.log);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const labels: Partial<Record<Detection, Label>> = {};
    for (const d of detectionsOf[provider]) {
      const mapped = group.flatMap((r) => {
        const m = pantherRules[d].find((x) => x.rule === r.rule_id);
        return m ? [{ r, positive: r.expected_alert && (!m.positiveTests || m.positiveTests.includes(r.test_name)) }] : [];
      });
      if (!mapped.length) continue;
      const pos = mapped.find((x) => x.positive);
      const by = pos ?? mapped[0]!;
      labels[d] = { positive: Boolean(pos), from: `Panther ${by.r.rule_id} test "${by.r.test_name}"` };
    }
    // Name the case after the test its label comes from: a positive one first, then any mapped one.
    const froms = Object.values(labels).sort((a, b) => Number(b.positive) - Number(a.positive)).map((l) => l.from);
    const first = group.find((r) => froms[0] === `Panther ${r.rule_id} test "${r.test_name}"`) ?? group[0]!;
    const event = provider === 'okta' ? oktaRowOfApiEvent(first.log) : first.log;
    return { id: `panther:${first.rule_id}/${first.test_name}`, provider, set: 'panther-rule-tests', events: [event], labels };
  });
}

export function stratusCases(): Case[] {
  const dir = join(fixturesDir, 'stratus-red-team');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const technique = f.replace(/\.json$/, '');
      const labels: Partial<Record<Detection, Label>> = {};
      for (const d of detectionsOf.aws) {
        const positive = (stratusTechniques[d] ?? []).includes(technique);
        labels[d] = { positive, from: `Stratus Red Team technique ${technique}${positive ? '' : ' (not this detection)'}` };
      }
      return { id: `stratus:${technique}`, provider: 'aws' as const, set: 'stratus-red-team', events: readJson(`stratus-red-team/${f}`) as Record<string, unknown>[], labels };
    });
}

export function oktaScenarioCases(): Case[] {
  const dir = join(fixturesDir, 'panther-scenarios');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => {
      const logs = (parseYaml(readFileSync(join(dir, f), 'utf8')) as { Logs: Record<string, unknown>[] }).Logs;
      const labels: Partial<Record<Detection, Label>> = {};
      for (const d of detectionsOf.okta) {
        const positive = (scenarioFiles[d] ?? []).includes(f);
        labels[d] = { positive, from: `Panther scenario okta-add-administrator/${f}` };
      }
      return { id: `scenario:okta-add-administrator/${f}`, provider: 'okta' as const, set: 'panther-scenario', events: logs.map(oktaRowOfApiEvent), labels };
    });
}

/** Okta's documented System Log examples: no labels, scored only for alerts they should not raise. */
export function oktaExampleCases(): Case[] {
  const examples = (readJson('okta/okta-system-log.api-examples.json') as { examples: Record<string, unknown> }).examples;
  return Object.entries(examples).flatMap(([name, v]) => {
    const events = (Array.isArray(v) ? v : [v]).filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && 'eventType' in e);
    return events.map((e, i) => ({ id: `okta-example:${name}#${i + 1}`, provider: 'okta' as const, set: 'okta-api-examples', events: [oktaRowOfApiEvent(e)], labels: {} }));
  });
}

export function allCases(): Case[] {
  return [...pantherCases('okta'), ...oktaScenarioCases(), ...oktaExampleCases(), ...pantherCases('github'), ...pantherCases('aws'), ...stratusCases()];
}
