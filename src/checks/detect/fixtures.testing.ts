/** Hand-picking real events from the labelled sets for tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, oktaRowOfApiEvent, type Provider } from './labelled-sets.ts';

const files: Record<Provider, string> = {
  okta: 'panther-labeled/panther_okta_rule_tests.json',
  github: 'panther-labeled/panther_github_rule_tests.json',
  aws: 'panther-labeled/panther_aws_cloudtrail_rule_tests.json',
};

export function pantherLog(provider: Provider, rule: string, test: string): Record<string, unknown> {
  const { records } = JSON.parse(readFileSync(join(fixturesDir, files[provider]), 'utf8')) as { records: { rule_id: string; test_name: string; log: Record<string, unknown> }[] };
  const r = records.find((x) => x.rule_id === rule && x.test_name === test);
  if (!r) throw new Error(`no Panther test "${test}" of ${rule} in ${files[provider]}`);
  return provider === 'okta' ? oktaRowOfApiEvent(r.log) : r.log;
}

export function stratusEvents(technique: string): Record<string, unknown>[] {
  return JSON.parse(readFileSync(join(fixturesDir, 'stratus-red-team', `${technique}.json`), 'utf8')) as Record<string, unknown>[];
}
