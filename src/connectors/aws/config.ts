/**
 * What a user writes under `config:` for an `aws` source. One source is one AWS account. The
 * credentials are optional: without them the SDK's default provider chain is used (environment,
 * shared config and credentials files, SSO, a container or instance role), which is what a
 * deployment inside AWS should do.
 */
import { z } from 'zod';
import { isLoopbackHost, secret } from '../sdk/index.ts';

export const awsServices = ['iam', 'sts', 's3', 'ec2', 'rds', 'cloudtrail', 'backup', 'logs'] as const;
export type AwsService = (typeof awsServices)[number];

/** Each service as AWS names it, for messages and docs. */
export const serviceNames: Record<AwsService, string> = {
  iam: 'IAM',
  sts: 'STS',
  s3: 'S3',
  ec2: 'EC2',
  rds: 'RDS',
  cloudtrail: 'CloudTrail',
  backup: 'AWS Backup',
  logs: 'CloudWatch Logs',
};

const region = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region code such as us-east-1 or eu-west-2')
  .describe('An AWS region code, e.g. us-east-1.');

const endpointUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://iam.amazonaws.com' });

const endpoints = z
  .strictObject(
    Object.fromEntries(
      awsServices.map((s) => [s, endpointUrl.optional().describe(`Endpoint for ${serviceNames[s]} requests (overrides \`endpoint\`).`)]),
    ) as Record<AwsService, z.ZodOptional<typeof endpointUrl>>,
  )
  .default({})
  .describe('Per-service endpoints (VPC endpoints, a proxy, the demo or a test server); a service not listed uses `endpoint`, else the AWS default.');

export const configSchema = z
  .strictObject({
    region: region.default('us-east-1').describe('Home region: used for IAM, STS and listing S3 buckets, and the default for `regions`.'),
    regions: z
      .array(region)
      .min(1)
      .optional()
      .describe('Regions whose regional resources are collected (security groups, RDS instances, CloudTrail trails and events, backup jobs, CloudWatch Logs groups); default: only `region`.'),
    accessKeyId: z
      .string()
      .regex(/^[A-Z0-9]{16,128}$/, 'an access key id such as AKIAIOSFODNN7EXAMPLE')
      .optional()
      .describe('Access key id of a read-only IAM user or role session; omit to use the default credential provider chain.'),
    secretAccessKey: secret('The secret access key that goes with accessKeyId.').optional(),
    sessionToken: secret('Session token, when accessKeyId/secretAccessKey are temporary (STS) credentials.').optional(),
    profile: z.string().min(1).optional().describe('A named profile from the shared AWS config files, for the default provider chain.'),
    endpoint: endpointUrl
      .optional()
      .describe('One endpoint for every service (an AWS-compatible gateway such as LocalStack); omit for the real AWS endpoints.'),
    endpoints,
    allowInsecureHttp: z
      .boolean()
      .default(false)
      .describe('Allow plain http:// endpoints on hosts that are not loopback. Requests are signed but not encrypted: for isolated test networks only.'),
    s3ForcePathStyle: z
      .boolean()
      .optional()
      .describe('Address buckets as <endpoint>/<bucket> instead of <bucket>.<endpoint>; default: on when an S3 endpoint is configured, off for AWS.'),
    requestTimeoutSeconds: z.number().int().min(1).max(300).default(30).describe('Per request: how long to wait for an answer before giving up.'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(5)
      .describe('Attempts per request, counting the first: throttling and transient failures are retried with backoff up to this many times.'),
    lookbackDays: z
      .number()
      .int()
      .min(1)
      .max(90)
      .default(7)
      .describe('On the first collection, how many days of CloudTrail management events and backup jobs to fetch (CloudTrail keeps 90); later runs continue from the stored cursor.'),
    credentialReportWaitSeconds: z
      .number()
      .int()
      .min(1)
      .max(600)
      .default(120)
      .describe('How long to wait for IAM to generate the credential report before the run gives up on it.'),
  })
  .superRefine((c, ctx) => {
    if ((c.accessKeyId === undefined) !== (c.secretAccessKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: [c.accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey'], message: 'give accessKeyId and secretAccessKey together (or neither, for the default provider chain)' });
    }
    if (c.sessionToken !== undefined && c.accessKeyId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sessionToken'], message: 'a session token needs accessKeyId and secretAccessKey too' });
    }
    const urls: [string[], string | undefined][] = [[['endpoint'], c.endpoint], ...awsServices.map((s): [string[], string | undefined] => [['endpoints', s], c.endpoints[s]])];
    for (const [path, url] of urls) {
      if (!url) continue;
      const u = new URL(url);
      if (u.username || u.password) ctx.addIssue({ code: 'custom', path, message: 'the endpoint must not contain credentials (user:password@)' });
      if (u.protocol === 'http:' && !isLoopbackHost(u.hostname) && !c.allowInsecureHttp) {
        ctx.addIssue({ code: 'custom', path, message: `plain http to ${u.host} is refused; use https, or set allowInsecureHttp for an isolated test network` });
      }
    }
  });

export type AwsConfig = z.output<typeof configSchema>;

/** The regions whose regional resources a source collects. */
export const regionsOf = (c: AwsConfig): string[] => [...new Set(c.regions ?? [c.region])];
