/**
 * The connector contract for AWS, against recorded wire responses. The SDK's contract kit runs in
 * full on the generic fixture server (routes matched by form fields and X-Amz-Target, errors in
 * each service's wire format); throttling is judged as the AWS SDK governs it — retried with the
 * SDK's own backoff, then RateLimited with AWS's message — not by Retry-After. Below it, the exact
 * summary and cursors of the recorded collection through the engine's entry points. Failure modes
 * in detail are in failures.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Gap, Row } from '../sdk/index.ts';
import { alwaysEmptyFields, describeConnectorContract, duplicateKeys, undescribedFields } from '../sdk/testing/index.ts';
import { connection, read, withAws } from './__fixtures__/collect.ts';
import { contractErrorReply, contractRoutes, endpointOf, malformedReply, operationOf, throttlingReply } from './__fixtures__/contract-routes.ts';
import { fullCollection, testConfig } from './__fixtures__/exchanges.ts';
import { aws } from './index.ts';

describeConnectorContract(aws, {
  config: testConfig,
  routes: contractRoutes(fullCollection()),
  singlePage: {
    'credential-report': 'IAM returns the whole report in one answer',
    'password-policy': 'one policy per account',
    'cloudtrail-trails': 'DescribeTrails returns every trail at once; it has no paging',
  },
  errorReply: contractErrorReply,
  throttling: { governedBy: 'sdk', reply: throttlingReply },
  malformed: { reply: malformedReply, names: endpointOf },
  operationOf,
});

interface Report {
  summary: string;
  rows: Map<string, Row[]>;
  cursors: Map<string, (string | null)[]>;
  statuses: Map<string, string>;
  gaps: readonly Gap[];
  verifyError: unknown;
  requests: number;
}

describe('aws: the recorded collection, through the engine', () => {
  let report: Report;
  beforeAll(async () => {
    report = await withAws(fullCollection(), async ({ ctx, server }) => {
      const summary = (await connection(ctx)).summary;
      const rows = new Map<string, Row[]>();
      const cursors = new Map<string, (string | null)[]>();
      const statuses = new Map<string, string>();
      for (const r of [...aws.resources, ...aws.events]) {
        try {
          const out = await read(ctx, r.name);
          rows.set(r.name, out.rows);
          cursors.set(r.name, out.cursors);
          statuses.set(r.name, out.status);
        } catch (e) {
          rows.set(r.name, []);
          cursors.set(r.name, []);
          statuses.set(r.name, `failed: ${(e as Error).message}`);
        }
      }
      let verifyError: unknown;
      try {
        server.verify();
      } catch (e) {
        verifyError = e;
      }
      return { summary, rows, cursors, statuses, gaps: ctx.gaps(), verifyError, requests: server.requests.length };
    });
  });

  it('describes every config, resource and event field', () => {
    const schemas = [aws.configSchema, ...aws.resources.map((r) => r.schema), ...aws.events.map((e) => e.schema)];
    expect(schemas.flatMap((s) => undescribedFields(s))).toEqual([]);
  });

  it('passes its connection test, naming the account and the caller', () => {
    expect(report.summary).toBe('connected to AWS account 123456789012 as arn:aws:iam::123456789012:user/Alice');
  });

  it('collects every resource and event completely, asking for every recorded page (second pages included) and nothing else', () => {
    expect(report.verifyError).toBeUndefined();
    expect(report.gaps).toEqual([]);
    expect(Object.fromEntries(report.statuses)).toEqual(Object.fromEntries([...aws.resources, ...aws.events].map((r) => [r.name, 'complete'])));
  });

  it('yields rows with unique keys, and a cursor on the last page of each event stream', () => {
    for (const r of aws.resources) expect(duplicateKeys(report.rows.get(r.name)!, r.primaryKey), r.name).toEqual([]);
    for (const e of aws.events) {
      expect(duplicateKeys(report.rows.get(e.name)!, e.key), e.name).toEqual([]);
      expect(report.cursors.get(e.name)!.at(-1), e.name).toBe('2021-11-20T00:00:00.000Z');
    }
  });

  it('fills every field in at least one row', () => {
    const empty = [...aws.resources, ...aws.events].flatMap((r) => alwaysEmptyFields(r.schema, report.rows.get(r.name)!).map((f) => `${r.name}.${f}`));
    expect(empty).toEqual([]);
  });
});
