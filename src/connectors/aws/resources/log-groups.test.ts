/**
 * CloudWatch Logs groups over the JSON 1.1 wire protocol (X-Amz-Target
 * Logs_20140328.DescribeLogGroups): both pages collected, never-expiring groups as null retention,
 * AccessDeniedException as a missing permission, throttling retried, malformed answers refused.
 */
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../../lib/errors.ts';
import { read, withAws } from '../__fixtures__/collect.ts';
import type { AwsExchange } from '../__fixtures__/aws-fixture-server.ts';
import { denied, jsonError } from '../__fixtures__/errors.ts';
import { exchanges } from '../__fixtures__/exchanges.ts';

const withFirst = (...replies: AwsExchange['reply'][]): AwsExchange[] => {
  const [first, ...rest] = exchanges['log-groups']!;
  return [{ ...first!, reply: replies.flat() }, ...rest];
};

describe('aws: CloudWatch Logs groups', () => {
  it('follows nextToken to the second page and reads each group with its retention (none = never expires)', async () => {
    await withAws(exchanges['log-groups']!, async ({ ctx, server }) => {
      const out = await read(ctx, 'log-groups');
      expect(out.status).toBe('complete');
      expect(out.rows).toEqual([
        {
          arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-function',
          logGroupName: '/aws/lambda/my-function',
          region: 'us-east-1',
          retentionInDays: 14,
          creationTime: '2015-06-01T20:11:40.783Z',
          storedBytes: 0,
          kmsKeyId: null,
          metricFilterCount: 0,
        },
        expect.objectContaining({ logGroupName: 'CloudTrail/DefaultLogGroup', retentionInDays: 400, kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }),
        expect.objectContaining({ arn: 'arn:aws:logs:us-east-1:123456789012:log-group:my-logs', logGroupName: 'my-logs', retentionInDays: null }),
      ]);
      server.verify();
      expect(server.requests.map((r) => r.headers['x-amz-target'])).toEqual(['Logs_20140328.DescribeLogGroups', 'Logs_20140328.DescribeLogGroups']);
    });
  });

  it('reads every listed region', async () => {
    const ex = exchanges['log-groups']!;
    await withAws(
      [...ex, ...ex],
      async ({ ctx, server }) => {
        const out = await read(ctx, 'log-groups');
        expect(out.rows.map((r) => r.region)).toEqual(['us-east-1', 'us-east-1', 'us-east-1', 'eu-west-1', 'eu-west-1', 'eu-west-1']);
        server.verify();
      },
      { regions: ['us-east-1', 'eu-west-1'] },
    );
  });

  it('records AccessDeniedException as a missing permission, not a failure', async () => {
    await withAws(withFirst(jsonError(400, 'AccessDeniedException', denied('logs:DescribeLogGroups'))), async ({ ctx }) => {
      const out = await read(ctx, 'log-groups');
      expect(out).toMatchObject({ status: 'permission_missing', message: denied('logs:DescribeLogGroups') });
      expect(ctx.gaps()).toEqual([expect.objectContaining({ kind: 'permission_missing', what: 'log-groups' })]);
    });
  });

  it('waits as Retry-After asks on a 429 ThrottlingException and then collects both pages', async () => {
    const throttled = { ...jsonError(429, 'ThrottlingException', 'Rate exceeded'), headers: { 'retry-after': '1' } };
    await withAws(withFirst(throttled, { file: 'logs.DescribeLogGroups.page1.json' }), async ({ ctx, server, logs }) => {
      const started = Date.now();
      const out = await read(ctx, 'log-groups');
      expect(out.count).toBe(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(logs.some((l) => /CloudWatch Logs us-east-1/.test(l.message))).toBe(true);
      server.verify();
    });
  });

  it('fails with AuthFailed on an expired token', async () => {
    await withAws(withFirst(jsonError(400, 'ExpiredTokenException', 'The security token included in the request is expired')), async ({ ctx }) => {
      const e = await read(ctx, 'log-groups').catch((x: unknown) => x);
      expect(isVigilError(e) && e._tag).toBe('AuthFailed');
    });
  });

  it('reports malformed JSON as a ProviderError naming CloudWatch Logs DescribeLogGroups', async () => {
    await withAws(withFirst({ body: '{"logGroups": [{"logGroupName": ' }), async ({ ctx }) => {
      const e = await read(ctx, 'log-groups').catch((x: unknown) => x);
      expect(isVigilError(e) && e._tag).toBe('ProviderError');
      expect((e as Error).message).toContain('CloudWatch Logs DescribeLogGroups');
    });
  });
});
