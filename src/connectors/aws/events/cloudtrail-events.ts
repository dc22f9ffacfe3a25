/**
 * CloudTrail management events (LookupEvents, NextToken) from every collected region: sign-ins,
 * IAM and security-group changes, trail changes. LookupEvents covers the last 90 days and allows
 * about two requests a second per region; throttling is retried by the session's retry strategy.
 */
import { z } from 'zod';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { VigilError } from '../../../lib/errors.ts';
import { defineEvents, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { pages } from '../paginate.ts';
import { awsSession } from '../session.ts';
import { eventWindow } from './window.ts';

export const cloudtrailEventSchema = z.object({
  eventId: z.string().describe('CloudTrail event id, unique.'),
  eventTime: z.iso.datetime().describe('When the request was made (UTC).'),
  eventName: z.string().describe('The API action or event, e.g. ConsoleLogin, CreateAccessKey, AuthorizeSecurityGroupIngress.'),
  eventSource: z.string().describe('The service that recorded it, e.g. signin.amazonaws.com, iam.amazonaws.com.'),
  region: z.string().describe('Region the event was recorded in.'),
  username: z.string().nullable().describe('User name or role session name CloudTrail reports.'),
  userIdentityType: z.string().nullable().describe('Root, IAMUser, AssumedRole, FederatedUser, AWSService, …'),
  userArn: z.string().nullable().describe('ARN of the principal that acted.'),
  sourceIpAddress: z.string().nullable().describe('Source IP address, or the AWS service that acted on the user’s behalf.'),
  readOnly: z.boolean().nullable().describe('Whether the action only read.'),
  errorCode: z.string().nullable().describe('The error the request failed with, e.g. AccessDenied; null when it succeeded.'),
  mfaUsed: z.boolean().nullable().describe('Whether the principal had authenticated with MFA; null when CloudTrail does not say.'),
  resources: z
    .array(z.object({ type: z.string().nullable().describe('Resource type, e.g. AWS::IAM::User.'), name: z.string().nullable().describe('Resource name or ARN.') }))
    .describe('Resources the event names.'),
  cloudTrailEvent: z.record(z.string(), z.unknown()).describe('The full event record as CloudTrail wrote it.'),
});

type Detail = {
  eventSource?: string;
  userIdentity?: { type?: string; arn?: string; sessionContext?: { attributes?: { mfaAuthenticated?: string } } };
  sourceIPAddress?: string;
  errorCode?: string;
  additionalEventData?: { MFAUsed?: string };
};

function mfaOf(d: Detail): boolean | null {
  const used = d.additionalEventData?.MFAUsed;
  if (used === 'Yes' || used === 'No') return used === 'Yes';
  const session = d.userIdentity?.sessionContext?.attributes?.mfaAuthenticated;
  return session === 'true' ? true : session === 'false' ? false : null;
}

export const cloudtrailEvents = defineEvents({
  name: 'cloudtrail-events',
  description: 'CloudTrail management events (sign-ins, IAM, network and logging changes), collected incrementally.',
  schema: cloudtrailEventSchema,
  key: 'eventId',
  time: 'eventTime',
  async *list(ctx: RunContext<AwsConfig>, cursor: string | null) {
    const aws = awsSession(ctx);
    const { start, end } = eventWindow(cursor, ctx.clock.now(), ctx.config.lookbackDays, aws.where);
    for (const [i, region] of aws.regions.entries()) {
      const what = `CloudTrail LookupEvents in ${region}`;
      const fetch = (token: string | undefined) =>
        aws.call('cloudtrail', 'LookupEvents', region, (o) =>
          aws.cloudtrail(region).send(new LookupEventsCommand({ StartTime: start, EndTime: end, MaxResults: 50, ...(token ? { NextToken: token } : {}) }), o),
        );
      const lastRegion = i === aws.regions.length - 1;
      for await (const page of pages(what, aws.where, fetch, (p) => p.NextToken)) {
        const rows = (page.Events ?? []).map((e) => {
          let detail: Detail & Record<string, unknown>;
          try {
            detail = JSON.parse(e.CloudTrailEvent ?? '{}') as Detail & Record<string, unknown>;
          } catch {
            throw new VigilError('ProviderError', `${what}: event ${e.EventId} carries a CloudTrailEvent that is not JSON`, { where: aws.where });
          }
          return {
            eventId: e.EventId ?? '',
            eventTime: (e.EventTime ?? new Date(0)).toISOString(),
            eventName: e.EventName ?? '',
            eventSource: e.EventSource ?? detail.eventSource ?? '',
            region,
            username: e.Username ?? null,
            userIdentityType: detail.userIdentity?.type ?? null,
            userArn: detail.userIdentity?.arn ?? null,
            sourceIpAddress: detail.sourceIPAddress ?? null,
            readOnly: e.ReadOnly === 'true' ? true : e.ReadOnly === 'false' ? false : null,
            errorCode: detail.errorCode ?? null,
            mfaUsed: mfaOf(detail),
            resources: (e.Resources ?? []).map((r) => ({ type: r.ResourceType ?? null, name: r.ResourceName ?? null })),
            cloudTrailEvent: detail,
          };
        });
        // Only a fully read window moves the cursor; until then a crash re-reads from the old one.
        yield { rows, cursor: lastRegion && !page.NextToken ? end.toISOString() : cursor };
      }
    }
  },
});
