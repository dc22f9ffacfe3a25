/**
 * What each AWS resource and event stream makes of AWS's documented answers: exact rows, the
 * documented "not configured" answers, the credential report's asynchronous generation, and the
 * event cursor.
 */
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../lib/errors.ts';
import { createRunContext } from '../sdk/index.ts';
import { read, withAws } from './__fixtures__/collect.ts';
import { connectionExchange, exchanges } from './__fixtures__/exchanges.ts';
import { aws } from './index.ts';

describe('aws: IAM', () => {
  it('reads the credential report CSV, root included, with "N/A"/"not_supported"/"no_information" as null', async () => {
    await withAws(exchanges['credential-report']!, async ({ ctx }) => {
      const { rows } = await read(ctx, 'credential-report');
      expect(rows.map((r) => r.user)).toEqual(['<root_account>', 'Adele', 'Bob']);
      expect(rows[0]).toEqual({
        arn: 'arn:aws:iam::123456789012:root',
        user: '<root_account>',
        isRoot: true,
        userCreationTime: '2022-04-17T14:59:38.000Z',
        passwordEnabled: null,
        passwordLastUsed: null,
        passwordLastChanged: null,
        passwordNextRotation: null,
        mfaActive: false,
        accessKey1Active: true,
        accessKey1LastRotated: null,
        accessKey1LastUsedDate: null,
        accessKey1LastUsedRegion: null,
        accessKey1LastUsedService: null,
        accessKey2Active: false,
        accessKey2LastRotated: null,
        accessKey2LastUsedDate: null,
        accessKey2LastUsedRegion: null,
        accessKey2LastUsedService: null,
        cert1Active: false,
        cert1LastRotated: null,
        cert2Active: false,
        cert2LastRotated: null,
        reportGeneratedAt: '2015-06-17T19:11:50.000Z',
      });
      expect(rows[2]).toMatchObject({ user: 'Bob', passwordEnabled: true, mfaActive: true, passwordLastUsed: '2016-09-08T21:47:36.000Z', accessKey1LastUsedService: 's3' });
    });
  });

  it('waits while IAM generates the credential report, then fetches it', async () => {
    const ex = [
      { service: 'iam' as const, operation: 'GenerateCredentialReport', reply: [{ file: 'iam.GenerateCredentialReport.STARTED.xml' }, { file: 'iam.GenerateCredentialReport.COMPLETE.xml' }] },
      exchanges['credential-report']![1]!,
    ];
    await withAws(ex, async ({ ctx, server, logs }) => {
      const out = await read(ctx, 'credential-report');
      expect(out.count).toBe(3);
      server.verify();
      expect(logs.map((l) => l.message)).toContain('IAM is generating the credential report (STARTED); asking again in 0.5 s');
    });
  });

  it('gives up on a report that is not ready within credentialReportWaitSeconds', async () => {
    const ex = [{ service: 'iam' as const, operation: 'GenerateCredentialReport', reply: { file: 'iam.GenerateCredentialReport.STARTED.xml' }, repeat: true }];
    await withAws(
      ex,
      async ({ ctx, server }) => {
        const e = await read(ctx, 'credential-report').catch((x: unknown) => x);
        expect(isVigilError(e) && e._tag).toBe('ProviderError');
        expect((e as Error).message).toBe('IAM did not finish the credential report within 1 s (state STARTED)');
        // 0.5 + 0.5 s of waiting: three requests in all.
        expect(server.requests.length).toBe(3);
      },
      { credentialReportWaitSeconds: 1 },
    );
  });

  it('reads each user\'s tags (every page) and console password, NoSuchEntity as no password', async () => {
    await withAws(exchanges['iam-users']!, async ({ ctx, server }) => {
      const { rows, status } = await read(ctx, 'iam-users');
      server.verify();
      expect(status).toBe('complete');
      expect(rows.map((r) => [r.userName, r.consolePassword, r.tags])).toEqual([
        ['Adele', false, {}],
        ['Bob', true, { Dept: '12345', Team: 'Accounting', email: 'bob@example.com' }],
      ]);
    });
  });

  it('leaves one user\'s tags and password unknown (null) when denied, recording the gaps, and still lists the others', async () => {
    const said = 'User: arn:aws:iam::123456789012:user/Alice is not authorized to perform: iam:ListUserTags';
    const denied = `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${said}</Message></Error><RequestId>x</RequestId></ErrorResponse>`;
    const ex = exchanges['iam-users']!.map((x) =>
      x.params?.UserName === 'Adele' && (x.operation === 'ListUserTags' || x.operation === 'GetLoginProfile') ? { ...x, reply: { status: 403, body: denied } } : x,
    );
    await withAws(ex, async ({ ctx }) => {
      const { rows } = await read(ctx, 'iam-users');
      expect(rows.map((r) => [r.userName, r.consolePassword, r.tags === null])).toEqual([
        ['Adele', null, true],
        ['Bob', true, false],
      ]);
      expect(ctx.gaps().map((g) => [g.what, g.message])).toEqual([
        ['aws.iam-users (console password of Adele)', said],
        ['aws.iam-users (tags of Adele)', said],
      ]);
    });
  });

  it('lists access keys with their last use, and "N/A" as never used', async () => {
    await withAws(exchanges['iam-access-keys']!, async ({ ctx }) => {
      const { rows } = await read(ctx, 'iam-access-keys');
      expect(rows).toEqual([
        {
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          userName: 'Bob',
          status: 'Active',
          createDate: '2013-06-04T18:17:34.000Z',
          lastUsedDate: '2015-03-13T10:45:00.000Z',
          lastUsedService: 's3',
          lastUsedRegion: 'us-west-2',
          lastUseKnown: true,
        },
        {
          accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
          userName: 'Bob',
          status: 'Inactive',
          createDate: '2013-06-06T20:42:26.000Z',
          lastUsedDate: null,
          lastUsedService: null,
          lastUsedRegion: null,
          lastUseKnown: true,
        },
      ]);
    });
  });

  it('types MFA devices from their serial numbers', async () => {
    await withAws(exchanges['iam-mfa-devices']!, async ({ ctx }) => {
      const { rows } = await read(ctx, 'iam-mfa-devices');
      expect(rows.map((r) => [r.userName, r.type])).toEqual([
        ['Bob', 'virtual'],
        ['Bob', 'hardware'],
        ['Bob', 'fido'],
        ['Bob', 'fido'],
      ]);
    });
  });

  it('reads the password policy, and NoSuchEntity as an account without one (a row, not an error)', async () => {
    await withAws([connectionExchange, ...exchanges['password-policy']!], async ({ ctx }) => {
      const { rows } = await read(ctx, 'password-policy');
      expect(rows).toEqual([
        {
          accountId: '123456789012',
          configured: true,
          minimumPasswordLength: 8,
          requireSymbols: true,
          requireNumbers: true,
          requireUppercaseCharacters: false,
          requireLowercaseCharacters: false,
          allowUsersToChangePassword: false,
          expirePasswords: false,
          maxPasswordAge: 90,
          passwordReusePrevention: 12,
          hardExpiry: false,
        },
      ]);
    });
    const none = [connectionExchange, { service: 'iam' as const, operation: 'GetAccountPasswordPolicy', reply: { status: 404, file: 'iam.GetAccountPasswordPolicy.NoSuchEntity.xml' } }];
    await withAws(none, async ({ ctx }) => {
      const out = await read(ctx, 'password-policy');
      expect(out.status).toBe('complete');
      expect(out.rows).toEqual([expect.objectContaining({ accountId: '123456789012', configured: false, minimumPasswordLength: null, passwordReusePrevention: null })]);
      expect(ctx.gaps()).toEqual([]);
    });
  });
});

describe('aws: CloudTrail, S3, EC2, RDS, Backup', () => {
  it('describes trails with status and management-event coverage from basic and advanced selectors', async () => {
    await withAws(exchanges['cloudtrail-trails']!, async ({ ctx }) => {
      const { rows } = await read(ctx, 'cloudtrail-trails');
      expect(rows.map((r) => [r.name, r.isMultiRegion, r.logFileValidation, r.isLogging, r.managementEvents, r.latestDeliveryError])).toEqual([
        ['Trail1', false, false, true, 'all', null],
        ['Trail2', true, true, false, 'write-only', 'AccessDenied'],
      ]);
      expect(rows[0]!.latestDeliveryTime).toBe('2016-01-28T23:02:24.869Z');
    });
  });

  it('reads the documented "not configured" answers of S3 as settings, not failures', async () => {
    await withAws(exchanges['s3-buckets']!, async ({ ctx }) => {
      const { rows } = await read(ctx, 's3-buckets');
      expect(rows[1]).toEqual({
        name: 'amzn-s3-demo-bucket2',
        region: 'us-east-1',
        creationDate: '2019-12-12T08:11:02.000Z',
        encryption: 'not-configured',
        encryptionAlgorithm: null,
        kmsKeyId: null,
        bucketKeyEnabled: null,
        publicAccessBlock: 'not-configured',
        blockPublicAcls: null,
        ignorePublicAcls: null,
        blockPublicPolicy: null,
        restrictPublicBuckets: null,
        versioning: 'never-enabled',
        mfaDelete: null,
        lifecycle: 'not-configured',
        expirationDays: null,
      });
      // The disabled 7-day rule does not count: the logs expire after 400 days.
      expect(rows[2]).toMatchObject({ encryption: 'enabled', encryptionAlgorithm: 'aws:kms', bucketKeyEnabled: true, publicAccessBlock: 'configured', blockPublicPolicy: false, versioning: 'Suspended', lifecycle: 'configured', expirationDays: 400 });
      expect(ctx.gaps()).toEqual([]);
    });
  });

  it('flattens security group rules to one entry per source', async () => {
    await withAws(exchanges['security-groups']!, async ({ ctx }) => {
      const { rows } = await read(ctx, 'security-groups');
      expect(rows[1]).toMatchObject({ groupId: 'sg-1a2b3c4d', region: 'us-east-1', tags: {} });
      expect(rows[1]!.inbound).toEqual([
        { protocol: 'tcp', fromPort: 22, toPort: 22, source: '0.0.0.0/0', sourceKind: 'cidr-ipv4', description: null },
        { protocol: 'tcp', fromPort: 22, toPort: 22, source: '::/0', sourceKind: 'cidr-ipv6', description: 'SSH from anywhere (IPv6)' },
        { protocol: 'tcp', fromPort: 443, toPort: 443, source: 'pl-63a5400a', sourceKind: 'prefix-list', description: 'CloudFront origin-facing' },
      ]);
      expect((rows[0]!.inbound as unknown[])[0]).toEqual({ protocol: '-1', fromPort: null, toPort: null, source: 'sg-903004f8', sourceKind: 'security-group', description: null });
    });
  });

  it('reads RDS encryption and backup retention', async () => {
    await withAws(exchanges['rds-instances']!, async ({ ctx }) => {
      const { rows } = await read(ctx, 'rds-instances');
      expect(rows.map((r) => [r.identifier, r.storageEncrypted, r.backupRetentionPeriod, r.clusterIdentifier])).toEqual([
        ['database-1', true, 7, null],
        ['aurora-reporting-instance-1', false, 1, 'aurora-reporting'],
      ]);
    });
  });

  it('keeps only finished backup jobs, with their outcome', async () => {
    await withAws(exchanges['backup-jobs']!, async ({ ctx }) => {
      const { rows } = await read(ctx, 'backup-jobs');
      expect(rows.map((r) => [r.backupJobId, r.state, r.completedAt, r.statusMessage])).toEqual([
        ['2d5c3a2e-0b9f-4f33-a3b6-0a1b2c3d4e5f', 'COMPLETED', '2021-11-18T03:00:00.500Z', null],
        ['7f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f', 'FAILED', '2021-11-18T02:30:00.000Z', 'The volume vol-0123456789abcdef0 does not exist.'],
      ]);
    });
  });
});

describe('aws: CloudTrail events and the cursor', () => {
  it('reads events from lookbackDays back on the first run and moves the cursor only after the last page', async () => {
    await withAws(exchanges['cloudtrail-events']!, async ({ ctx, server }) => {
      const out = await read(ctx, 'cloudtrail-events');
      expect(out.cursors).toEqual([null, '2021-11-20T00:00:00.000Z']);
      const first = server.requests[0]!.params;
      expect([first.StartTime, first.EndTime]).toEqual([String(Date.parse('2021-11-13T00:00:00Z') / 1000), String(Date.parse('2021-11-20T00:00:00Z') / 1000)]);
      expect(out.rows[0]).toMatchObject({
        eventId: '654ccbc0-ba0d-486a-9076-dbf7274677a7',
        eventTime: '2021-11-18T17:41:02.000Z',
        eventName: 'ConsoleLogin',
        eventSource: 'signin.amazonaws.com',
        userIdentityType: 'AssumedRole',
        sourceIpAddress: '72.21.198.70',
        mfaUsed: false,
        errorCode: null,
      });
      expect(out.rows[1]).toMatchObject({ userIdentityType: 'Root', errorCode: 'LimitExceededException', resources: [{ type: 'AWS::IAM::User', name: 'Bob' }] });
    });
  });

  it('resumes 20 minutes before the stored cursor, so late-delivered events are not missed', async () => {
    const ex = [{ service: 'cloudtrail' as const, operation: 'LookupEvents', params: { StartTime: '*', EndTime: '*', MaxResults: '50' }, reply: { body: '{"Events":[]}' } }];
    await withAws(ex, async ({ ctx, server }) => {
      const out = await read(ctx, 'cloudtrail-events', '2021-11-19T12:00:00.000Z');
      expect(server.requests[0]!.params.StartTime).toBe(String(Date.parse('2021-11-19T11:40:00Z') / 1000));
      expect(out).toMatchObject({ status: 'complete', count: 0, cursor: '2021-11-20T00:00:00.000Z' });
    });
  });
});

describe('aws: config', () => {
  const attempt = (config: Record<string, unknown>) => {
    try {
      createRunContext({ connector: aws, config });
      return undefined;
    } catch (e) {
      return e as Error;
    }
  };

  it('refuses plain http to a non-loopback endpoint unless allowInsecureHttp is set', () => {
    expect(attempt({ endpoints: { iam: 'http://iam.internal.example' } })?.message).toContain('plain http to iam.internal.example is refused');
    expect(attempt({ endpoints: { iam: 'http://iam.internal.example' }, allowInsecureHttp: true })).toBeUndefined();
  });

  it('needs the access key id and secret together, and never echoes the secret', () => {
    const e = attempt({ secretAccessKey: 'only-the-secret-0123456789' });
    expect(e?.message).toContain('accessKeyId: give accessKeyId and secretAccessKey together');
    expect(JSON.stringify(e)).not.toContain('only-the-secret-0123456789');
  });
});
