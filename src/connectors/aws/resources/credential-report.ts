/**
 * The IAM credential report: one CSV row per IAM user and one for the root account, with password,
 * MFA and access-key state and last use. It is the one place root's keys and last sign-in are
 * visible, and the evidence auditors expect for cloud MFA (ACC-03) and root lock-down (ACC-09).
 *
 * IAM builds the report asynchronously (GenerateCredentialReport), at most every four hours; we ask
 * for one, wait until it is COMPLETE, then fetch it (GetCredentialReport, base64 CSV).
 */
import { z } from 'zod';
import { GenerateCredentialReportCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam';
import { VigilError } from '../../../lib/errors.ts';
import { defineResource, realSleep, type RunContext } from '../../sdk/index.ts';
import type { AwsConfig } from '../config.ts';
import { csvRecords } from '../csv.ts';
import { awsSession } from '../session.ts';

const when = (what: string) => z.iso.datetime().nullable().describe(what);

export const credentialReportRowSchema = z.object({
  arn: z.string().describe('ARN of the IAM user, or arn:aws:iam::<account>:root for the root account.'),
  user: z.string().describe('IAM user name; `<root_account>` for the root account.'),
  isRoot: z.boolean().describe('Whether this row is the account root user.'),
  userCreationTime: z.iso.datetime().describe('When the user (or the account) was created (UTC).'),
  passwordEnabled: z.boolean().nullable().describe('Whether the user can sign in to the console with a password; null for root, which always has one.'),
  passwordLastUsed: when('Last console sign-in with the password (UTC); null if never, or before IAM tracked it (October 2014).'),
  passwordLastChanged: when('When the password was last set (UTC); null without a password.'),
  passwordNextRotation: when('When the password policy requires the next change (UTC); null when the policy sets no maximum age.'),
  mfaActive: z.boolean().describe('Whether an MFA device is enabled for the user.'),
  accessKey1Active: z.boolean().describe('Whether the first access key exists and is active.'),
  accessKey1LastRotated: when('When the first access key was created or last rotated (UTC).'),
  accessKey1LastUsedDate: when('When the first access key last signed a request (UTC); null if never.'),
  accessKey1LastUsedRegion: z.string().nullable().describe('Region of that last use.'),
  accessKey1LastUsedService: z.string().nullable().describe('Service of that last use (e.g. s3).'),
  accessKey2Active: z.boolean().describe('Whether the second access key exists and is active.'),
  accessKey2LastRotated: when('When the second access key was created or last rotated (UTC).'),
  accessKey2LastUsedDate: when('When the second access key last signed a request (UTC); null if never.'),
  accessKey2LastUsedRegion: z.string().nullable().describe('Region of that last use.'),
  accessKey2LastUsedService: z.string().nullable().describe('Service of that last use.'),
  cert1Active: z.boolean().describe('Whether the first X.509 signing certificate is active.'),
  cert1LastRotated: when('When the first signing certificate was created or last rotated (UTC).'),
  cert2Active: z.boolean().describe('Whether the second X.509 signing certificate is active.'),
  cert2LastRotated: when('When the second signing certificate was created or last rotated (UTC).'),
  reportGeneratedAt: z.iso.datetime().describe('When IAM generated the report these values come from (UTC); it may be up to four hours old.'),
});

export type CredentialReportRow = z.output<typeof credentialReportRowSchema>;

/** The report writes "N/A", "not_supported" or "no_information" where there is no value. */
const absent = new Set(['', 'N/A', 'not_supported', 'no_information']);

function parseRow(r: Record<string, string>, generatedAt: string, where: string): CredentialReportRow {
  const field = (name: string): string => {
    const v = r[name];
    if (v === undefined) throw new VigilError('ProviderError', `IAM credential report: no column "${name}"`, { where, hint: 'the report format changed; please report it' });
    return v;
  };
  const text = (name: string) => (absent.has(field(name)) ? null : field(name));
  const bool = (name: string) => {
    const v = text(name);
    if (v === null) return null;
    if (v !== 'true' && v !== 'false') throw new VigilError('ProviderError', `IAM credential report: ${name} is "${v}", not true/false`, { where });
    return v === 'true';
  };
  const date = (name: string) => {
    const v = text(name);
    if (v === null) return null;
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new VigilError('ProviderError', `IAM credential report: ${name} is "${v}", not a date`, { where });
    return new Date(t).toISOString();
  };
  const user = field('user');
  return {
    arn: field('arn'),
    user,
    isRoot: user === '<root_account>',
    userCreationTime: date('user_creation_time') ?? generatedAt,
    passwordEnabled: bool('password_enabled'),
    passwordLastUsed: date('password_last_used'),
    passwordLastChanged: date('password_last_changed'),
    passwordNextRotation: date('password_next_rotation'),
    mfaActive: bool('mfa_active') ?? false,
    accessKey1Active: bool('access_key_1_active') ?? false,
    accessKey1LastRotated: date('access_key_1_last_rotated'),
    accessKey1LastUsedDate: date('access_key_1_last_used_date'),
    accessKey1LastUsedRegion: text('access_key_1_last_used_region'),
    accessKey1LastUsedService: text('access_key_1_last_used_service'),
    accessKey2Active: bool('access_key_2_active') ?? false,
    accessKey2LastRotated: date('access_key_2_last_rotated'),
    accessKey2LastUsedDate: date('access_key_2_last_used_date'),
    accessKey2LastUsedRegion: text('access_key_2_last_used_region'),
    accessKey2LastUsedService: text('access_key_2_last_used_service'),
    cert1Active: bool('cert_1_active') ?? false,
    cert1LastRotated: date('cert_1_last_rotated'),
    cert2Active: bool('cert_2_active') ?? false,
    cert2LastRotated: date('cert_2_last_rotated'),
    reportGeneratedAt: generatedAt,
  };
}

/** Waits between asking whether the report is ready: short first, then every 5 s. */
const pollDelaysMs = (budgetMs: number): number[] => {
  const delays: number[] = [];
  for (let total = 0, d = 500; total < budgetMs; total += d, d = Math.min(d * 2, 5000)) delays.push(Math.min(d, budgetMs - total));
  return delays;
};

export const credentialReport = defineResource({
  name: 'credential-report',
  description: 'The IAM credential report: every IAM user and the root account with password, MFA, access-key and certificate state.',
  schema: credentialReportRowSchema,
  primaryKey: 'arn',
  async *list(ctx: RunContext<AwsConfig>) {
    const aws = awsSession(ctx);
    const where = aws.where;
    const delays = pollDelaysMs(ctx.config.credentialReportWaitSeconds * 1000);
    for (let poll = 0; ; poll++) {
      const state = await aws.call('iam', 'GenerateCredentialReport', undefined, (o) => aws.iam().send(new GenerateCredentialReportCommand({}), o));
      if (state.State === 'COMPLETE') break;
      if (poll >= delays.length) {
        throw new VigilError('ProviderError', `IAM did not finish the credential report within ${ctx.config.credentialReportWaitSeconds} s (state ${state.State ?? 'unknown'})`, {
          where,
          hint: 'the next collection will pick it up; raise credentialReportWaitSeconds for a very large account',
        });
      }
      ctx.log.info(`IAM is generating the credential report (${state.State ?? 'unknown'}); asking again in ${(delays[poll]! / 1000).toFixed(1)} s`);
      await realSleep(delays[poll]!, ctx.signal);
    }
    const report = await aws.call('iam', 'GetCredentialReport', undefined, (o) => aws.iam().send(new GetCredentialReportCommand({}), o));
    if (report.ReportFormat && report.ReportFormat !== 'text/csv') {
      throw new VigilError('ProviderError', `IAM credential report: format ${report.ReportFormat}, expected text/csv`, { where });
    }
    if (!report.Content) throw new VigilError('ProviderError', 'IAM credential report: the answer has no content', { where });
    const generatedAt = (report.GeneratedTime ?? ctx.clock.now()).toISOString();
    let records: Record<string, string>[];
    try {
      records = csvRecords(new TextDecoder('utf-8', { fatal: true }).decode(report.Content));
    } catch (e) {
      throw new VigilError('ProviderError', `IAM credential report: not a readable CSV (${(e as Error).message})`, { where });
    }
    yield records.map((r) => parseRow(r, generatedAt, where));
  },
});
