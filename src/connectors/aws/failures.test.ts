/**
 * How the AWS connector fails, at the HTTP level with each service's real error format: throttling
 * is retried by the SDK and then succeeds, AccessDenied is a recorded missing permission while the
 * collection goes on, expired or invalid credentials are AuthFailed, unusable answers are
 * ProviderError, and no secret reaches any output whatever fails.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../lib/errors.ts';
import { createRunContext, runTestConnection, type EngineRunContext, type LogEntry } from '../sdk/index.ts';
import { startFixtureServer } from '../sdk/testing/index.ts';
import type { AwsExchange } from './__fixtures__/aws-fixture-server.ts';
import { connection, read, withAws } from './__fixtures__/collect.ts';
import { denied, ec2Error, jsonError, queryError, s3Error, stsError } from './__fixtures__/errors.ts';
import { connectionExchange, exchanges, testConfig, testSecrets } from './__fixtures__/exchanges.ts';
import { aws } from './index.ts';

const fail = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
};

/** The exchanges of one listing with the first reply of its first exchange replaced. */
const withFirst = (name: string, ...replies: AwsExchange['reply'][]): AwsExchange[] => {
  const [first, ...rest] = exchanges[name]!;
  return [{ ...first!, reply: replies.flat() }, ...rest];
};

describe('aws: throttling', () => {
  it('retries an IAM Throttling answer (400, query protocol) and then collects every user', async () => {
    const ex = withFirst('iam-users', queryError(400, 'Throttling', 'Rate exceeded'), { file: 'iam.ListUsers.page1.xml' });
    await withAws(ex, async ({ ctx, server, logs }) => {
      const out = await read(ctx, 'iam-users');
      expect(out.status).toBe('complete');
      expect(out.rows.map((r) => r.userName)).toEqual(['Adele', 'Bob']);
      server.verify();
      expect(server.requests.filter((r) => r.operation === 'ListUsers').length).toBe(3);
      expect(logs.some((l) => l.level === 'warn' && /IAM: throttled; retrying in .* s \(attempt 2 of 3\)/.test(l.message))).toBe(true);
    });
  });

  it('waits as Retry-After asks on a 429, retries a CloudTrail ThrottlingException (JSON 1.1), and then succeeds', async () => {
    const ex = withFirst(
      'cloudtrail-trails',
      { status: 429, body: '{"message":"Too Many Requests"}', headers: { 'retry-after': '1' } },
      jsonError(400, 'ThrottlingException', 'Rate exceeded'),
      { file: 'cloudtrail.DescribeTrails.json' },
    );
    await withAws(ex, async ({ ctx, server, logs }) => {
      const started = Date.now();
      const out = await read(ctx, 'cloudtrail-trails');
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(out.status).toBe('complete');
      expect(out.rows.map((r) => r.name)).toEqual(['Trail1', 'Trail2']);
      server.verify();
      const waits = logs.filter((l) => l.level === 'warn').map((l) => l.message);
      // The wait shown is what is left of the Retry-After when the SDK hands the answer over, to a
      // tenth of a second: under load that can be 0.9 s or less; a backoff alone would be under 0.5 s.
      expect(waits[0]).toMatch(/^CloudTrail us-east-1: throttled; retrying in (1\.0|0\.[6-9]) s \(attempt 2 of 3\)$/);
      expect(waits[1]).toMatch(/^CloudTrail us-east-1: throttled; retrying in 0\.\d s \(attempt 3 of 3\)$/);
    });
  });

  it('does not wait out a Retry-After longer than a minute: RateLimited at once', async () => {
    const ex = withFirst('iam-users', { status: 429, body: '', headers: { 'retry-after': '86400' } });
    await withAws(ex, async ({ ctx, server }) => {
      const started = Date.now();
      const e = await fail(read(ctx, 'iam-users'));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(isVigilError(e) && e._tag).toBe('RateLimited');
      expect(server.requests.length).toBe(1);
    });
  });

  it('gives up with RateLimited when AWS keeps throttling past maxAttempts', async () => {
    const ex: AwsExchange[] = [{ service: 'ec2', operation: 'DescribeSecurityGroups', params: { MaxResults: '1000' }, reply: ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.'), repeat: true }];
    await withAws(ex, async ({ ctx, server }) => {
      const e = await fail(read(ctx, 'security-groups'));
      expect(isVigilError(e) && e._tag).toBe('RateLimited');
      expect((e as Error).message).toContain('EC2 DescribeSecurityGroups');
      expect((e as Error).message).toContain('RequestLimitExceeded');
      expect(server.requests.length).toBe(3);
    });
  });
});

describe('aws: permissions', () => {
  it('records AccessDenied on a listing as a missing permission with the provider message, and the collection goes on', async () => {
    const ex = [...withFirst('iam-users', queryError(403, 'AccessDenied', denied('iam:ListUsers'))), ...exchanges['password-policy']!, connectionExchange];
    await withAws(ex, async ({ ctx, server }) => {
      const users = await read(ctx, 'iam-users');
      expect(users.status).toBe('permission_missing');
      expect(users.message).toBe(denied('iam:ListUsers'));
      const policy = await read(ctx, 'password-policy');
      expect(policy.status).toBe('complete');
      expect(ctx.gaps()).toEqual([expect.objectContaining({ kind: 'permission_missing', what: 'iam-users', message: denied('iam:ListUsers') })]);
      expect(server.requests.filter((r) => r.operation === 'ListUsers').length).toBe(1);
    });
  });

  it('keeps listing buckets when one bucket setting is denied: that setting is unknown and recorded', async () => {
    const ex = exchanges['s3-buckets']!.map((x) =>
      x.operation === 'GET /amzn-s3-demo-bucket2/' && x.params?.encryption === '' ? { ...x, reply: s3Error(403, 'AccessDenied', 'Access Denied') } : x,
    );
    await withAws(ex, async ({ ctx, server }) => {
      const out = await read(ctx, 's3-buckets');
      expect(out.status).toBe('complete');
      expect(out.rows.map((r) => [r.name, r.encryption])).toEqual([
        ['amzn-s3-demo-bucket', 'enabled'],
        ['amzn-s3-demo-bucket2', 'unknown'],
        ['amzn-s3-demo-bucket-logs', 'enabled'],
      ]);
      expect(ctx.gaps()).toEqual([expect.objectContaining({ kind: 'permission_missing', what: 'aws.s3-buckets (encryption of amzn-s3-demo-bucket2)', message: 'Access Denied' })]);
      server.verify();
    });
  });

  it('reads an EC2 UnauthorizedOperation (EC2 error format) as a missing permission', async () => {
    const ex = withFirst('security-groups', ec2Error(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    await withAws(ex, async ({ ctx }) => {
      const out = await read(ctx, 'security-groups');
      expect(out).toMatchObject({ status: 'permission_missing', message: 'You are not authorized to perform this operation.' });
    });
  });
});

describe('aws: credentials', () => {
  for (const [code, message] of [
    ['ExpiredToken', 'The security token included in the request is expired'],
    ['InvalidClientTokenId', 'The security token included in the request is invalid.'],
  ]) {
    it(`fails the connection test with AuthFailed on a 403 ${code}, not a missing permission`, async () => {
      await withAws([{ ...connectionExchange, reply: stsError(403, code!, message!) }], async ({ ctx }) => {
        const e = await fail(connection(ctx));
        expect(isVigilError(e) && e._tag).toBe('AuthFailed');
        expect((e as Error).message).toBe(`STS GetCallerIdentity at ${ctx.config && (ctx.config as { endpoints: { sts: string } }).endpoints.sts}: AWS rejected the credentials (403 ${code}): ${message}`);
        expect((e as { details: Record<string, unknown> }).details).toMatchObject({ providerCode: code, status: 403 });
      });
    });
  }

  it('fails a listing with AuthFailed (not a gap) when the token expires mid-run', async () => {
    await withAws(withFirst('rds-instances', queryError(403, 'ExpiredToken', 'The security token included in the request is expired', 'http://rds.amazonaws.com/doc/2014-10-31/')), async ({ ctx }) => {
      const e = await fail(read(ctx, 'rds-instances'));
      expect(isVigilError(e) && e._tag).toBe('AuthFailed');
      expect(ctx.gaps()).toEqual([]);
    });
  });

  it('takes a bare 401 without an AWS error body as AuthFailed', async () => {
    await withAws([{ ...connectionExchange, reply: { status: 401, body: '' } }], async ({ ctx }) => {
      const e = await fail(connection(ctx));
      expect(isVigilError(e) && e._tag).toBe('AuthFailed');
    });
  });
});

describe('aws: unusable answers', () => {
  it('reports malformed XML as a ProviderError naming the service and operation', async () => {
    await withAws(withFirst('iam-users', { body: '<ListUsersResponse><ListUsersResult><Users><member><UserName>x</UserName></member>' }), async ({ ctx }) => {
      const e = await fail(read(ctx, 'iam-users'));
      expect(isVigilError(e) && e._tag).toBe('ProviderError');
      expect((e as Error).message).toMatch(/^IAM ListUsers at http:\/\/127\.0\.0\.1:\d+\/iam: the answer could not be read as an AWS response \(200\): @aws-sdk XML parse error/);
    });
  });

  it('reports malformed JSON 1.1 as a ProviderError', async () => {
    await withAws(withFirst('cloudtrail-events', { body: '{"Events": [{"EventId": "1"}, ' }), async ({ ctx }) => {
      const e = await fail(read(ctx, 'cloudtrail-events'));
      expect(isVigilError(e) && e._tag).toBe('ProviderError');
      expect((e as Error).message).toContain('CloudTrail LookupEvents');
    });
  });

  it('refuses a 200 HTML page (a proxy or login page) instead of reading it as "no users"', async () => {
    const page = { body: '<html><body><h1>Sign in to the corporate proxy</h1></body></html>', headers: { 'content-type': 'text/html' } };
    await withAws(withFirst('iam-users', page), async ({ ctx }) => {
      const e = await fail(read(ctx, 'iam-users'));
      expect(isVigilError(e) && e._tag).toBe('ProviderError');
      expect((e as Error).message).toMatch(/IAM at http:\/\/127\.0\.0\.1:\d+\/iam: expected XML but got text\/html \(a proxy or login page\?\)/);
    });
  });

  it('keeps the text of a non-AWS error body as the provider message', async () => {
    await withAws(withFirst('iam-users', { status: 403, body: '{"message":"blocked by the egress proxy"}', headers: { 'content-type': 'application/json' } }), async ({ ctx }) => {
      const out = await read(ctx, 'iam-users');
      expect(out).toMatchObject({ status: 'permission_missing', message: '{"message":"blocked by the egress proxy"}' });
    });
  });

  it('stops when AWS hands back the same page token twice', async () => {
    const loop: AwsExchange[] = [
      { service: 'rds', operation: 'DescribeDBInstances', params: { MaxRecords: '100' }, reply: { file: 'rds.DescribeDBInstances.page1.xml' } },
      { service: 'rds', operation: 'DescribeDBInstances', params: { MaxRecords: '100', Marker: 'ZGF0YWJhc2UtMQ' }, reply: { file: 'rds.DescribeDBInstances.page1.xml' } },
    ];
    await withAws(loop, async ({ ctx }) => {
      const e = await fail(read(ctx, 'rds-instances'));
      expect((e as Error).message).toBe('RDS DescribeDBInstances in us-east-1: AWS sent the same page token twice; stopped to avoid a loop');
    });
  });
});

describe('aws: the network', () => {
  it('reports a refused connection as Unreachable', async () => {
    const closed = await startFixtureServer([]);
    await closed.close();
    const ctx = createRunContext({ connector: aws, config: { ...testConfig(closed.url), maxAttempts: 1 } });
    const e = await fail(runTestConnection(ctx));
    expect(isVigilError(e) && e._tag).toBe('Unreachable');
    expect((e as Error).message).toContain('could not reach AWS: connection refused');
  });

  it('gives up on an answer slower than requestTimeoutSeconds with Unreachable', async () => {
    const server = await startFixtureServer([{ method: 'POST', path: '/sts/', reply: { status: 200, body: {}, delayMs: 3000 } }]);
    try {
      const ctx = createRunContext({ connector: aws, config: { ...testConfig(server.url), maxAttempts: 1, requestTimeoutSeconds: 1 } });
      const e = await fail(runTestConnection(ctx));
      expect(isVigilError(e) && e._tag).toBe('Unreachable');
    } finally {
      await server.close();
    }
  });

  it('stops at once when the run is cancelled, with the cancellation as the error', async () => {
    await withAws([connectionExchange], async ({ server }) => {
      const controller = new AbortController();
      const reason = new Error('collection cancelled');
      controller.abort(reason);
      const ctx = createRunContext({ connector: aws, config: testConfig(server.url), signal: controller.signal });
      expect(await fail(runTestConnection(ctx))).toBe(reason);
    });
  });

  it('fails (and the fixture server notices) when it makes a request no exchange expects', async () => {
    await withAws([], async ({ ctx, server }) => {
      await fail(connection(ctx));
      expect(server.unexpected.map((r) => r.operation)).toEqual(['GetCallerIdentity']);
    });
  });
});

describe('aws: secrets', () => {
  const everything = (e: unknown) => [inspect(e, { depth: 12 }), e instanceof Error ? String(e.stack) : '', JSON.stringify(e), isVigilError(e) ? e.oneLine() : ''].join('\n');

  it('never lets the secret key or session token into an error, gap, row or log line, whatever AWS answers', async () => {
    const echo = `${testSecrets.secretAccessKey} ${testSecrets.sessionToken}`;
    const modes: AwsExchange['reply'][] = [
      queryError(403, 'AccessDenied', `denied for ${echo}`),
      queryError(403, 'ExpiredToken', `expired: ${echo}`),
      queryError(500, 'InternalFailure', `boom ${echo}`),
      { status: 403, body: `{"message":"${echo}"}` },
      { status: 200, body: `<ListUsersResponse><oops>${echo}` },
      { status: 302, headers: { location: `http://elsewhere.invalid/?k=${encodeURIComponent(echo)}` } },
    ];
    const printed: string[] = [];
    for (const reply of modes) {
      const ex: AwsExchange[] = [
        { ...connectionExchange, reply, repeat: true },
        { service: 'iam', operation: 'ListUsers', params: { MaxItems: '1000' }, reply, repeat: true },
      ];
      await withAws(
        ex,
        async ({ ctx, logs }: { ctx: EngineRunContext; logs: LogEntry[] }) => {
          for (const run of [() => connection(ctx), () => read(ctx, 'iam-users')]) {
            try {
              printed.push(JSON.stringify(await run()));
            } catch (e) {
              printed.push(everything(e));
            }
          }
          printed.push(JSON.stringify(ctx.gaps()), JSON.stringify(logs));
        },
        { maxAttempts: 2 },
      );
    }
    expect(printed.length).toBe(modes.length * 4);
    for (const secret of Object.values(testSecrets)) {
      const leak = printed.find((p) => p.includes(secret));
      expect(leak === undefined ? 'no leak' : `leaked in: ${leak.slice(0, 300)}`).toBe('no leak');
    }
    // The provider's words are kept, with the secrets taken out.
    expect(printed.some((p) => p.includes('denied for [REDACTED] [REDACTED]'))).toBe(true);
  });
});
