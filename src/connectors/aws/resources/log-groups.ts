/**
 * CloudWatch Logs groups with their retention, per region (DescribeLogGroups, nextToken): what
 * `logging.retention` judges (LOG-02). A group without `retentionInDays` never expires its events.
 */
import { z } from 'zod';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { pages } from '../paginate.ts';
import { awsSession } from '../session.ts';

export const logGroupSchema = z.object({
  arn: z.string().describe('ARN of the log group (arn:aws:logs:<region>:<account>:log-group:<name>).'),
  logGroupName: z.string().describe('Name of the log group.'),
  region: z.string().describe('Region of the log group.'),
  retentionInDays: z.number().int().nullable().describe('How many days CloudWatch Logs keeps its events; null when they never expire.'),
  creationTime: z.iso.datetime().nullable().describe('When the group was created (UTC).'),
  storedBytes: z.number().nullable().describe('Bytes of log data stored, as CloudWatch Logs last measured it.'),
  kmsKeyId: z.string().nullable().describe('KMS key the group is encrypted with; null for CloudWatch-managed encryption.'),
  metricFilterCount: z.number().int().nullable().describe('Metric filters on the group (alarms on log patterns start from these).'),
});

// The API's largest page.
const PAGE_SIZE = 50;

/** The ARN without the `:*` CloudWatch Logs appends to `arn` (it means "every stream"). */
const groupArn = (arn: string | undefined, region: string, name: string) => (arn ? arn.replace(/:\*$/, '') : `arn:aws:logs:${region}:unknown:log-group:${name}`);

export const logGroups = defineResource({
  name: 'log-groups',
  description: 'Every CloudWatch Logs group in the collected regions, with its retention.',
  schema: logGroupSchema,
  primaryKey: 'arn',
  async *list(ctx: RunContext<AwsConfig>) {
    const aws = awsSession(ctx);
    for (const region of aws.regions) {
      const what = `CloudWatch Logs DescribeLogGroups in ${region}`;
      const fetch = (token: string | undefined) =>
        aws.call('logs', 'DescribeLogGroups', region, (o) => aws.logs(region).send(new DescribeLogGroupsCommand({ limit: PAGE_SIZE, ...(token ? { nextToken: token } : {}) }), o));
      for await (const page of pages(what, aws.where, fetch, (p) => p.nextToken)) {
        yield (page.logGroups ?? []).map((g) => {
          const name = g.logGroupName ?? '';
          return {
            arn: groupArn(g.arn, region, name),
            logGroupName: name,
            region,
            retentionInDays: g.retentionInDays ?? null,
            creationTime: g.creationTime === undefined ? null : new Date(g.creationTime).toISOString(),
            storedBytes: g.storedBytes ?? null,
            kmsKeyId: g.kmsKeyId ?? null,
            metricFilterCount: g.metricFilterCount ?? null,
          };
        });
      }
    }
  },
});
