import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer, UNEXPECTED_STATUS, type FixtureServer } from './fixture-server.ts';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startFixtureServer', () => {
  it('listens on 127.0.0.1 on an ephemeral port and replays a recorded response with its headers', async () => {
    server = await startFixtureServer([
      { path: '/users', reply: { status: 200, headers: { link: '<{{baseUrl}}/users?page=2>; rel="next"' }, body: { self: '{{baseUrl}}/users' } } },
    ]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/users`);
    expect(res.headers.get('link')).toBe(`<${server.url}/users?page=2>; rel="next"`);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ self: `${server.url}/users` });
  });

  it('plays a scripted sequence in order, each reply once, and answers 418 after it (kept as unexpected)', async () => {
    server = await startFixtureServer([{ path: '/x', reply: [{ status: 429, headers: { 'retry-after': '1' } }, { status: 500 }, { raw: '{bad' }] }]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${server.url}/x`)).status);
    expect(statuses).toEqual([429, 500, 200, UNEXPECTED_STATUS]);
    expect(() => server!.verify()).toThrow('unexpected requests to the fixture server:\n  GET /x');
  });

  it('matches method, path and exact query, preferring the route that names the query', async () => {
    server = await startFixtureServer([
      { path: '/items', reply: { body: 'any' }, repeat: true },
      { path: '/items', query: { page: '2' }, reply: { body: 'page 2' } },
      { method: 'POST', path: '/items', reply: { status: 201, body: 'created' } },
    ]);
    const get = async (target: string, init?: RequestInit) => (await fetch(`${server!.url}${target}`, init)).json();
    expect(await get('/items?page=2')).toBe('page 2');
    expect(await get('/items?page=2&extra=1')).toBe('any');
    expect(await get('/items')).toBe('any');
    expect(await get('/items', { method: 'POST', body: '{"a":1}' })).toBe('created');
    expect(server.requests.map((r) => r.route)).toEqual(['GET /items?page=2', 'GET /items', 'GET /items', 'POST /items']);
    expect(server.requests[3]!.body).toBe('{"a":1}');
    server.verify();
  });

  it('tells apart operations posted to one path by form fields (AWS query protocol), exactly and with patterns', async () => {
    server = await startFixtureServer([
      { method: 'POST', path: '/iam/', form: { Action: 'ListUsers', Version: /^\d{4}-\d{2}-\d{2}$/ }, reply: { raw: '<users/>' } },
      { method: 'POST', path: '/iam/', form: { Action: 'ListUsers', Version: /./, Marker: 'm2' }, reply: { raw: '<users page="2"/>' } },
      { method: 'POST', path: '/iam/', form: { Action: 'ListAccessKeys', Version: /./, UserName: 'Bob' }, reply: { raw: '<keys/>' } },
    ]);
    const post = async (body: string) => {
      const res = await fetch(`${server!.url}/iam/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      return [res.status, await res.text()];
    };
    expect(await post('Action=ListAccessKeys&Version=2010-05-08&UserName=Bob')).toEqual([200, '<keys/>']);
    expect(await post('Version=2010-05-08&Marker=m2&Action=ListUsers')).toEqual([200, '<users page="2"/>']);
    // An extra field, a wrong pattern or a repeated field is not the route.
    expect((await post('Action=ListUsers&Version=2010-05-08&MaxItems=10'))[0]).toBe(UNEXPECTED_STATUS);
    expect((await post('Action=ListUsers&Version=latest'))[0]).toBe(UNEXPECTED_STATUS);
    expect((await post('Action=ListUsers&Action=ListUsers&Version=2010-05-08'))[0]).toBe(UNEXPECTED_STATUS);
    expect(await post('Action=ListUsers&Version=2010-05-08')).toEqual([200, '<users/>']);
    expect(server.requests.filter((r) => r.route).map((r) => r.route)).toEqual([
      'POST /iam/ form {Action=ListAccessKeys, Version=/./, UserName=Bob}',
      'POST /iam/ form {Action=ListUsers, Version=/./, Marker=m2}',
      'POST /iam/ form {Action=ListUsers, Version=/^\\d{4}-\\d{2}-\\d{2}$/}',
    ]);
    expect(() => server!.verify()).toThrow(/unexpected requests/);
  });

  it('matches request headers (case-insensitive names) and JSON body fields (AWS JSON 1.1), preferring the route that names more', async () => {
    server = await startFixtureServer([
      { method: 'POST', path: '/ct/', headers: { 'X-Amz-Target': /\.DescribeTrails$/ }, reply: { body: { trailList: [] } } },
      { method: 'POST', path: '/ct/', headers: { 'x-amz-target': /\.GetTrailStatus$/ }, json: { Name: 'Trail1' }, reply: { body: { IsLogging: true } } },
      { method: 'POST', path: '/ct/', headers: { 'x-amz-target': /\.LookupEvents$/ }, json: { MaxResults: '50', StartTime: /^\d+$/ }, reply: { body: { Events: [] } } },
      { method: 'POST', path: '/ct/', reply: { status: 400, body: { any: true } }, repeat: true },
    ]);
    const call = async (target: string, body: unknown) =>
      (await fetch(`${server!.url}/ct/`, { method: 'POST', headers: { 'x-amz-target': `CloudTrail_20131101.${target}` }, body: JSON.stringify(body) })).json();
    expect(await call('GetTrailStatus', { Name: 'Trail1' })).toEqual({ IsLogging: true });
    expect(await call('LookupEvents', { StartTime: 1637366400, MaxResults: 50 })).toEqual({ Events: [] });
    expect(await call('DescribeTrails', {})).toEqual({ trailList: [] });
    // Not named by any specific route: the catch-all answers.
    expect(await call('GetTrailStatus', { Name: 'Trail2' })).toEqual({ any: true });
    server.verify();
  });

  it('lists routes never requested, like pendingMocks', async () => {
    server = await startFixtureServer([
      { name: 'page 1', path: '/p', query: { n: '1' }, reply: { body: [] } },
      { name: 'page 2', path: '/p', query: { n: '2' }, reply: { body: [] } },
    ]);
    await fetch(`${server.url}/p?n=1`);
    expect(server.pending()).toEqual(['GET /p?n=2 (page 2): 1 of 1 replies never requested']);
    expect(() => server!.assertAllCalled()).toThrow(/page 2/);
    expect(() => server!.assertNoUnexpected()).not.toThrow();
  });

  it('records request headers so tests can check what was sent', async () => {
    server = await startFixtureServer([{ path: '/me', reply: { body: {} } }]);
    await fetch(`${server.url}/me?x=1`, { headers: { authorization: 'Bearer abc' } });
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/me', query: { x: '1' }, target: '/me?x=1', headers: { authorization: 'Bearer abc' } });
  });

  it('answers from a function of the request, and after a delay', async () => {
    server = await startFixtureServer([{ path: '/echo', reply: (req) => ({ body: { got: req.query.q }, delayMs: 30 }) }]);
    const started = Date.now();
    expect(await (await fetch(`${server.url}/echo?q=hi`)).json()).toEqual({ got: 'hi' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('serves fixture files, and refuses to start on a missing or broken one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-fixtures-'));
    writeFileSync(join(dir, 'users.json'), '{"users": ["{{baseUrl}}/u/1"]}');
    writeFileSync(join(dir, 'broken.json'), '{"users": [');
    server = await startFixtureServer([{ path: '/users', reply: { fixture: 'users.json' } }], { fixturesDir: dir });
    expect(await (await fetch(`${server.url}/users`)).json()).toEqual({ users: [`${server.url}/u/1`] });
    await expect(startFixtureServer([{ path: '/x', reply: { fixture: 'missing.json' } }], { fixturesDir: dir })).rejects.toThrow(/missing\.json/);
    await expect(startFixtureServer([{ path: '/x', reply: { fixture: 'broken.json' } }], { fixturesDir: dir })).rejects.toThrow(SyntaxError);
  });

  it('closes promptly even with a slow answer pending', async () => {
    const s = await startFixtureServer([{ path: '/slow', reply: { body: {}, delayMs: 10_000 } }]);
    const pending = fetch(`${s.url}/slow`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
