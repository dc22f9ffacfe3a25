/**
 * The recorded happy path: every request one full collection makes, in order, with the wire
 * responses AWS documents (query/XML, REST-XML, JSON 1.1, REST-JSON), including a second page of
 * every paginated listing. Users are listed three times (users, MFA devices, access keys).
 */
import type { AwsExchange } from './aws-fixture-server.ts';
import { endpointsAt } from './aws-fixture-server.ts';

const users1 = { MaxItems: '1000' };
const users2 = { MaxItems: '1000', Marker: 'AAECAwQFBgcICQoLDA0ODw' };
const trail1 = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail1';
const trail2 = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail2';
const bucket = (name: string, setting: string, file: string, status?: number): AwsExchange => ({
  service: 's3',
  operation: `GET /${name}/`,
  params: { [setting]: '' },
  reply: { file, ...(status ? { status } : {}) },
});

export const connectionExchange: AwsExchange = { service: 'sts', operation: 'GetCallerIdentity', reply: { file: 'sts.GetCallerIdentity.xml' }, repeat: true };

export const exchanges: Record<string, AwsExchange[]> = {
  connection: [connectionExchange],
  'credential-report': [
    { service: 'iam', operation: 'GenerateCredentialReport', reply: { file: 'iam.GenerateCredentialReport.COMPLETE.xml' } },
    { service: 'iam', operation: 'GetCredentialReport', reply: { file: 'iam.GetCredentialReport.xml' } },
  ],
  'iam-users': [
    { service: 'iam', operation: 'ListUsers', params: users1, reply: { file: 'iam.ListUsers.page1.xml' } },
    { service: 'iam', operation: 'GetLoginProfile', params: { UserName: 'Adele' }, reply: { file: 'iam.GetLoginProfile.NoSuchEntity.xml', status: 404 } },
    { service: 'iam', operation: 'ListUserTags', params: { UserName: 'Adele', MaxItems: '1000' }, reply: { file: 'iam.ListUserTags.Adele.xml' } },
    { service: 'iam', operation: 'ListUsers', params: users2, reply: { file: 'iam.ListUsers.page2.xml' } },
    { service: 'iam', operation: 'GetLoginProfile', params: { UserName: 'Bob' }, reply: { file: 'iam.GetLoginProfile.Bob.xml' } },
    { service: 'iam', operation: 'ListUserTags', params: { UserName: 'Bob', MaxItems: '1000' }, reply: { file: 'iam.ListUserTags.Bob.page1.xml' } },
    { service: 'iam', operation: 'ListUserTags', params: { UserName: 'Bob', MaxItems: '1000', Marker: 'VEFHU19CT0JfUEFHRV8y' }, reply: { file: 'iam.ListUserTags.Bob.page2.xml' } },
  ],
  'iam-mfa-devices': [
    { service: 'iam', operation: 'ListUsers', params: users1, reply: { file: 'iam.ListUsers.page1.xml' } },
    { service: 'iam', operation: 'ListUsers', params: users2, reply: { file: 'iam.ListUsers.page2.xml' } },
    { service: 'iam', operation: 'ListMFADevices', params: { UserName: 'Adele', MaxItems: '1000' }, reply: { file: 'iam.ListMFADevices.Adele.xml' } },
    { service: 'iam', operation: 'ListMFADevices', params: { UserName: 'Bob', MaxItems: '1000' }, reply: { file: 'iam.ListMFADevices.Bob.page1.xml' } },
    { service: 'iam', operation: 'ListMFADevices', params: { UserName: 'Bob', MaxItems: '1000', Marker: 'QkFDS0VORF9ERVZJQ0VT' }, reply: { file: 'iam.ListMFADevices.Bob.page2.xml' } },
  ],
  'iam-access-keys': [
    { service: 'iam', operation: 'ListUsers', params: users1, reply: { file: 'iam.ListUsers.page1.xml' } },
    { service: 'iam', operation: 'ListUsers', params: users2, reply: { file: 'iam.ListUsers.page2.xml' } },
    { service: 'iam', operation: 'ListAccessKeys', params: { UserName: 'Adele', MaxItems: '1000' }, reply: { file: 'iam.ListAccessKeys.Adele.xml' } },
    { service: 'iam', operation: 'ListAccessKeys', params: { UserName: 'Bob', MaxItems: '1000' }, reply: { file: 'iam.ListAccessKeys.Bob.page1.xml' } },
    { service: 'iam', operation: 'GetAccessKeyLastUsed', params: { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, reply: { file: 'iam.GetAccessKeyLastUsed.used.xml' } },
    { service: 'iam', operation: 'ListAccessKeys', params: { UserName: 'Bob', MaxItems: '1000', Marker: 'QUtJQUk0NFFIOERIQkVYQU1QTEU' }, reply: { file: 'iam.ListAccessKeys.Bob.page2.xml' } },
    { service: 'iam', operation: 'GetAccessKeyLastUsed', params: { AccessKeyId: 'AKIAI44QH8DHBEXAMPLE' }, reply: { file: 'iam.GetAccessKeyLastUsed.never.xml' } },
  ],
  'password-policy': [{ service: 'iam', operation: 'GetAccountPasswordPolicy', reply: { file: 'iam.GetAccountPasswordPolicy.xml' } }],
  'cloudtrail-trails': [
    { service: 'cloudtrail', operation: 'DescribeTrails', params: { includeShadowTrails: 'true' }, reply: { file: 'cloudtrail.DescribeTrails.json' } },
    { service: 'cloudtrail', operation: 'GetTrailStatus', params: { Name: trail1 }, reply: { file: 'cloudtrail.GetTrailStatus.Trail1.json' } },
    { service: 'cloudtrail', operation: 'GetEventSelectors', params: { TrailName: trail1 }, reply: { file: 'cloudtrail.GetEventSelectors.Trail1.json' } },
    { service: 'cloudtrail', operation: 'GetTrailStatus', params: { Name: trail2 }, reply: { file: 'cloudtrail.GetTrailStatus.Trail2.json' } },
    { service: 'cloudtrail', operation: 'GetEventSelectors', params: { TrailName: trail2 }, reply: { file: 'cloudtrail.GetEventSelectors.Trail2.json' } },
  ],
  's3-buckets': [
    { service: 's3', operation: 'GET /', params: { 'max-buckets': '1000' }, reply: { file: 's3.ListBuckets.page1.xml' } },
    bucket('amzn-s3-demo-bucket', 'encryption', 's3.GetBucketEncryption.AES256.xml'),
    bucket('amzn-s3-demo-bucket', 'publicAccessBlock', 's3.GetPublicAccessBlock.xml'),
    bucket('amzn-s3-demo-bucket', 'versioning', 's3.GetBucketVersioning.Enabled.xml'),
    bucket('amzn-s3-demo-bucket', 'lifecycle', 's3.GetBucketLifecycleConfiguration.NotFound.xml', 404),
    bucket('amzn-s3-demo-bucket2', 'encryption', 's3.GetBucketEncryption.NotFound.xml', 404),
    bucket('amzn-s3-demo-bucket2', 'publicAccessBlock', 's3.GetPublicAccessBlock.NotFound.xml', 404),
    bucket('amzn-s3-demo-bucket2', 'versioning', 's3.GetBucketVersioning.never.xml'),
    bucket('amzn-s3-demo-bucket2', 'lifecycle', 's3.GetBucketLifecycleConfiguration.NotFound.xml', 404),
    { service: 's3', operation: 'GET /', params: { 'max-buckets': '1000', 'continuation-token': 'YW16bi1zMy1kZW1vLWJ1Y2tldDI' }, reply: { file: 's3.ListBuckets.page2.xml' } },
    bucket('amzn-s3-demo-bucket-logs', 'encryption', 's3.GetBucketEncryption.kms.xml'),
    bucket('amzn-s3-demo-bucket-logs', 'publicAccessBlock', 's3.GetPublicAccessBlock.partial.xml'),
    bucket('amzn-s3-demo-bucket-logs', 'versioning', 's3.GetBucketVersioning.Suspended.xml'),
    bucket('amzn-s3-demo-bucket-logs', 'lifecycle', 's3.GetBucketLifecycleConfiguration.xml'),
  ],
  'security-groups': [
    { service: 'ec2', operation: 'DescribeSecurityGroups', params: { MaxResults: '1000' }, reply: { file: 'ec2.DescribeSecurityGroups.page1.xml' } },
    { service: 'ec2', operation: 'DescribeSecurityGroups', params: { MaxResults: '1000', NextToken: 'eyJ2IjoiMiIsImMiOiJzZy0wMTIzIn0' }, reply: { file: 'ec2.DescribeSecurityGroups.page2.xml' } },
  ],
  'rds-instances': [
    { service: 'rds', operation: 'DescribeDBInstances', params: { MaxRecords: '100' }, reply: { file: 'rds.DescribeDBInstances.page1.xml' } },
    { service: 'rds', operation: 'DescribeDBInstances', params: { MaxRecords: '100', Marker: 'ZGF0YWJhc2UtMQ' }, reply: { file: 'rds.DescribeDBInstances.page2.xml' } },
  ],
  'log-groups': [
    { service: 'logs', operation: 'DescribeLogGroups', params: { limit: '50' }, reply: { file: 'logs.DescribeLogGroups.page1.json' } },
    { service: 'logs', operation: 'DescribeLogGroups', params: { limit: '50', nextToken: '/aws/lambda/my-function2/1447265212000' }, reply: { file: 'logs.DescribeLogGroups.page2.json' } },
  ],
  'cloudtrail-events': [
    { service: 'cloudtrail', operation: 'LookupEvents', params: { StartTime: '*', EndTime: '*', MaxResults: '50' }, reply: { file: 'cloudtrail.LookupEvents.page1.json' } },
    {
      service: 'cloudtrail',
      operation: 'LookupEvents',
      params: {
        StartTime: '*',
        EndTime: '*',
        MaxResults: '50',
        NextToken: 'kbOt5LlZe++mErCebpy2TgaMgmDvF1kYGFcH64JSjIbZFjsuvrSqg66b5YGssKutDYIyII4lrP4IDbeQdiObkp9YAlju3oXd12juy3CIZW8=',
      },
      reply: { file: 'cloudtrail.LookupEvents.page2.json' },
    },
  ],
  'backup-jobs': [
    { service: 'backup', operation: 'GET /backup-jobs', params: { completeAfter: '*', completeBefore: '*', maxResults: '1000' }, reply: { file: 'backup.ListBackupJobs.page1.json' } },
    {
      service: 'backup',
      operation: 'GET /backup-jobs',
      params: { completeAfter: '*', completeBefore: '*', maxResults: '1000', nextToken: 'AAMA-EFRSHzGJkWnxwBE2Mpn7uDvHbZhSoR3xdR3YyF9lbM' },
      reply: { file: 'backup.ListBackupJobs.page2.json' },
    },
  ],
};

/** Every exchange of a full collection (connection test, then each resource and event stream). */
export const fullCollection = (): AwsExchange[] => Object.values(exchanges).flat();

/** Distinctive credentials to hunt for in output. */
export const testSecrets = { secretAccessKey: 'vigil-test-secret-4f9a1c2e8b7d', sessionToken: 'vigil-test-session-token-77c1e0' };

export const testConfig = (url: string) => ({
  region: 'us-east-1',
  accessKeyId: 'AKIAVIGILTESTKEY0001',
  ...testSecrets,
  endpoints: endpointsAt(url),
  maxAttempts: 3,
  requestTimeoutSeconds: 5,
});
