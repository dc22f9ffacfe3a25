/**
 * Access keys of IAM users with their age and last use (ListAccessKeys per user, then
 * GetAccessKeyLastUsed per key): what key rotation (ACC-10) is judged on. Root's keys are not here
 * (IAM lists only users' keys); the credential report shows them.
 */
import { z } from 'zod';
import { GetAccessKeyLastUsedCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { isVigilError } from '../../../lib/errors.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { iamMarker, listOf, pages } from '../paginate.ts';
import { awsSession } from '../session.ts';
import { iamUserPages } from './iam-users.ts';

export const accessKeySchema = z.object({
  accessKeyId: z.string().describe('The access key id (AKIA…); the secret is never visible after creation.'),
  userName: z.string().describe('IAM user the key belongs to.'),
  status: z.enum(['Active', 'Inactive', 'Expired']).describe('Active keys can sign requests; Inactive ones are kept but disabled.'),
  createDate: z.iso.datetime().describe('When the key was created (UTC): its age is the time since.'),
  lastUsedDate: z.iso.datetime().nullable().describe('When the key last signed a request (UTC); null if never (or not readable).'),
  lastUsedService: z.string().nullable().describe('Service of that last use, e.g. s3; null if never used.'),
  lastUsedRegion: z.string().nullable().describe('Region of that last use; null if never used.'),
  lastUseKnown: z.boolean().describe('False when the last use could not be read (permission denied): then a null lastUsedDate means "unknown", not "never".'),
});

const isDenied = (e: unknown) => isVigilError(e) && e._tag === 'PermissionDenied';
const said = (e: unknown) => (isVigilError(e) ? String(e.details?.providerMessage ?? e.message) : String(e));

export const iamAccessKeys = defineResource({
  name: 'iam-access-keys',
  description: 'Every access key of every IAM user, with its age and last use.',
  schema: accessKeySchema,
  primaryKey: 'accessKeyId',
  async *list(ctx: RunContext<AwsConfig>) {
    const aws = awsSession(ctx);
    for await (const users of iamUserPages(aws)) {
      for (const user of users) {
        const userName = user.UserName ?? '';
        const what = `IAM ListAccessKeys for ${userName}`;
        const fetch = (marker: string | undefined) =>
          aws.call('iam', 'ListAccessKeys', undefined, (o) =>
            aws.iam().send(new ListAccessKeysCommand({ UserName: userName, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }), o),
          );
        try {
          for await (const page of pages(what, aws.where, fetch, iamMarker(what, aws.where))) {
            const rows = [];
            for (const key of listOf(page.AccessKeyMetadata, 'AccessKeyMetadata', what, aws.where)) {
              const id = key.AccessKeyId ?? '';
              let used: { LastUsedDate?: Date; ServiceName?: string; Region?: string } | undefined;
              try {
                const r = await aws.call('iam', 'GetAccessKeyLastUsed', undefined, (o) => aws.iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: id }), o));
                used = r.AccessKeyLastUsed ?? {};
              } catch (e) {
                if (!isDenied(e)) throw e;
                ctx.permissionMissing(`aws.iam-access-keys (last use of ${id})`, said(e));
              }
              rows.push({
                accessKeyId: id,
                userName: key.UserName ?? userName,
                status: (key.Status ?? 'Inactive') as 'Active' | 'Inactive' | 'Expired',
                createDate: (key.CreateDate ?? new Date(0)).toISOString(),
                lastUsedDate: used?.LastUsedDate?.toISOString() ?? null,
                // IAM answers "N/A" for a key that never signed a request.
                lastUsedService: used?.ServiceName && used.ServiceName !== 'N/A' ? used.ServiceName : null,
                lastUsedRegion: used?.Region && used.Region !== 'N/A' ? used.Region : null,
                lastUseKnown: used !== undefined,
              });
            }
            yield rows;
          }
        } catch (e) {
          if (!isDenied(e)) throw e;
          ctx.permissionMissing(`aws.iam-access-keys (user ${userName})`, said(e));
        }
      }
    }
  },
});
