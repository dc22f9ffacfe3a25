/**
 * The demo's simulated AWS account (see aws-model.ts), served in each service's real wire
 * protocol so the real connector — the official SDK — collects it unchanged: query protocol with
 * XML for IAM, STS and RDS, EC2's XML, REST-XML for S3 (path-style), JSON 1.1 for CloudTrail and CloudWatch
 * Logs, REST-JSON for AWS Backup, each under its own path (`/aws/iam/`, `/aws/s3/…`) with AWS's paging
 * and error formats. Requests must be SigV4-signed with the demo key for the right service (the
 * signature itself is not verified). Everything is rendered as of the clock's "now".
 */
import { Hono, type Context } from 'hono';
import { DAY_MS } from '../../lib/clock.ts';
import type { Clock } from '../../lib/clock.ts';
import type { DemoOrg } from '../org/org.ts';
import {
  DEMO_AWS_REGION as REGION,
  EVENT_RETENTION_MS,
  PLANTED_NO_MFA_INDEX,
  PLANTED_OLD_KEY_INDEX,
  demoAwsAccount,
  demoInfrastructure,
  awsLeavers,
  lastSignIn,
  signInsBetween,
  stillOn,
  uuidOf,
  type DemoAwsAccount,
  type DemoInfrastructure,
} from './aws-model.ts';
import type { DemoProvider } from './index.ts';

export const DEMO_AWS_ACCESS_KEY_ID = 'AKIADEMOVIGILREADONLY';
export const DEMO_AWS_SECRET_ACCESS_KEY = 'demo-only-secret-access-key-not-a-real-one';

/** A failure planted in the demo account: the check that must fail and the result's resource. */
export interface PlantedAws {
  check: string;
  resource: string;
  what: string;
}

/** Every AWS failure the demo plants (the org's `planted` covers identity and code only). */
export function plantedAws(org: DemoOrg): PlantedAws[] {
  const account = demoAwsAccount(org);
  const infra = demoInfrastructure(account);
  const noMfa = account.users[PLANTED_NO_MFA_INDEX]!;
  const oldKey = account.users[PLANTED_OLD_KEY_INDEX]!.key(org.anchor)!;
  return [
    { check: 'access.root-account', resource: `aws.credential-report/${account.root.arn}`, what: 'the root account holds an active access key' },
    { check: 'access.mfa-cloud', resource: `aws.credential-report/${noMfa.arn}`, what: `${noMfa.userName} signs in to the console without MFA` },
    { check: 'access.key-rotation', resource: `aws.iam-access-keys/${oldKey.id}`, what: 'an access key created 200 days before the anchor, never rotated' },
    { check: 'cloud.cloudtrail-enabled', resource: `aws.cloudtrail-trails/${infra.trails[1]!.arn}`, what: 'legacy-trail has no log-file validation' },
    { check: 'cloud.s3-encryption-public-access', resource: 'aws.s3-buckets/demo-corp-data-exports', what: 'the bucket has no public access block' },
    { check: 'cloud.admin-ports-open', resource: `aws.security-groups/${infra.securityGroups.find((g) => g.name === 'bastion-legacy')!.id}`, what: 'SSH open to 0.0.0.0/0' },
    { check: 'cloud.rds-encryption-backups', resource: `aws.rds-instances/${infra.databases.find((d) => !d.encrypted)!.arn}`, what: 'reporting-replica is not encrypted' },
    { check: 'logging.retention', resource: `aws.log-groups/${infra.logGroups.find((g) => g.name === '/aws/lambda/data-export')!.arn}`, what: 'the log group keeps its events only 30 days' },
  ];
}

/**
 * The leaver failures the demo plants in AWS: the check and the leaver's email (the org's `planted`
 * names only Okta and GitHub, so that checks run without AWS keep their counts).
 */
export function plantedAwsLeavers(org: DemoOrg): { check: string; email: string; terminatedAt: Date; what: string }[] {
  const { stillActive } = awsLeavers(org);
  if (!stillActive) return [];
  return [{ check: 'access.leaver-deprovisioned', email: stillActive.email, terminatedAt: stillActive.terminationDate!, what: 'an access-key-only IAM user tagged with their email was never disabled' }];
}

/** The leaver whose IAM user was switched off on their last evening, if the demo has one. */
export const awsLeaverInTime = (org: DemoOrg) => awsLeavers(org).inTime;

// ---- wire helpers ----

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** `<Name>value</Name>`, or nothing for a missing value. */
const el = (name: string, v: string | number | boolean | Date | null | undefined) =>
  v === null || v === undefined ? '' : `<${name}>${v instanceof Date ? v.toISOString() : esc(String(v))}</${name}>`;
const list = (name: string, item: string, parts: string[]) => (parts.length ? `<${name}>${parts.map((p) => `<${item}>${p}</${item}>`).join('')}</${name}>` : `<${name}/>`);
const secs = (d: Date) => d.getTime() / 1000;
/** The credential report's time format: seconds and an explicit UTC offset. */
const reportTime = (d: Date | null | undefined, none = 'N/A') => (d ? `${d.toISOString().slice(0, 19)}+00:00` : none);

const ns: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  rds: 'http://rds.amazonaws.com/doc/2014-10-31/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  s3: 'http://s3.amazonaws.com/doc/2006-03-01/',
};

class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An opaque page token (an offset), and one page of `items`. */
function paginate<T>(items: T[], size: number | undefined, token: string | undefined): { items: T[]; next: string | undefined } {
  const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsError(400, 'InvalidParameterValue', 'The pagination token is not valid.');
  const n = Math.max(1, Math.min(size ?? 100, 1000));
  const end = start + n;
  return { items: items.slice(start, end), next: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}

function errorBody(service: string, e: AwsError): { body: string; type: string } {
  if (service === 'cloudtrail' || service === 'logs' || service === 'backup') return { body: JSON.stringify({ __type: e.code, message: e.message }), type: service === 'backup' ? 'application/json' : 'application/x-amz-json-1.1' };
  if (service === 'ec2') return { body: `<Response><Errors><Error>${el('Code', e.code)}${el('Message', e.message)}</Error></Errors><RequestID>${uuidOf(e.message)}</RequestID></Response>`, type: 'text/xml' };
  if (service === 's3') return { body: `<?xml version="1.0" encoding="UTF-8"?><Error>${el('Code', e.code)}${el('Message', e.message)}<RequestId>DEMO</RequestId></Error>`, type: 'application/xml' };
  return { body: `<ErrorResponse xmlns="${ns[service]}"><Error><Type>Sender</Type>${el('Code', e.code)}${el('Message', e.message)}</Error><RequestId>${uuidOf(e.code)}</RequestId></ErrorResponse>`, type: 'text/xml' };
}

/** The SigV4 credential scope must name the demo key and this service. */
function checkSignature(c: Context, service: string): void {
  const auth = c.req.header('authorization') ?? '';
  const scope = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  if (!scope) throw new AwsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  if (scope[1] !== DEMO_AWS_ACCESS_KEY_ID) throw new AwsError(403, service === 's3' ? 'InvalidAccessKeyId' : 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  if (scope[3] !== service) throw new AwsError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'.`);
}

// ---- the services ----

interface World {
  account: DemoAwsAccount;
  infra: DemoInfrastructure;
  now: Date;
}

const liveUsers = (w: World) => w.account.users.filter((u) => u.created <= w.now);
const userNamed = (w: World, name: string | undefined) => {
  const u = liveUsers(w).find((x) => x.userName === name);
  if (!u) throw new AwsError(404, 'NoSuchEntity', `The user with name ${name} cannot be found.`);
  return u;
};

function credentialReport(w: World): string {
  const head =
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
  const noKey2 = 'false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
  const r = w.account.root;
  const root = `<root_account>,${r.arn},${reportTime(r.created)},not_supported,${reportTime(r.passwordLastUsed)},not_supported,not_supported,true,true,${reportTime(r.key.created)},${reportTime(r.key.lastUsed)},${REGION},iam,${noKey2}`;
  const users = liveUsers(w).map((u) => {
    const on = stillOn(u, w.now);
    const password = u.signInMinute !== null && on;
    const key = u.key(w.now);
    const used = key?.lastUsed(w.now) ?? null;
    return [
      u.userName,
      u.arn,
      reportTime(u.created),
      String(password),
      u.signInMinute !== null ? reportTime(lastSignIn(u, w.now), 'no_information') : 'N/A',
      password ? reportTime(u.created) : 'N/A',
      'N/A',
      String(u.mfa !== null && u.mfa.enabled <= w.now),
      String(key !== null && on),
      reportTime(key?.created),
      reportTime(used),
      used ? REGION : 'N/A',
      used ? key!.service : 'N/A',
      noKey2,
    ].join(',');
  });
  return [head, root, ...users].join('\n') + '\n';
}

function iam(w: World, action: string, p: URLSearchParams): string {
  const max = Number(p.get('MaxItems') ?? 100);
  const marker = p.get('Marker') ?? undefined;
  const truncated = (next: string | undefined) => `${el('IsTruncated', next !== undefined)}${el('Marker', next)}`;
  switch (action) {
    case 'GenerateCredentialReport':
      return el('State', 'COMPLETE');
    case 'GetCredentialReport':
      return `${el('Content', Buffer.from(credentialReport(w)).toString('base64'))}${el('ReportFormat', 'text/csv')}${el('GeneratedTime', w.now)}`;
    case 'ListUsers': {
      const page = paginate(liveUsers(w), max, marker);
      const users = page.items.map(
        (u) => `${el('Path', u.path)}${el('UserName', u.userName)}${el('UserId', u.userId)}${el('Arn', u.arn)}${el('CreateDate', u.created)}${el('PasswordLastUsed', lastSignIn(u, w.now))}`,
      );
      return `${list('Users', 'member', users)}${truncated(page.next)}`;
    }
    case 'ListUserTags': {
      const u = userNamed(w, p.get('UserName') ?? undefined);
      const tags = Object.entries(u.tags ?? {}).map(([k, v]) => `${el('Key', k)}${el('Value', v)}`);
      return `${list('Tags', 'member', tags)}${truncated(undefined)}`;
    }
    case 'GetLoginProfile': {
      const u = userNamed(w, p.get('UserName') ?? undefined);
      if (u.signInMinute === null || !stillOn(u, w.now)) throw new AwsError(404, 'NoSuchEntity', `Login Profile for User ${u.userName} cannot be found.`);
      return `<LoginProfile>${el('UserName', u.userName)}${el('CreateDate', u.created)}${el('PasswordResetRequired', false)}</LoginProfile>`;
    }
    case 'ListMFADevices': {
      const u = userNamed(w, p.get('UserName') ?? undefined);
      const devices = u.mfa && u.mfa.enabled <= w.now ? [`${el('UserName', u.userName)}${el('SerialNumber', u.mfa.serial)}${el('EnableDate', u.mfa.enabled)}`] : [];
      return `${list('MFADevices', 'member', devices)}${truncated(undefined)}`;
    }
    case 'ListAccessKeys': {
      const u = userNamed(w, p.get('UserName') ?? undefined);
      const key = u.key(w.now);
      const keys = key ? [`${el('UserName', u.userName)}${el('AccessKeyId', key.id)}${el('Status', stillOn(u, w.now) ? 'Active' : 'Inactive')}${el('CreateDate', key.created)}`] : [];
      return `${el('UserName', u.userName)}${list('AccessKeyMetadata', 'member', keys)}${truncated(undefined)}`;
    }
    case 'GetAccessKeyLastUsed': {
      const id = p.get('AccessKeyId');
      const owner = liveUsers(w).find((u) => u.key(w.now)?.id === id);
      if (!owner) throw new AwsError(403, 'AccessDenied', `The access key ${id} does not belong to this account.`);
      const key = owner.key(w.now)!;
      const used = key.lastUsed(w.now);
      const last = used ? `${el('LastUsedDate', used)}${el('ServiceName', key.service)}${el('Region', REGION)}` : `${el('ServiceName', 'N/A')}${el('Region', 'N/A')}`;
      return `${el('UserName', owner.userName)}<AccessKeyLastUsed>${last}</AccessKeyLastUsed>`;
    }
    case 'GetAccountPasswordPolicy':
      return `<PasswordPolicy>${el('MinimumPasswordLength', 14)}${el('RequireSymbols', true)}${el('RequireNumbers', true)}${el('RequireUppercaseCharacters', true)}${el('RequireLowercaseCharacters', true)}${el('AllowUsersToChangePassword', true)}${el('ExpirePasswords', false)}${el('PasswordReusePrevention', 24)}${el('HardExpiry', false)}</PasswordPolicy>`;
    default:
      throw new AwsError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
  }
}

function sts(w: World, action: string): string {
  if (action !== 'GetCallerIdentity') throw new AwsError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
  return `${el('Arn', `arn:aws:iam::${w.account.accountId}:user/vigil-readonly`)}${el('UserId', 'AIDADEMOVIGILREADONLY')}${el('Account', w.account.accountId)}`;
}

function rds(w: World, action: string, p: URLSearchParams): string {
  if (action !== 'DescribeDBInstances') throw new AwsError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
  const page = paginate(
    w.infra.databases.filter((d) => d.created <= w.now),
    Number(p.get('MaxRecords') ?? 100),
    p.get('Marker') ?? undefined,
  );
  const items = page.items.map(
    (d) =>
      `${el('DBInstanceIdentifier', d.id)}${el('DBInstanceClass', d.cls)}${el('Engine', d.engine)}${el('EngineVersion', d.version)}${el('DBInstanceStatus', 'available')}` +
      `${el('InstanceCreateTime', d.created)}${el('BackupRetentionPeriod', d.retention)}${el('LatestRestorableTime', new Date(w.now.getTime() - (w.now.getTime() % 300_000)))}` +
      `${el('MultiAZ', d.multiAz)}${el('PubliclyAccessible', false)}${el('StorageEncrypted', d.encrypted)}${el('KmsKeyId', d.encrypted ? w.infra.kms : null)}` +
      `${el('DBInstanceArn', d.arn)}${el('DeletionProtection', d.deletionProtection)}`,
  );
  return `${list('DBInstances', 'DBInstance', items)}${el('Marker', page.next)}`;
}

function ec2(w: World, action: string, p: URLSearchParams): string {
  if (action !== 'DescribeSecurityGroups') throw new AwsError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
  const page = paginate(w.infra.securityGroups, Number(p.get('MaxResults') ?? 1000), p.get('NextToken') ?? undefined);
  type Rule = { protocol: string; from?: number; to?: number; cidr?: string; cidr6?: string; group?: string; description?: string };
  const perm = (r: Rule) =>
    `<item>${el('ipProtocol', r.protocol)}${el('fromPort', r.from)}${el('toPort', r.to)}` +
    `${list('groups', 'item', r.group ? [`${el('userId', w.account.accountId)}${el('groupId', r.group)}`] : [])}` +
    `${list('ipRanges', 'item', r.cidr ? [`${el('cidrIp', r.cidr)}${el('description', r.description)}`] : [])}` +
    `${list('ipv6Ranges', 'item', r.cidr6 ? [`${el('cidrIpv6', r.cidr6)}${el('description', r.description)}`] : [])}<prefixListIds/></item>`;
  const groups = page.items.map(
    (g) =>
      `${el('ownerId', w.account.accountId)}${el('groupId', g.id)}${el('groupName', g.name)}${el('groupDescription', g.description)}${el('vpcId', 'vpc-0demo0corp0main01')}` +
      `<ipPermissions>${(g.inbound as Rule[]).map(perm).join('')}</ipPermissions><ipPermissionsEgress>${perm({ protocol: '-1', cidr: '0.0.0.0/0' })}</ipPermissionsEgress>` +
      `<tagSet><item>${el('key', 'Name')}${el('value', g.name)}</item></tagSet>`,
  );
  return `${list('securityGroupInfo', 'item', groups)}${el('nextToken', page.next)}`;
}

function lookupEvents(w: World, body: Record<string, unknown>) {
  const end = Math.min(typeof body.EndTime === 'number' ? body.EndTime * 1000 : w.now.getTime(), w.now.getTime());
  const start = Math.max(typeof body.StartTime === 'number' ? body.StartTime * 1000 : 0, w.now.getTime() - EVENT_RETENTION_MS);
  const a = w.account.accountId;
  const events: { time: number; name: string; source: string; user: string; detail: Record<string, unknown> }[] = [];
  w.account.users.forEach((u, i) => {
    const identity = { type: 'IAMUser', principalId: u.userId, arn: u.arn, accountId: a, userName: u.userName };
    const ip = `198.51.100.${10 + i}`;
    if (u.signInMinute !== null) {
      for (const t of signInsBetween(u.signInMinute, Math.max(start, u.created.getTime()), Math.min(end, u.offboardedAt?.getTime() ?? Infinity))) {
        const mfa = u.mfa !== null && u.mfa.enabled.getTime() <= t;
        events.push({ time: t, name: 'ConsoleLogin', source: 'signin.amazonaws.com', user: u.userName, detail: { userIdentity: identity, sourceIPAddress: ip, eventType: 'AwsConsoleSignIn', responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: mfa ? 'Yes' : 'No', LoginTo: 'https://console.aws.amazon.com/console/home' } } });
      }
    }
    for (const k of u.keys(new Date(end))) {
      if (k.created.getTime() < start) continue;
      events.push({ time: k.created.getTime(), name: 'CreateAccessKey', source: 'iam.amazonaws.com', user: u.userName, detail: { userIdentity: identity, sourceIPAddress: ip, eventType: 'AwsApiCall', readOnly: false, requestParameters: { userName: u.userName }, responseElements: { accessKey: { accessKeyId: k.id, status: 'Active', userName: u.userName, createDate: k.created.toISOString() } } } });
    }
    // Offboarding: the password deleted, then the key deactivated, by the IT admin.
    const off = u.offboardedAt?.getTime();
    const key = u.key(new Date(end));
    if (off !== undefined && key) {
      const admin = { type: 'IAMUser', principalId: 'AIDADEMOITADMIN0001', arn: `arn:aws:iam::${a}:user/it-admin`, accountId: a, userName: 'it-admin' };
      const call = { sourceIPAddress: '198.51.100.200', eventType: 'AwsApiCall', readOnly: false, responseElements: null };
      if (off >= start && off <= end) events.push({ time: off, name: 'DeleteLoginProfile', source: 'iam.amazonaws.com', user: 'it-admin', detail: { userIdentity: admin, ...call, requestParameters: { userName: u.userName } } });
      if (off + 60_000 >= start && off + 60_000 <= end) {
        events.push({ time: off + 60_000, name: 'UpdateAccessKey', source: 'iam.amazonaws.com', user: 'it-admin', detail: { userIdentity: admin, ...call, requestParameters: { userName: u.userName, accessKeyId: key.id, status: 'Inactive' } } });
      }
    }
  });
  events.sort((x, y) => y.time - x.time || x.user.localeCompare(y.user));
  const page = paginate(events, Math.min(Number(body.MaxResults ?? 50), 50), typeof body.NextToken === 'string' ? body.NextToken : undefined);
  return {
    Events: page.items.map((e) => {
      const id = uuidOf(`${e.name}/${e.user}/${e.time}`);
      const detail = { eventVersion: '1.08', eventTime: new Date(e.time).toISOString().replace('.000Z', 'Z'), eventSource: e.source, eventName: e.name, awsRegion: REGION, userAgent: 'Mozilla/5.0', eventID: id, recipientAccountId: a, ...e.detail };
      return { EventId: id, EventName: e.name, ReadOnly: 'false', EventTime: e.time / 1000, EventSource: e.source, Username: e.user, Resources: e.name === 'CreateAccessKey' ? [{ ResourceType: 'AWS::IAM::AccessKey', ResourceName: (e.detail.responseElements as { accessKey: { accessKeyId: string } }).accessKey.accessKeyId }] : [], CloudTrailEvent: JSON.stringify(detail) };
    }),
    ...(page.next ? { NextToken: page.next } : {}),
  };
}

function cloudtrail(w: World, op: string, body: Record<string, unknown>): unknown {
  const trail = (name: unknown) => {
    const t = w.infra.trails.find((x) => x.arn === name || x.name === name);
    if (!t) throw new AwsError(400, 'TrailNotFoundException', `Unknown trail: ${String(name)} for the user: ${w.account.accountId}`);
    return t;
  };
  switch (op) {
    case 'DescribeTrails':
      return {
        trailList: w.infra.trails.map((t) => ({
          Name: t.name,
          TrailARN: t.arn,
          S3BucketName: t.bucket,
          S3KeyPrefix: t.prefix,
          IncludeGlobalServiceEvents: t.multiRegion,
          IsMultiRegionTrail: t.multiRegion,
          HomeRegion: REGION,
          LogFileValidationEnabled: t.validation,
          ...(t.kms ? { KmsKeyId: t.kms } : {}),
          ...(t.logGroup ? { CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${w.account.accountId}:log-group:aws-cloudtrail-logs:*` } : {}),
          HasCustomEventSelectors: false,
          HasInsightSelectors: false,
          IsOrganizationTrail: false,
        })),
      };
    case 'GetTrailStatus':
      trail(body.Name);
      return { IsLogging: true, LatestDeliveryTime: secs(new Date(w.now.getTime() - (w.now.getTime() % 300_000))), StartLoggingTime: secs(new Date(w.account.created.getTime() + DAY_MS)) };
    case 'GetEventSelectors':
      return { TrailARN: trail(body.TrailName).arn, EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }] };
    case 'LookupEvents':
      return lookupEvents(w, body);
    default:
      throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${op}`);
  }
}

function logs(w: World, op: string, body: Record<string, unknown>): unknown {
  if (op !== 'DescribeLogGroups') throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${op}`);
  const limit = body.limit === undefined ? 50 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new AwsError(400, 'InvalidParameterException', 'limit must be between 1 and 50');
  const groups = w.infra.logGroups.filter((g) => g.created <= w.now).sort((x, y) => x.name.localeCompare(y.name));
  const page = paginate(groups, limit, typeof body.nextToken === 'string' ? body.nextToken : undefined);
  return {
    logGroups: page.items.map((g) => ({
      logGroupName: g.name,
      creationTime: g.created.getTime(),
      ...(g.retention !== null ? { retentionInDays: g.retention } : {}),
      metricFilterCount: g.filters,
      // CloudWatch Logs appends ":*" to `arn` (every stream of the group).
      arn: `${g.arn}:*`,
      logGroupArn: g.arn,
      storedBytes: g.bytes,
      ...(g.kms ? { kmsKeyId: g.kms } : {}),
    })),
    ...(page.next ? { nextToken: page.next } : {}),
  };
}

function s3(w: World, bucket: string | undefined, q: URLSearchParams): string {
  const body = (root: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${ns.s3}">${inner}</${root}>`;
  const buckets = w.infra.buckets.filter((b) => b.created <= w.now);
  if (!bucket) {
    const page = paginate(buckets, Number(q.get('max-buckets') ?? 1000), q.get('continuation-token') ?? undefined);
    const items = page.items.map((b) => `${el('Name', b.name)}${el('CreationDate', b.created)}${el('BucketRegion', REGION)}`);
    return body('ListAllMyBucketsResult', `<Owner>${el('ID', uuidOf('owner').replace(/-/g, ''))}</Owner>${list('Buckets', 'Bucket', items)}${el('ContinuationToken', page.next)}`);
  }
  const b = buckets.find((x) => x.name === bucket);
  if (!b) throw new AwsError(404, 'NoSuchBucket', 'The specified bucket does not exist');
  if (q.has('encryption')) {
    const e = b.encryption;
    return body('ServerSideEncryptionConfiguration', `<Rule><ApplyServerSideEncryptionByDefault>${el('SSEAlgorithm', e.algorithm)}${el('KMSMasterKeyID', e.kms)}</ApplyServerSideEncryptionByDefault>${el('BucketKeyEnabled', e.kms !== null)}</Rule>`);
  }
  if (q.has('publicAccessBlock')) {
    if (!b.publicAccessBlock) throw new AwsError(404, 'NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found');
    return body('PublicAccessBlockConfiguration', ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'].map((k) => el(k, true)).join(''));
  }
  if (q.has('versioning')) return body('VersioningConfiguration', el('Status', b.versioning));
  if (q.has('lifecycle')) {
    if (b.expireDays === null) throw new AwsError(404, 'NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist');
    return body('LifecycleConfiguration', `<Rule>${el('ID', 'expire')}<Filter/>${el('Status', 'Enabled')}<Expiration>${el('Days', b.expireDays)}</Expiration></Rule>`);
  }
  throw new AwsError(501, 'NotImplemented', 'The demo does not implement this bucket operation');
}

function backupJobs(w: World, q: URLSearchParams) {
  const after = Date.parse(q.get('completeAfter') ?? '') || w.now.getTime() - EVENT_RETENTION_MS;
  const before = Math.min(Date.parse(q.get('completeBefore') ?? '') || Infinity, w.now.getTime());
  const jobs: Record<string, unknown>[] = [];
  for (const d of w.infra.databases.filter((x) => x.backupPlan)) {
    for (let day = Math.floor(Math.max(after, d.created.getTime()) / DAY_MS) * DAY_MS; day <= before; day += DAY_MS) {
      const created = day + 5 * 3_600_000;
      const done = created + 25 * 60_000;
      if (done <= after || done > before) continue;
      const id = uuidOf(`backup/${d.id}/${day}`);
      // The occasional failure: the analytics database's job nine days before the anchor fails
      // (a snapshot quota), and the next night's job succeeds — evidence, not a finding.
      const failed = d.id === 'analytics-db' && day === Math.floor(w.account.anchor.getTime() / DAY_MS) * DAY_MS - 9 * DAY_MS;
      jobs.push({
        AccountId: w.account.accountId,
        BackupJobId: id,
        BackupVaultName: 'demo-corp-vault',
        RecoveryPointArn: `arn:aws:rds:${REGION}:${w.account.accountId}:snapshot:awsbackup:job-${id}`,
        ResourceArn: d.arn,
        ResourceType: 'RDS',
        CreationDate: created / 1000,
        CompletionDate: done / 1000,
        State: failed ? 'FAILED' : 'COMPLETED',
        ...(failed ? { StatusMessage: 'Snapshot quota exceeded for DB instance analytics-db' } : {}),
        BackupSizeInBytes: failed ? 0 : 5_368_709_120,
        CreatedBy: { BackupPlanId: uuidOf('backup-plan/daily') },
      });
    }
  }
  const page = paginate(jobs, Number(q.get('maxResults') ?? 1000), q.get('nextToken') ?? undefined);
  return { BackupJobs: page.items, ...(page.next ? { NextToken: page.next } : {}) };
}

export function awsApp(org: DemoOrg, clock: Clock): Hono {
  const account = demoAwsAccount(org);
  const infra = demoInfrastructure(account);
  const world = (): World => ({ account, infra, now: clock.now() });
  const app = new Hono();
  const handle = async (c: Context, service: string, run: () => Promise<{ body: string; type: string }>) => {
    try {
      checkSignature(c, service);
      const r = await run();
      return c.body(r.body, 200, { 'content-type': r.type });
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      const r = errorBody(service, e);
      return c.body(r.body, e.status as 400, { 'content-type': r.type });
    }
  };
  const query = (service: 'iam' | 'sts' | 'rds' | 'ec2') => async (c: Context) =>
    handle(c, service, async () => {
      const p = new URLSearchParams(await c.req.text());
      const action = p.get('Action') ?? '';
      const w = world();
      if (service === 'ec2') return { body: `<${action}Response xmlns="${ns.ec2}"><requestId>${uuidOf(action + w.now.getTime())}</requestId>${ec2(w, action, p)}</${action}Response>`, type: 'text/xml;charset=UTF-8' };
      const result = service === 'iam' ? iam(w, action, p) : service === 'rds' ? rds(w, action, p) : sts(w, action);
      return { body: `<${action}Response xmlns="${ns[service]}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${uuidOf(action)}</RequestId></ResponseMetadata></${action}Response>`, type: 'text/xml' };
    });
  for (const s of ['iam', 'sts', 'rds', 'ec2'] as const) app.post(`/${s}/`, query(s));
  app.post('/cloudtrail/', (c) =>
    handle(c, 'cloudtrail', async () => {
      const target = c.req.header('x-amz-target') ?? '';
      const text = await c.req.text();
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      return { body: JSON.stringify(cloudtrail(world(), target.slice(target.lastIndexOf('.') + 1), body)), type: 'application/x-amz-json-1.1' };
    }),
  );
  app.post('/logs/', (c) =>
    handle(c, 'logs', async () => {
      const target = c.req.header('x-amz-target') ?? '';
      const text = await c.req.text();
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      return { body: JSON.stringify(logs(world(), target.slice(target.lastIndexOf('.') + 1), body)), type: 'application/x-amz-json-1.1' };
    }),
  );
  app.get('/s3/', (c) => handle(c, 's3', async () => ({ body: s3(world(), undefined, new URL(c.req.url).searchParams), type: 'application/xml' })));
  app.get('/s3/:bucket/', (c) => handle(c, 's3', async () => ({ body: s3(world(), c.req.param('bucket'), new URL(c.req.url).searchParams), type: 'application/xml' })));
  app.get('/backup/backup-jobs', (c) => handle(c, 'backup', async () => ({ body: JSON.stringify(backupJobs(world(), new URL(c.req.url).searchParams)), type: 'application/json' })));
  return app;
}

export const awsProvider: DemoProvider = {
  name: 'aws',
  app: awsApp,
  source: (baseUrl) => ({
    name: 'aws',
    type: 'aws',
    schedule: 'PT1H',
    config: {
      region: REGION,
      accessKeyId: DEMO_AWS_ACCESS_KEY_ID,
      secretAccessKey: DEMO_AWS_SECRET_ACCESS_KEY,
      endpoints: Object.fromEntries(['iam', 'sts', 's3', 'ec2', 'rds', 'cloudtrail', 'backup', 'logs'].map((s) => [s, `${baseUrl}/${s}`])),
      lookbackDays: 30,
    },
  }),
};
