import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isVigilError } from '../../lib/errors.ts';
import { createRunContext } from './context.ts';
import { bearerAuth } from './http/auth.ts';
import { defineConnector, defineEvents, defineResource } from './define.ts';
import { httpFields } from './base-url.ts';
import type { LogEntry } from './log.ts';
import { readEvents, readResource, runTestConnection, type Row } from './run.ts';
import { secret } from './schema-meta.ts';
import { startFixtureServer, type FixtureServer } from './testing/fixture-server.ts';

const token = 'run-test-token-77aa11';
const configSchema = z.object({ ...httpFields(), token: secret('Token.'), pageSize: z.number().default(2).describe('Page size.') });
const row = z.object({ id: z.string().describe('Id.'), n: z.number().describe('A number.') });

let yielded: unknown[] = [];
const things = defineResource({
  name: 'things',
  description: 'Things.',
  schema: row,
  primaryKey: 'id',
  async *list() {
    for (const item of yielded) yield item as z.output<typeof row>;
  },
});
const fromApi = defineResource({
  name: 'from-api',
  description: 'Things from the API.',
  schema: row,
  primaryKey: 'id',
  async *list(ctx) {
    yield await ctx.http.get<z.output<typeof row>[]>('/things');
  },
});
const log = defineEvents({
  name: 'log',
  description: 'Events.',
  schema: z.object({ id: z.string().describe('Id.'), at: z.string().describe('When.') }),
  key: 'id',
  time: 'at',
  async *list(_ctx, cursor) {
    const start = Number(cursor ?? 0);
    yield { rows: [{ id: `e${start + 1}`, at: '2026-01-01T00:00:00Z' }], cursor: String(start + 1) };
    yield { rows: [{ id: `e${start + 2}`, at: start > 5 ? 'not a date' : '2026-01-01T00:01:00Z' }], cursor: String(start + 2) };
  },
});
const connector = defineConnector({
  id: 'run-test',
  title: 'Run test',
  description: 'x',
  configSchema,
  auth: { description: 'x', permissions: [], create: (c) => bearerAuth(c.token) },
  async testConnection(ctx) {
    const me = await ctx.http.get<{ name: string }>('/me');
    if (me.name === 'crash') throw new TypeError(`cannot read ${ctx.config.token}`);
    return { summary: `hello ${me.name}`, details: { echo: me.name } };
  },
  resources: [things, fromApi],
  events: [log],
  notApplicable: [{ status: 402, code: 'plan', reason: 'not on this plan', appliesTo: ['from-api'] }],
});

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  yielded = [];
});

function ctxFor(baseUrl = 'http://127.0.0.1:9', logs: LogEntry[] = []) {
  return createRunContext({ connector, config: { baseUrl, token }, onLog: (e) => logs.push(e), where: 'source demo', http: { retries: 0 } });
}

describe('createRunContext', () => {
  it('validates the config without echoing secrets, naming the source and the fields', () => {
    let error: unknown;
    try {
      createRunContext({ connector, config: { baseUrl: 'nope', token: 12345 }, where: 'source demo' });
    } catch (e) {
      error = e;
    }
    expect(isVigilError(error) && error._tag).toBe('InvalidConfig');
    expect((error as Error).message).toMatch(/^the run-test config is invalid: baseUrl: .+; token: .+/);
    expect((error as { where: string }).where).toBe('source demo');
  });

  it('redacts config secrets from log lines and masks sensitive field names', () => {
    const logs: LogEntry[] = [];
    const ctx = ctxFor(undefined, logs);
    ctx.log.info(`using ${token}`, { authorization: 'Bearer whatever', nested: { note: `t=${token}` }, count: 3 });
    expect(logs).toEqual([
      { level: 'info', message: 'using [REDACTED]', time: expect.any(String), fields: { connector: 'run-test', authorization: '[REDACTED]', nested: { note: 't=[REDACTED]' }, count: 3 } },
    ]);
  });

  it('records gaps for the engine, redacted', () => {
    const ctx = ctxFor();
    ctx.permissionMissing('audit log', `token ${token} lacks read:audit`);
    ctx.notApplicable('sso', 'not on the free plan');
    expect(ctx.gaps().map((g) => [g.kind, g.what, g.message])).toEqual([
      ['permission_missing', 'audit log', 'token [REDACTED] lacks read:audit'],
      ['not_applicable', 'sso', 'not on the free plan'],
    ]);
  });
});

describe('runTestConnection', () => {
  it("returns the connector's summary, redacted", async () => {
    server = await startFixtureServer([{ path: '/me', reply: { body: { name: `svc ${token}` } } }]);
    expect(await runTestConnection(ctxFor(server.url))).toEqual({ summary: 'hello svc [REDACTED]', details: { echo: 'svc [REDACTED]' } });
  });

  it('turns a bug in connector code into an Internal error naming the connector, without the secret', async () => {
    server = await startFixtureServer([{ path: '/me', reply: { body: { name: 'crash' } } }]);
    const e = await runTestConnection(ctxFor(server.url)).catch((x: unknown) => x);
    expect(isVigilError(e) && e._tag).toBe('Internal');
    expect((e as Error).message).toBe('connector run-test failed while testing the connection: cannot read [REDACTED]');
    expect((e as { where: string }).where).toBe('source demo');
  });
});

describe('readResource', () => {
  it('validates rows and hands them over in batches of the page size, passing pages through', async () => {
    yielded = [{ id: 'a', n: 1 }, { id: 'b', n: 2 }, { id: 'c', n: 3 }, [{ id: 'd', n: 4 }], { id: 'e', n: 5 }];
    const batches: Row[][] = [];
    const outcome = await readResource(ctxFor(), things, (rows) => void batches.push(rows), { pageSize: 2 });
    expect(batches.map((b) => b.map((r) => r.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(outcome).toEqual({ status: 'complete', rows: 5, pages: 3 });
  });

  it('fails with a ProviderError naming the row and field when a row does not match its schema', async () => {
    yielded = [{ id: 'a', n: 1 }, { id: 'b', n: 'two' }];
    const e = await readResource(ctxFor(), things, () => {}).catch((x: unknown) => x);
    expect(isVigilError(e) && e._tag).toBe('ProviderError');
    expect((e as Error).message).toMatch(/^things: row 2 does not match the schema: n: /);
  });

  it('records a 403 as a missing permission with the provider message, not a failure', async () => {
    server = await startFixtureServer([{ path: '/things', reply: { status: 403, body: { message: 'needs things:read' } } }]);
    const ctx = ctxFor(server.url);
    expect(await readResource(ctx, fromApi, () => {})).toEqual({ status: 'permission_missing', rows: 0, pages: 0, message: 'needs things:read' });
    expect(ctx.gaps()).toMatchObject([{ kind: 'permission_missing', what: 'from-api', message: 'needs things:read' }]);
  });

  it('applies a not-applicable rule only to the status, code and listing it names', async () => {
    server = await startFixtureServer([
      { path: '/things', reply: [{ status: 402, body: { code: 'plan', message: 'upgrade' } }, { status: 402, body: { code: 'billing', message: 'pay up' } }] },
    ]);
    const ctx = ctxFor(server.url);
    expect(await readResource(ctx, fromApi, () => {})).toMatchObject({ status: 'not_applicable', message: 'not on this plan (the provider said: upgrade)' });
    await expect(readResource(ctx, fromApi, () => {})).rejects.toMatchObject({ _tag: 'ProviderError' });
  });

  it('stops when the run is cancelled', async () => {
    yielded = [{ id: 'a', n: 1 }, { id: 'b', n: 2 }];
    const controller = new AbortController();
    const ctx = createRunContext({ connector, config: { baseUrl: 'http://127.0.0.1:9', token }, signal: controller.signal });
    const seen: Row[] = [];
    const pending = readResource(ctx, things, (rows) => {
      seen.push(...rows);
      controller.abort(new Error('shutting down'));
    }, { pageSize: 1 });
    await expect(pending).rejects.toThrow('shutting down');
    expect(seen).toHaveLength(1);
  });
});

describe('readEvents', () => {
  it('hands over each page with the cursor to store, resuming from a given cursor', async () => {
    const cursors: (string | null)[] = [];
    const outcome = await readEvents(ctxFor(), log, '3', (p) => void cursors.push(p.cursor));
    expect(cursors).toEqual(['4', '5']);
    expect(outcome).toEqual({ status: 'complete', rows: 2, pages: 2, cursor: '5' });
  });

  it('refuses an event without a valid time, after keeping the pages before it', async () => {
    const cursors: (string | null)[] = [];
    const e = await readEvents(ctxFor(), log, '6', (p) => void cursors.push(p.cursor)).catch((x: unknown) => x);
    expect((e as Error).message).toBe('log: event 2 has no valid time in "at"');
    expect(cursors).toEqual(['7']);
  });
});
