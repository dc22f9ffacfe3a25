/**
 * cloud.cloudtrail-enabled — each AWS account has a multi-region trail that is logging, validates
 * its log files and records every management event; and every trail that exists is logging with
 * validation (a trail without it is a record someone could alter unseen). Results: one per trail,
 * and one per account (`aws.account/<id>`) for the multi-region requirement.
 */
import { z } from 'zod';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { AWS_TRAILS, readAws, trailRow, type Stored } from './aws-rows.ts';

type Trail = Stored<z.output<typeof trailRow>>;

const accountOf = (arn: string) => arn.split(':')[4] ?? 'unknown';

function trailProblems(t: Trail): string[] {
  const problems: string[] = [];
  if (t.isLogging === false) problems.push('it is not logging (stopped)');
  if (t.isLogging === null) problems.push('its logging status could not be read');
  if (!t.logFileValidation) problems.push('log-file validation is off, so a changed or deleted log file would go unnoticed');
  return problems;
}

/** A trail that meets the account-level requirement on its own. */
const covers = (t: Trail, requireAllManagementEvents: boolean) =>
  t.isMultiRegion && t.isLogging === true && t.logFileValidation && (!requireAllManagementEvents || t.managementEvents === 'all');

export const cloudtrailEnabled = defineCheck({
  id: 'cloud.cloudtrail-enabled',
  title: 'Cloud audit trail on in every region, with integrity validation',
  description: 'Each AWS account has a multi-region CloudTrail trail that is logging, validates its log files and records all management events; every trail is logging with validation.',
  area: 'cloud',
  controls: ['LOG-01'],
  severity: 'high',
  inputs: { resources: [AWS_TRAILS] },
  params: z.object({
    requireAllManagementEvents: z
      .boolean()
      .default(true)
      .describe('The multi-region trail must record read and write management events (not only writes).'),
  }),
  async evaluate({ inputs, params }) {
    const trails = await readAws(inputs, AWS_TRAILS, trailRow);
    const results: CheckResult[] = [];
    for (const t of trails) {
      const problems = trailProblems(t);
      const base = { resource: t.resource, source: t.source, evidence: t.evidence, details: { name: t.name, homeRegion: t.homeRegion, isMultiRegion: t.isMultiRegion, isLogging: t.isLogging, logFileValidation: t.logFileValidation, managementEvents: t.managementEvents } };
      results.push(
        problems.length
          ? {
              ...base,
              status: 'fail',
              reason: `CloudTrail trail ${t.name} (${t.homeRegion}): ${problems.join('; ')}`,
              remediation: `${t.isLogging === false ? `Start logging on ${t.name} (aws cloudtrail start-logging --name ${t.trailArn}); ` : ''}${t.logFileValidation ? '' : `turn on log-file validation (aws cloudtrail update-trail --name ${t.trailArn} --enable-log-file-validation); `}or delete the trail if another covers it.`,
            }
          : { ...base, status: 'pass', reason: `CloudTrail trail ${t.name} is logging${t.isMultiRegion ? ' in every region' : ` in ${t.homeRegion}`} with log-file validation` },
      );
    }
    // The account-level requirement, per source and account the trails belong to.
    const groups = new Map<string, Trail[]>();
    for (const t of trails) groups.set(`${t.source}\u0000${accountOf(t.trailArn)}`, [...(groups.get(`${t.source}\u0000${accountOf(t.trailArn)}`) ?? []), t]);
    for (const [key, list] of groups) {
      const [source, account] = key.split('\u0000') as [string, string];
      const good = list.filter((t) => covers(t, params.requireAllManagementEvents));
      const base = { resource: `aws.account/${account}`, source, evidence: list.flatMap((t) => t.evidence), details: { trails: list.map((t) => t.name), covering: good.map((t) => t.name) } };
      results.push(
        good.length
          ? { ...base, status: 'pass', reason: `AWS account ${account} is covered in every region by ${good.map((t) => t.name).join(', ')} (logging, validated${params.requireAllManagementEvents ? ', all management events' : ''})` }
          : {
              ...base,
              status: 'fail',
              reason: `AWS account ${account} has no multi-region trail that is logging with log-file validation${params.requireAllManagementEvents ? ' and records all management events' : ''} (trails: ${list.map((t) => t.name).join(', ')})`,
              remediation: 'Create (or convert) one trail with --is-multi-region-trail --enable-log-file-validation that records read and write management events, delivering to a locked-down bucket; an organization trail covers every account at once.',
            },
      );
    }
    if (!trails.length) {
      results.push({
        resource: `${AWS_TRAILS}/(none)`,
        status: 'fail',
        reason: 'No CloudTrail trail exists in the collected AWS regions: management activity is kept only in the 90-day event history, with no integrity validation',
        remediation: 'Create a multi-region trail with log-file validation that records all management events (aws cloudtrail create-trail --is-multi-region-trail --enable-log-file-validation), and start logging.',
        evidence: [],
      });
    }
    return results;
  },
});
