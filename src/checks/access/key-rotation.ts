/**
 * access.key-rotation — active long-lived access keys of IAM users are rotated within N days
 * (default 90) and removed when unused for M days (default 90). Inactive keys cannot sign and are
 * not applicable. A key whose last use could not be read is judged on its age only. Root's keys are
 * judged by access.root-account.
 */
import { z } from 'zod';
import { DAY_MS, utcDay as day } from '../../lib/clock.ts';
import { defineCheck, type CheckResult } from '../sdk/define.ts';
import { AWS_ACCESS_KEYS, accessKeyRow, readAws } from '../cloud/aws-rows.ts';

export const keyRotation = defineCheck({
  id: 'access.key-rotation',
  title: 'Cloud access keys rotated and unused keys removed',
  description: 'Every active AWS IAM access key is younger than N days and was used within the last M days.',
  area: 'access',
  controls: ['ACC-10'],
  severity: 'medium',
  // Results move with the clock: a key ages with the clock.
  readsNow: true,
  inputs: { resources: [AWS_ACCESS_KEYS] },
  params: z.object({
    maxAgeDays: z.number().int().min(1).default(90).describe('An active key older than this many days must be rotated (CIS AWS Foundations: 90).'),
    maxUnusedDays: z.number().int().min(1).default(90).describe('An active key unused (or never used) for more than this many days should be deleted.'),
  }),
  async evaluate({ inputs, params, now }) {
    const results: CheckResult[] = [];
    for (const k of await readAws(inputs, AWS_ACCESS_KEYS, accessKeyRow)) {
      const base = { resource: k.resource, source: k.source, evidence: k.evidence, details: { user: k.userName, status: k.status, createDate: k.createDate, lastUsedDate: k.lastUsedDate } };
      if (k.status !== 'Active') {
        results.push({ ...base, status: 'not_applicable', reason: `${k.accessKeyId} of ${k.userName} is ${k.status.toLowerCase()}: it cannot sign requests` });
        continue;
      }
      const problems: string[] = [];
      const fixes: string[] = [];
      const age = now.getTime() - Date.parse(k.createDate);
      if (age > params.maxAgeDays * DAY_MS) {
        problems.push(`created ${k.createDate.slice(0, 10)}, due for rotation by ${day(Date.parse(k.createDate) + params.maxAgeDays * DAY_MS)} (${params.maxAgeDays} days)`);
        fixes.push(`create a new key for ${k.userName}, move its users to it, then deactivate and delete ${k.accessKeyId}`);
      }
      // A key is idle from its last use, or from its creation when it was never used.
      const idleSince = k.lastUsedDate ?? k.createDate;
      if (k.lastUseKnown && now.getTime() - Date.parse(idleSince) > params.maxUnusedDays * DAY_MS) {
        problems.push(`${k.lastUsedDate ? `last used ${k.lastUsedDate.slice(0, 10)}` : 'never used'}, idle past ${day(Date.parse(idleSince) + params.maxUnusedDays * DAY_MS)} (more than ${params.maxUnusedDays} days)`);
        fixes.push(`delete ${k.accessKeyId} if nothing needs it (deactivate it first to be sure)`);
      }
      if (problems.length) {
        results.push({
          ...base,
          status: 'fail',
          reason: `Access key ${k.accessKeyId} of ${k.userName}: ${problems.join('; ')}`,
          remediation: `${fixes.join('; ')}; prefer short-lived credentials (IAM roles, Identity Center) over user keys.`,
        });
      } else {
        const use = k.lastUseKnown ? (k.lastUsedDate ? `last used ${k.lastUsedDate.slice(0, 10)}` : 'not used yet') : 'last use unknown (not readable)';
        results.push({ ...base, status: 'pass', reason: `Access key ${k.accessKeyId} of ${k.userName} created ${k.createDate.slice(0, 10)} (rotation due by ${day(Date.parse(k.createDate) + params.maxAgeDays * DAY_MS)}), ${use}` });
      }
    }
    return results;
  },
});
