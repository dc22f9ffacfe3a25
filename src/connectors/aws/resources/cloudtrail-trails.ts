/**
 * CloudTrail trails with what makes a trail trustworthy evidence (LOG-01): multi-region, log-file
 * validation, whether it is logging right now (GetTrailStatus) and whether it records management
 * events (GetEventSelectors). A trail replicated into another region (a "shadow" of a multi-region
 * trail) is listed once, from its home region.
 */
import { z } from 'zod';
import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type GetEventSelectorsCommandOutput,
  type GetTrailStatusCommandOutput,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { isVigilError } from '../../../lib/errors.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { awsSession } from '../session.ts';

export const trailSchema = z.object({
  trailArn: z.string().describe('ARN of the trail.'),
  name: z.string().describe('Trail name.'),
  homeRegion: z.string().describe('Region the trail was created in.'),
  isMultiRegion: z.boolean().describe('Whether the trail records events from every region.'),
  isOrganizationTrail: z.boolean().describe('Whether the trail records every account of the AWS Organization.'),
  includeGlobalServiceEvents: z.boolean().describe('Whether events of global services (IAM, STS, CloudFront) are recorded.'),
  logFileValidation: z.boolean().describe('Whether CloudTrail signs digest files, so a changed or deleted log file can be detected.'),
  s3BucketName: z.string().nullable().describe('Bucket the log files are delivered to.'),
  kmsKeyId: z.string().nullable().describe('KMS key the log files are encrypted with; null for S3-managed encryption.'),
  cloudWatchLogsLogGroupArn: z.string().nullable().describe('CloudWatch Logs group the events are also sent to, if any.'),
  isLogging: z.boolean().nullable().describe('Whether the trail is logging now (GetTrailStatus); null if the status could not be read.'),
  latestDeliveryTime: z.iso.datetime().nullable().describe('Last successful delivery of a log file to S3 (UTC).'),
  latestDeliveryError: z.string().nullable().describe('The last error delivering log files to S3, e.g. AccessDenied; null if none.'),
  managementEvents: z
    .enum(['all', 'read-only', 'write-only', 'none'])
    .nullable()
    .describe('Which management events the trail records, from its event selectors; null if they could not be read.'),
});

type TrailRow = z.output<typeof trailSchema>;

/** Management events a trail records, from basic or advanced event selectors. */
export function managementEventsOf(s: Pick<GetEventSelectorsCommandOutput, 'EventSelectors' | 'AdvancedEventSelectors'>): TrailRow['managementEvents'] {
  const kinds = new Set<string>();
  for (const sel of s.EventSelectors ?? []) {
    if (sel.IncludeManagementEvents === false) continue;
    kinds.add(sel.ReadWriteType === 'ReadOnly' ? 'read' : sel.ReadWriteType === 'WriteOnly' ? 'write' : 'all');
  }
  for (const adv of s.AdvancedEventSelectors ?? []) {
    const fields = adv.FieldSelectors ?? [];
    if (!fields.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Management'))) continue;
    const ro = fields.find((f) => f.Field === 'readOnly')?.Equals;
    kinds.add(ro?.length === 1 ? (ro[0] === 'true' ? 'read' : 'write') : 'all');
  }
  if (kinds.has('all') || (kinds.has('read') && kinds.has('write'))) return 'all';
  if (kinds.has('read')) return 'read-only';
  if (kinds.has('write')) return 'write-only';
  return 'none';
}

const isDenied = (e: unknown) => isVigilError(e) && e._tag === 'PermissionDenied';

export const cloudtrailTrails = defineResource({
  name: 'cloudtrail-trails',
  description: 'Every CloudTrail trail with its coverage, integrity validation, logging status and event selectors.',
  schema: trailSchema,
  primaryKey: 'trailArn',
  async *list(ctx: RunContext<AwsConfig>) {
    const aws = awsSession(ctx);
    const seen = new Set<string>();
    for (const region of aws.regions) {
      const ct = aws.cloudtrail(region);
      const described = await aws.call('cloudtrail', 'DescribeTrails', region, (o) => ct.send(new DescribeTrailsCommand({ includeShadowTrails: true }), o));
      const rows: TrailRow[] = [];
      for (const t of described.trailList ?? []) {
        const arn = t.TrailARN ?? '';
        // A multi-region trail shows up in every region; read it where it lives.
        if (seen.has(arn) || (t.HomeRegion && t.HomeRegion !== region && aws.regions.includes(t.HomeRegion))) continue;
        seen.add(arn);
        rows.push(await describeTrail(ctx, t, region));
      }
      yield rows;
    }
  },
});

async function describeTrail(ctx: RunContext<AwsConfig>, t: Trail, region: string): Promise<TrailRow> {
  const aws = awsSession(ctx);
  const ct = aws.cloudtrail(region);
  const arn = t.TrailARN ?? '';
  const denied = (what: string, e: unknown) => {
    if (!isDenied(e)) throw e;
    ctx.permissionMissing(`aws.cloudtrail-trails (${what} of ${t.Name})`, isVigilError(e) ? String(e.details?.providerMessage ?? e.message) : String(e));
  };
  let status: GetTrailStatusCommandOutput | undefined;
  try {
    status = await aws.call('cloudtrail', 'GetTrailStatus', region, (o) => ct.send(new GetTrailStatusCommand({ Name: arn }), o));
  } catch (e) {
    denied('status', e);
  }
  let management: TrailRow['managementEvents'] = null;
  try {
    management = managementEventsOf(await aws.call('cloudtrail', 'GetEventSelectors', region, (o) => ct.send(new GetEventSelectorsCommand({ TrailName: arn }), o)));
  } catch (e) {
    denied('event selectors', e);
  }
  return {
    trailArn: arn,
    name: t.Name ?? arn,
    homeRegion: t.HomeRegion ?? region,
    isMultiRegion: t.IsMultiRegionTrail ?? false,
    isOrganizationTrail: t.IsOrganizationTrail ?? false,
    includeGlobalServiceEvents: t.IncludeGlobalServiceEvents ?? false,
    logFileValidation: t.LogFileValidationEnabled ?? false,
    s3BucketName: t.S3BucketName ?? null,
    kmsKeyId: t.KmsKeyId ?? null,
    cloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn ?? null,
    isLogging: status?.IsLogging ?? null,
    latestDeliveryTime: status?.LatestDeliveryTime?.toISOString() ?? null,
    latestDeliveryError: status?.LatestDeliveryError ?? null,
    managementEvents: management,
  };
}
