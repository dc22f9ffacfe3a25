/**
 * IAM users: the people and machines with long-lived credentials in the account. ListUsers gives
 * neither tags nor whether the user has a console password, so each user is asked for both:
 * ListUserTags (the tag that links a user to a person, e.g. `email`) and GetLoginProfile (a login
 * profile is a console password; NoSuchEntity means none). One user's tags or login profile denied
 * is recorded as a gap and left null, not read as "none".
 */
import { z } from 'zod';
import { GetLoginProfileCommand, ListUserTagsCommand, ListUsersCommand, type User } from '@aws-sdk/client-iam';
import { isVigilError } from '../../../lib/errors.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { hasAwsCode } from '../errors.ts';
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
  consolePassword: z
    .boolean()
    .nullable()
    .describe('Whether the user has a console password (a login profile, GetLoginProfile); null when it could not be read (permission denied).'),
  tags: z
    .record(z.string(), z.string())
    .nullable()
    .describe('The user\'s tags, key → value (ListUserTags), e.g. an `email` tag naming the person; null when they could not be read (permission denied).'),
});

/** Every IAM user, page by page (ListUsers, Marker/IsTruncated). */
export async function* iamUserPages(aws: AwsSession): AsyncGenerator<User[]> {
  const what = 'IAM ListUsers';
  const fetch = (marker: string | undefined) =>
    aws.call('iam', 'ListUsers', undefined, (o) => aws.iam().send(new ListUsersCommand({ MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }), o));
  for await (const page of pages(what, aws.where, fetch, iamMarker(what, aws.where))) yield listOf(page.Users, 'Users', what, aws.where);
}

const isDenied = (e: unknown) => isVigilError(e) && e._tag === 'PermissionDenied';
const said = (e: unknown) => (isVigilError(e) ? String(e.details?.providerMessage ?? e.message) : String(e));

/** Every tag of one user (ListUserTags, Marker/IsTruncated); null when denied. */
async function tagsOf(ctx: RunContext<AwsConfig>, aws: AwsSession, userName: string): Promise<Record<string, string> | null> {
  const what = `IAM ListUserTags for ${userName}`;
  const fetch = (marker: string | undefined) =>
    aws.call('iam', 'ListUserTags', undefined, (o) => aws.iam().send(new ListUserTagsCommand({ UserName: userName, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) }), o));
  const tags: Record<string, string> = {};
  try {
    for await (const page of pages(what, aws.where, fetch, iamMarker(what, aws.where))) {
      for (const t of listOf(page.Tags, 'Tags', what, aws.where)) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
    }
  } catch (e) {
    if (!isDenied(e)) throw e;
    ctx.permissionMissing(`aws.iam-users (tags of ${userName})`, said(e));
    return null;
  }
  return tags;
}

/** Whether the user has a console password: a login profile exists; null when denied. */
async function hasConsolePassword(ctx: RunContext<AwsConfig>, aws: AwsSession, userName: string): Promise<boolean | null> {
  try {
    await aws.call('iam', 'GetLoginProfile', undefined, (o) => aws.iam().send(new GetLoginProfileCommand({ UserName: userName }), o));
    return true;
  } catch (e) {
    if (hasAwsCode(e, 'NoSuchEntity')) return false;
    if (!isDenied(e)) throw e;
    ctx.permissionMissing(`aws.iam-users (console password of ${userName})`, said(e));
    return null;
  }
}

export const iamUsers = defineResource({
  name: 'iam-users',
  description: 'Every IAM user in the account, with its tags and whether it has a console password.',
  schema: iamUserSchema,
  primaryKey: 'arn',
  async *list(ctx: RunContext<AwsConfig>) {
    const aws = awsSession(ctx);
    for await (const users of iamUserPages(aws)) {
      const rows = [];
      for (const u of users) {
        const userName = u.UserName ?? '';
        rows.push({
          arn: u.Arn ?? '',
          userName,
          userId: u.UserId ?? '',
          path: u.Path ?? '/',
          createDate: (u.CreateDate ?? new Date(0)).toISOString(),
          passwordLastUsed: u.PasswordLastUsed?.toISOString() ?? null,
          permissionsBoundaryArn: u.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
          consolePassword: await hasConsolePassword(ctx, aws, userName),
          tags: await tagsOf(ctx, aws, userName),
        });
      }
      yield rows;
    }
  },
});
