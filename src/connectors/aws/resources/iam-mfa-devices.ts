/**
 * MFA devices of IAM users (ListMFADevices per user). A user whose devices cannot be read (denied
 * for that user only) is recorded as a gap and skipped: the credential report still says whether
 * MFA is active.
 */
import { z } from 'zod';
import { ListMFADevicesCommand } from '@aws-sdk/client-iam';
import { isVigilError } from '../../../lib/errors.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { iamMarker, listOf, pages } from '../paginate.ts';
import { awsSession } from '../session.ts';
import { iamUserPages } from './iam-users.ts';

export const mfaDeviceSchema = z.object({
  serialNumber: z.string().describe('Serial number of a hardware device, or the ARN of a virtual or FIDO device.'),
  userName: z.string().describe('IAM user the device is enabled for.'),
  type: z.enum(['virtual', 'fido', 'hardware']).describe('virtual (authenticator app), fido (security key or passkey) or hardware (TOTP token), from the serial number.'),
  enableDate: z.iso.datetime().describe('When the device was enabled for the user (UTC).'),
});

export function mfaTypeOf(serial: string): z.output<typeof mfaDeviceSchema>['type'] {
  if (/^arn:aws[\w-]*:iam::\d+:u2f\//.test(serial)) return 'fido';
  if (/^arn:aws[\w-]*:iam::\d+:mfa\//.test(serial)) return 'virtual';
  return 'hardware';
}

export const iamMfaDevices = defineResource({
  name: 'iam-mfa-devices',
  description: 'Every MFA device enabled for an IAM user.',
  schema: mfaDeviceSchema,
  primaryKey: 'serialNumber',
  async *list(ctx: RunContext<AwsConfig>) {
    const aws = awsSession(ctx);
    for await (const users of iamUserPages(aws)) {
      for (const user of users) {
        const userName = user.UserName ?? '';
        const what = `IAM ListMFADevices for ${userName}`;
        const fetch = (marker: string | undefined) =>
          aws.call('iam', 'ListMFADevices', undefined, (o) =>
            aws.iam().send(new ListMFADevicesCommand({ UserName: userName, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }), o),
          );
        try {
          for await (const page of pages(what, aws.where, fetch, iamMarker(what, aws.where))) {
            yield listOf(page.MFADevices, 'MFADevices', what, aws.where).map((d) => ({
              serialNumber: d.SerialNumber ?? '',
              userName: d.UserName ?? userName,
              type: mfaTypeOf(d.SerialNumber ?? ''),
              enableDate: (d.EnableDate ?? new Date(0)).toISOString(),
            }));
          }
        } catch (e) {
          // One user's devices denied (a permissions boundary, a path condition) must not hide the rest.
          if (!isVigilError(e) || e._tag !== 'PermissionDenied') throw e;
          ctx.permissionMissing(`aws.iam-mfa-devices (user ${userName})`, String(e.details?.providerMessage ?? e.message));
        }
      }
    }
  },
});
