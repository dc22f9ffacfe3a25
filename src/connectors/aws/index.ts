/**
 * AWS — one account's identity (IAM), logging (CloudTrail), storage (S3), network (EC2 security
 * groups), databases (RDS), backups and log retention (CloudWatch Logs), through the official AWS SDK v3. The SDK signs, speaks each
 * service's wire protocol (query/XML for IAM, STS, EC2 and RDS; REST-XML for S3; JSON 1.1 for
 * CloudTrail and CloudWatch Logs; REST-JSON for Backup) and classifies errors for its retries; session.ts gives every
 * client the source's endpoints, credentials, timeouts and the run's signal and log, and maps what
 * the SDK throws to Vigil's tagged errors.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { defineConnector } from '../sdk/index.ts';
import { configSchema } from './config.ts';
import { backupJobs } from './events/backup-jobs.ts';
import { cloudtrailEvents } from './events/cloudtrail-events.ts';
import { cloudtrailTrails } from './resources/cloudtrail-trails.ts';
import { credentialReport } from './resources/credential-report.ts';
import { iamAccessKeys } from './resources/iam-access-keys.ts';
import { iamMfaDevices } from './resources/iam-mfa-devices.ts';
import { iamUsers } from './resources/iam-users.ts';
import { logGroups } from './resources/log-groups.ts';
import { passwordPolicy } from './resources/password-policy.ts';
import { rdsInstances } from './resources/rds-instances.ts';
import { s3Buckets } from './resources/s3-buckets.ts';
import { securityGroups } from './resources/security-groups.ts';
import { awsSession } from './session.ts';

export const aws = defineConnector({
  id: 'aws',
  title: 'AWS',
  description:
    'One AWS account: the IAM credential report, users (with their tags and console password), MFA devices, access keys and password policy; CloudTrail trails and management events; S3 buckets (with lifecycle expiration); EC2 security groups; RDS instances; AWS Backup jobs; CloudWatch Logs groups and their retention.',
  configSchema,
  auth: {
    description:
      'AWS Signature Version 4 with the access key in the source config, or — without one — the SDK default credential chain (environment, shared config files and profiles, SSO, container or instance role). A read-only IAM role is the best choice; the AWS managed policy SecurityAudit grants everything listed.',
    permissions: [
      'iam:GenerateCredentialReport',
      'iam:GetCredentialReport',
      'iam:ListUsers',
      'iam:ListUserTags',
      'iam:GetLoginProfile',
      'iam:ListMFADevices',
      'iam:ListAccessKeys',
      'iam:GetAccessKeyLastUsed',
      'iam:GetAccountPasswordPolicy',
      'cloudtrail:DescribeTrails',
      'cloudtrail:GetTrailStatus',
      'cloudtrail:GetEventSelectors',
      'cloudtrail:LookupEvents',
      's3:ListAllMyBuckets',
      's3:GetEncryptionConfiguration',
      's3:GetBucketPublicAccessBlock',
      's3:GetBucketVersioning',
      's3:GetLifecycleConfiguration',
      'ec2:DescribeSecurityGroups',
      'rds:DescribeDBInstances',
      'backup:ListBackupJobs',
      'logs:DescribeLogGroups',
    ],
  },
  async testConnection(ctx) {
    const s = awsSession(ctx);
    const who = await s.call('sts', 'GetCallerIdentity', undefined, (o) => s.sts().send(new GetCallerIdentityCommand({}), o));
    return {
      summary: `connected to AWS account ${who.Account ?? 'unknown'} as ${who.Arn ?? 'unknown'}`,
      details: { account: who.Account ?? '', arn: who.Arn ?? '', regions: s.regions.join(', ') },
    };
  },
  resources: [credentialReport, iamUsers, iamMfaDevices, iamAccessKeys, passwordPolicy, cloudtrailTrails, s3Buckets, securityGroups, rdsInstances, logGroups],
  events: [cloudtrailEvents, backupJobs],
  notApplicable: [
    { code: 'OptInRequired', reason: 'the account has not opted in to this service in this region' },
    { code: 'SubscriptionRequiredException', reason: 'the account is not subscribed to this service' },
  ],
});
