import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../lib/errors.ts';
import { createRunContext, readEvents, readResource, type Row } from '../sdk/index.ts';
import { createTestTime, describeConnectorContract, startFixtureServer, type FixtureRoute } from '../sdk/testing/index.ts';
import { fixturesDir, routes, testConfig } from './__fixtures__/routes.ts';
import { acmePeople } from './index.ts';

// Acme People wraps errors as { error: { code, message } }.
const errorBody = (message: string) => ({ error: { code: 'request_failed', message } });

describeConnectorContract(acmePeople, { config: testConfig, routes, fixturesDir, errorBody });

async function withServer<T>(serverRoutes: FixtureRoute[], run: (url: string, requests: () => readonly { target: string; headers: Record<string, string>; query: Record<string, string> }[]) => Promise<T>) {
  const server = await startFixtureServer(serverRoutes, { fixturesDir });
  try {
    const result = await run(server.url, () => server.requests);
    server.assertNoUnexpected();
    return result;
  } finally {
    await server.close();
  }
}

describe('acme-people', () => {
  it('sends the token as a bearer token on every request', async () => {
    await withServer(routes, async (url, requests) => {
      const ctx = createRunContext({ connector: acmePeople, config: testConfig(url) });
      await readResource(ctx, acmePeople.resources[0]!, () => {});
      expect(requests().length).toBe(2);
      for (const r of requests()) expect(r.headers.authorization).toBe('Bearer acme-test-token-5f2c9a1e7d');
    });
  });

  it('collects users across both Link-header pages, mapped to the row schema', async () => {
    await withServer(routes, async (url) => {
      const ctx = createRunContext({ connector: acmePeople, config: testConfig(url) });
      const rows: Row[] = [];
      const outcome = await readResource(ctx, acmePeople.resources[0]!, (page) => void rows.push(...page));
      expect(outcome).toEqual({ status: 'complete', rows: 3, pages: 2 });
      expect(rows.map((r) => r.id)).toEqual(['usr_01', 'usr_02', 'usr_03']);
      expect(rows[1]).toEqual({
        id: 'usr_02',
        email: 'sam.okafor@example.com',
        name: 'Sam Okafor',
        status: 'active',
        role: 'member',
        mfaEnrolled: false,
        createdAt: '2024-02-19T08:00:00Z',
        lastLoginAt: null,
      });
    });
  });

  it('asks for audit events since the lookback window on the first run, then resumes from the stored cursor', async () => {
    const time = createTestTime('2026-01-01T00:00:00.000Z');
    await withServer(routes, async (url, requests) => {
      const ctx = createRunContext({ connector: acmePeople, config: { ...testConfig(url), auditLookbackDays: 30 }, clock: time.clock });
      const cursors: (string | null)[] = [];
      const outcome = await readEvents(ctx, acmePeople.events[0]!, null, (page) => void cursors.push(page.cursor));
      expect(requests()[0]!.query).toEqual({ since: '2025-12-02T00:00:00.000Z', limit: '100' });
      expect(cursors).toEqual(['ZXZ0XzEwMDI', 'ZXZ0XzEwMDM']);
      expect(outcome).toMatchObject({ status: 'complete', rows: 3, cursor: 'ZXZ0XzEwMDM' });
    });
    const resume: FixtureRoute[] = [
      { path: '/v1/audit-events', query: { cursor: 'ZXZ0XzEwMDM', limit: '100' }, reply: { body: { events: [], next_cursor: 'ZXZ0XzEwMDM', has_more: false } } },
    ];
    await withServer(resume, async (url, requests) => {
      const ctx = createRunContext({ connector: acmePeople, config: testConfig(url), clock: time.clock });
      const outcome = await readEvents(ctx, acmePeople.events[0]!, 'ZXZ0XzEwMDM', () => {});
      expect(requests().map((r) => r.target)).toEqual(['/v1/audit-events?cursor=ZXZ0XzEwMDM&limit=100']);
      expect(outcome).toMatchObject({ status: 'complete', rows: 0, cursor: 'ZXZ0XzEwMDM' });
    });
  });

  it('records the audit log as not applicable when the plan lacks it, instead of failing', async () => {
    const noAudit: FixtureRoute[] = [
      { path: '/v1/audit-events', reply: { status: 402, body: { error: { code: 'plan_upgrade_required', message: 'Audit events need the Business plan' } } } },
    ];
    await withServer(noAudit, async (url) => {
      const ctx = createRunContext({ connector: acmePeople, config: testConfig(url) });
      const outcome = await readEvents(ctx, acmePeople.events[0]!, null, () => {});
      expect(outcome.status).toBe('not_applicable');
      expect(ctx.gaps()).toEqual([
        expect.objectContaining({
          kind: 'not_applicable',
          what: 'audit-events',
          message: 'the audit log is not part of this Acme People plan (the provider said: Audit events need the Business plan)',
        }),
      ]);
    });
  });

  it('fails (not "not applicable") on a 402 with another code', async () => {
    const other: FixtureRoute[] = [{ path: '/v1/audit-events', reply: { status: 402, body: { error: { code: 'payment_overdue', message: 'Invoice overdue' } } } }];
    await withServer(other, async (url) => {
      const ctx = createRunContext({ connector: acmePeople, config: testConfig(url) });
      const error = await readEvents(ctx, acmePeople.events[0]!, null, () => {}).catch((e: unknown) => e);
      expect(isVigilError(error) && error._tag).toBe('ProviderError');
      expect((error as Error).message).toContain('Invoice overdue');
      expect(ctx.gaps()).toEqual([]);
    });
  });

  it('refuses a config that sends the token over plain http to a non-loopback host', () => {
    const error = (() => {
      try {
        createRunContext({ connector: acmePeople, config: { baseUrl: 'http://people.internal.example', token: 't0k3n-abcdef' } });
      } catch (e) {
        return e;
      }
    })();
    expect(isVigilError(error) && error._tag).toBe('InvalidConfig');
    expect((error as Error).message).toContain('people.internal.example');
    expect(() =>
      createRunContext({ connector: acmePeople, config: { baseUrl: 'http://people.internal.example', allowInsecureHttp: true, token: 't0k3n-abcdef' } }),
    ).not.toThrow();
  });
});
