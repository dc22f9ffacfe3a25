/** IAM users: the people and machines with long-lived credentials in the account. */
import { z } from 'zod';
import { ListUsersCommand, type User } from '@aws-sdk/client-iam';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { iamMarker, listOf, pages } from '../paginate.ts';
import { awsSession, type AwsSession } from '../session.ts';

export const iamUserSchema = z.object({
  arn: z.string().describe('ARN of the user, e.g. arn:aws:iam::123456789012:user/alice.'),
  userName: z.string().describe('IAM user name, unique in the account.'),
  userId: z.string().describe('Stable unique id of the user (AIDA…); a re-created user with the same name gets a new one.'),
  path: z.string().describe('IAM path the user is filed under, e.g. / or /engineering/.'),
  createDate: z.iso.datetime().describe('When the user was created (UTC).'),
  passwordLastUsed: z.iso.datetime().nullable().describe('Last console sign-in with a password (UTC); null if never, or no password.'),
  permissionsBoundaryArn: z.string().nullable().describe('ARN of the policy set as the permissions boundary, if any.'),
});

/** Every IAM user, page by page (ListUsers, Marker/IsTruncated). */
export async function* iamUserPages(aws: AwsSession): AsyncGenerator<User[]> {
  const what = 'IAM ListUsers';
  const fetch = (marker: string | undefined) =>
    aws.call('iam', 'ListUsers', undefined, (o) => aws.iam().send(new ListUsersCommand({ MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }), o));
  for await (const page of pages(what, aws.where, fetch, iamMarker(what, aws.where))) yield listOf(page.Users, 'Users', what, aws.where);
}

export const iamUsers = defineResource({
  name: 'iam-users',
  description: 'Every IAM user in the account.',
  schema: iamUserSchema,
  primaryKey: 'arn',
  async *list(ctx: RunContext<AwsConfig>) {
    for await (const users of iamUserPages(awsSession(ctx))) {
      yield users.map((u) => ({
        arn: u.Arn ?? '',
        userName: u.UserName ?? '',
        userId: u.UserId ?? '',
        path: u.Path ?? '/',
        createDate: (u.CreateDate ?? new Date(0)).toISOString(),
        passwordLastUsed: u.PasswordLastUsed?.toISOString() ?? null,
        permissionsBoundaryArn: u.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
      }));
    }
  },
});
