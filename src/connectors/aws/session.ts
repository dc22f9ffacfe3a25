/**
 * One AWS session per collection run: the SDK clients (per service and region, created when first
 * needed and shared by every resource of the run), their endpoints and credentials from the config,
 * the retry strategy and timeouts, and `call()`, through which every SDK request goes so that it
 * runs under the run's cancellation signal and fails only with Vigil's tagged errors.
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { VigilError } from '../../lib/errors.ts';
import { realSleep, type RunContext } from '../sdk/index.ts';
import { regionsOf, serviceNames, type AwsConfig, type AwsService } from './config.ts';
import { mapAwsError, type AwsCall } from './errors.ts';
import { createRetryStrategy } from './retry.ts';

// The SDK warns on Node 20 that versions published after January 2027 will need Node 22. Vigil pins
// its SDK version and supports Node 20 (package.json engines), so the warning would only be noise
// on every collection.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** What a 2xx answer of each service must be; anything else is a proxy's or login page. */
const contentTypes: Record<AwsService, RegExp> = {
  iam: /xml/i,
  sts: /xml/i,
  s3: /xml/i,
  ec2: /xml/i,
  rds: /xml/i,
  cloudtrail: /json/i,
  backup: /json/i,
  logs: /json/i,
};

export interface AwsSession {
  readonly config: AwsConfig;
  /** The source, for errors' `where`. */
  readonly where: string;
  /** Regions whose regional resources are collected. */
  readonly regions: string[];
  iam(): IAMClient;
  sts(): STSClient;
  s3(region?: string): S3Client;
  ec2(region: string): EC2Client;
  rds(region: string): RDSClient;
  cloudtrail(region: string): CloudTrailClient;
  backup(region: string): BackupClient;
  logs(region: string): CloudWatchLogsClient;
  /** Run one SDK request under the run's signal; errors come out tagged (errors.ts). */
  call<T>(service: AwsService, operation: string, region: string | undefined, run: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T>;
  /** The account the credentials belong to (STS GetCallerIdentity, asked once). */
  accountId(): Promise<string>;
  /** Where calls to a service go when not to AWS itself. */
  endpointOf(service: AwsService): string | undefined;
}

interface MiddlewareTarget {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<{ response: unknown; output: unknown }>) => (args: unknown) => Promise<{ response: unknown; output: unknown }>,
      options: { step: 'build'; name: string },
    ): void;
  };
}

const sessions = new WeakMap<object, AwsSession>();

export function awsSession(ctx: RunContext<AwsConfig>): AwsSession {
  let session = sessions.get(ctx);
  if (!session) {
    session = createSession(ctx);
    sessions.set(ctx, session);
  }
  return session;
}

function createSession(ctx: RunContext<AwsConfig>): AwsSession {
  const config = ctx.config;
  const clients = new Map<string, unknown>();
  const endpointOf = (service: AwsService) => config.endpoints[service] ?? config.endpoint;
  const credentials =
    config.accessKeyId && config.secretAccessKey
      ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}) }
      : undefined;
  const timeoutMs = config.requestTimeoutSeconds * 1000;
  // The SDK's own warnings (a slow socket, a deprecated setting) belong in the run's log.
  const logger = {
    debug: () => {},
    info: () => {},
    warn: (...args: unknown[]) => ctx.log.warn(`AWS SDK: ${args.map(String).join(' ')}`),
    error: (...args: unknown[]) => ctx.log.error(`AWS SDK: ${args.map(String).join(' ')}`),
  };

  const settings = (service: AwsService, region: string) => {
    const endpoint = endpointOf(service);
    return {
      region,
      ...(endpoint ? { endpoint } : {}),
      ...(credentials ? { credentials } : {}),
      ...(config.profile ? { profile: config.profile } : {}),
      maxAttempts: config.maxAttempts,
      retryStrategy: createRetryStrategy({
        maxAttempts: config.maxAttempts,
        sleep: realSleep,
        signal: ctx.signal,
        log: ctx.log,
        label: `${serviceNames[service]}${service === 'iam' || service === 'sts' ? '' : ` ${region}`}`,
      }),
      requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true },
      logger,
    };
  };

  const client = <C>(service: AwsService, region: string, make: (s: ReturnType<typeof settings>) => C): C => {
    const key = `${service}/${region}`;
    let c = clients.get(key) as C | undefined;
    if (!c) {
      c = make(settings(service, region));
      guardContentType(c as unknown as MiddlewareTarget, service, () => ({ service: serviceNames[service], operation: 'response', region, endpoint: endpointOf(service), where: where(ctx) }));
      clients.set(key, c);
    }
    return c;
  };

  const call = async <T>(service: AwsService, operation: string, region: string | undefined, run: (o: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> => {
    const label: AwsCall = { service: serviceNames[service], operation, ...(region ? { region } : {}), ...(endpointOf(service) ? { endpoint: endpointOf(service) } : {}), where: where(ctx) };
    try {
      const out = await run({ abortSignal: ctx.signal });
      ctx.log.debug(`${label.service} ${operation}${region ? ` (${region})` : ''}: ok`);
      return out;
    } catch (e) {
      throw mapAwsError(e, label, ctx.signal);
    }
  };

  let account: Promise<string> | undefined;
  const session: AwsSession = {
    config,
    where: where(ctx),
    regions: regionsOf(config),
    iam: () => client('iam', config.region, (s) => new IAMClient(s)),
    sts: () => client('sts', config.region, (s) => new STSClient(s)),
    s3: (region = config.region) =>
      client('s3', region, (s) => new S3Client({ ...s, forcePathStyle: config.s3ForcePathStyle ?? endpointOf('s3') !== undefined, followRegionRedirects: true })),
    ec2: (region) => client('ec2', region, (s) => new EC2Client(s)),
    rds: (region) => client('rds', region, (s) => new RDSClient(s)),
    cloudtrail: (region) => client('cloudtrail', region, (s) => new CloudTrailClient(s)),
    backup: (region) => client('backup', region, (s) => new BackupClient(s)),
    logs: (region) => client('logs', region, (s) => new CloudWatchLogsClient(s)),
    call,
    endpointOf,
    accountId() {
      account ??= call('sts', 'GetCallerIdentity', undefined, (o) => session.sts().send(new GetCallerIdentityCommand({}), o)).then((r) => {
        if (!r.Account) throw new VigilError('ProviderError', 'STS GetCallerIdentity: the answer names no account', { where: where(ctx) });
        return r.Account;
      });
      // A failed lookup is not cached: the next resource asks again.
      account.catch(() => (account = undefined));
      return account;
    },
  };
  return session;
}

const where = (ctx: RunContext<unknown>) => (ctx as { where?: string }).where ?? `connector ${ctx.connectorId}`;

/**
 * A 2xx answer in the wrong format must fail: the SDK parses an HTML login page as an empty XML
 * document and would report "no users" — which the engine would take as every user deleted.
 */
function guardContentType(client: MiddlewareTarget, service: AwsService, call: () => AwsCall): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; headers?: Record<string, string> };
      const type = Object.entries(response.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300 && type && !contentTypes[service].test(type)) {
        const c = call();
        throw new VigilError('ProviderError', `${c.service}${c.endpoint ? ` at ${c.endpoint}` : ''}: expected ${contentTypes[service].source.replace(/\W/g, '').toUpperCase()} but got ${type.split(';')[0]} (a proxy or login page?)`, {
          where: c.where,
          hint: 'check the endpoint in the source config and any proxy in between',
          details: { service: c.service, status, contentType: type },
        });
      }
      return result;
    },
    { step: 'build', name: 'vigilContentTypeGuard' },
  );
}
