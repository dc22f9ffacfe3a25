/**
 * Sources added through the API: stored with their secrets sealed, merged with vigil.yaml's for
 * every reader, collected by a worker that only has the database (another process), and failing
 * one source — by name, in its health — when the key is missing or wrong.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { configSchema, type VigilConfig } from './config/schema.ts';
import { createMonitor } from './monitor.ts';
import { createSecretBox, secretKeyPath } from './secret-box.ts';
import { createSourceStore, listEffectiveSources, type SourceStore } from './sources.ts';
import { acmePeople } from '../connectors/_template/index.ts';
import { fixturesDir } from '../connectors/_template/__fixtures__/routes.ts';
import { startFixtureServer, type FixtureServer } from '../connectors/sdk/testing/index.ts';
import { resources } from '../db/schema/resources.ts';
import { sourceConfigs } from '../db/schema/source-configs.ts';
import { sources } from '../db/schema/sources.ts';
import { testDbKind } from '../db/testing.ts';
import { createEvidenceFixture, type EvidenceFixture } from '../evidence/testing.ts';
import { createAlerter } from '../notify/index.ts';
import { isVigilError, notFound, type VigilError } from '../lib/errors.ts';

const TOKEN = 'acme-stored-token-7c1d9e02b4';
const quick = { http: { retries: 0, timeoutMs: 2000 } };
const lookup = (type: string) => {
  if (type !== 'acme-people') throw notFound(`no connector "${type}"`);
  return acmePeople;
};

let ev: EvidenceFixture;
let server: FixtureServer;
let dirs: string[] = [];
let config: VigilConfig;

const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vigil-keys-'));
  dirs.push(d);
  return d;
};

/** One process's view: its own key source, the shared database. */
function processWith(secretsFrom: { dataDir: string; env?: NodeJS.ProcessEnv }) {
  const store = createSourceStore({ db: ev.db, clock: ev.clock, secrets: createSecretBox({ env: {}, ...secretsFrom }), lookup });
  const monitor = createMonitor({
    db: ev.db,
    clock: ev.clock,
    evidence: ev.log,
    blobs: ev.blobs,
    alerts: createAlerter({ db: ev.db, clock: ev.clock, config: config.alerts }),
    config,
    checks: [],
    lookup,
    sourceStore: store,
  });
  return { store, monitor };
}

const caught = async (p: Promise<unknown> | (() => unknown)): Promise<VigilError> => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (isVigilError(e)) return e;
    throw e;
  }
  throw new Error('expected a VigilError');
};

beforeEach(async () => {
  ev = await createEvidenceFixture('2026-03-02T09:00:00.000Z');
  server = await startFixtureServer(
    [
      { path: '/v1/users', query: { limit: '200' }, repeat: true, reply: { fixture: 'users.page1.json' } },
      { path: '/v1/groups', query: { page_size: '50' }, repeat: true, reply: { fixture: 'groups.page2.json' } },
      { path: '/v1/audit-events', repeat: true, reply: { fixture: 'audit-events.page2.json' } },
    ],
    { fixturesDir },
  );
  config = configSchema.parse({ sources: [{ name: 'declared', type: 'acme-people', enabled: false, config: { baseUrl: server.url, token: 'yaml-token-0123456789' } }] });
});

afterEach(async () => {
  await server.close();
  await ev.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

async function addPeople(store: SourceStore) {
  return store.add(ev.workspaceId, { name: 'people', type: 'acme-people', schedule: 'PT6H', config: { baseUrl: server.url, token: TOKEN } }, { reserved: ['declared'] });
}

describe(`sources stored through the API (${testDbKind()})`, () => {
  it('keeps each secret sealed at rest, in a key file of mode 0600 created on first need', async () => {
    const dir = dataDir();
    const { store } = processWith({ dataDir: dir });
    expect(() => statSync(secretKeyPath(dir))).toThrow(); // nothing stored yet, no key yet
    await addPeople(store);
    expect(statSync(secretKeyPath(dir)).mode & 0o777).toBe(0o600);
    const [row] = await ev.db.orm.select().from(sourceConfigs).where(eq(sourceConfigs.name, 'people'));
    expect(JSON.stringify(row)).not.toContain(TOKEN);
    expect(row!.config).toMatchObject({ baseUrl: server.url, token: expect.stringMatching(/^vigil-sealed:v1:[0-9a-f]{8}:/) });
    expect((await store.get(ev.workspaceId, 'people'))!.config).toEqual({ baseUrl: server.url, token: TOKEN });
    expect(await store.maskedConfig(ev.workspaceId, 'people')).toEqual({ baseUrl: server.url, token: '[REDACTED]' });
  });

  it('refuses a name vigil.yaml or an earlier call uses, and a config its connector rejects, naming the field', async () => {
    const { store } = processWith({ dataDir: dataDir() });
    await addPeople(store);
    expect((await caught(addPeople(store)))._tag).toBe('Conflict');
    const yaml = await caught(store.add(ev.workspaceId, { name: 'declared', type: 'acme-people', config: {} }, { reserved: ['declared'] }));
    expect([yaml._tag, yaml.message]).toEqual(['Conflict', 'a source named "declared" is declared in vigil.yaml']);
    const bad = await caught(store.add(ev.workspaceId, { name: 'bad', type: 'acme-people', config: { baseUrl: 'not a url', token: TOKEN } }));
    expect([bad._tag, bad.where]).toEqual(['InvalidInput', 'body.config.baseUrl']);
    expect(bad.message).not.toContain(TOKEN);
    const missing = await caught(store.add(ev.workspaceId, { name: 'bad', type: 'acme-people', config: { baseUrl: server.url } }));
    expect(missing.where).toBe('body.config.token');
    const schedule = await caught(store.add(ev.workspaceId, { name: 'bad', type: 'acme-people', schedule: 'every hour', config: { baseUrl: server.url, token: TOKEN } }));
    expect([schedule._tag, schedule.where]).toEqual(['InvalidInput', 'body.schedule']);
    const type = await caught(store.add(ev.workspaceId, { name: 'bad', type: 'nope', config: {} }));
    expect(type.where).toBe('body.type');
  });

  it('keeps a stored secret that a change leaves out or sends masked, and replaces one sent anew', async () => {
    const { store } = processWith({ dataDir: dataDir() });
    await addPeople(store);
    await store.update(ev.workspaceId, 'people', { config: { baseUrl: `${server.url}/` } });
    expect((await store.get(ev.workspaceId, 'people'))!.config).toEqual({ baseUrl: `${server.url}/`, token: TOKEN });
    await store.update(ev.workspaceId, 'people', { config: { baseUrl: server.url, token: '[REDACTED]' }, enabled: false, schedule: '0 * * * *' });
    const after = (await store.get(ev.workspaceId, 'people'))!;
    expect([after.config, after.enabled, after.schedule]).toEqual([{ baseUrl: server.url, token: TOKEN }, false, '0 * * * *']);
    await store.update(ev.workspaceId, 'people', { config: { baseUrl: server.url, token: 'a-new-token-0123456789' } });
    expect((await store.get(ev.workspaceId, 'people'))!.config).toMatchObject({ token: 'a-new-token-0123456789' });
    expect((await caught(store.update(ev.workspaceId, 'nope', { enabled: true })))._tag).toBe('NotFound');
  });

  it('merges vigil.yaml and stored sources, vigil.yaml first and winning a shared name', async () => {
    const { store, monitor } = processWith({ dataDir: dataDir() });
    await addPeople(store);
    // A row with the name vigil.yaml also declares (added before the file declared it) stays hidden.
    await ev.db.orm.insert(sourceConfigs).values({ workspaceId: ev.workspaceId, name: 'declared', type: 'acme-people', config: {} });
    const list = await listEffectiveSources(config, store, ev.workspaceId);
    expect(list.map((s) => [s.name, s.origin])).toEqual([
      ['declared', 'config'],
      ['people', 'api'],
    ]);
    const rows = await monitor.sync(ev.workspaceId);
    expect(rows.map((r) => [r.name, r.enabled, r.schedule])).toEqual([
      ['declared', false, null],
      ['people', true, 'PT6H'],
    ]);
  });

  it('is collected by a worker in another process that reads it from the database at job time', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const api = processWith({ dataDir: dataDir(), env: { VIGIL_SECRET_KEY: key } });
    // The worker started before the source existed, with its own data folder and the shared key.
    const worker = processWith({ dataDir: dataDir(), env: { VIGIL_SECRET_KEY: key } });
    await worker.monitor.sync(ev.workspaceId);
    await addPeople(api.store);
    await api.monitor.sync(ev.workspaceId);
    const { outcomes } = await worker.monitor.collect(ev.workspaceId, 'people', quick);
    expect(outcomes.map((o) => [o.source, o.status])).toEqual([['people', 'ok']]);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const rows = await ev.db.orm.select().from(resources).where(and(eq(resources.workspaceId, ev.workspaceId), eq(resources.source, 'people')));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('fails only that source, by name and in its health, when the key is missing or another one', async () => {
    const api = processWith({ dataDir: dataDir() });
    await addPeople(api.store);
    await api.monitor.sync(ev.workspaceId);

    const keyless = processWith({ dataDir: dataDir() });
    const none = await caught(keyless.store.list(ev.workspaceId).then((l) => l[0]!.config));
    expect([none._tag, none.where]).toEqual(['InvalidConfig', 'source people']);
    const [missing] = (await keyless.monitor.collect(ev.workspaceId, 'people', quick)).outcomes;
    expect(missing).toMatchObject({ status: 'failed', errorTag: 'InvalidConfig' });
    expect(missing!.error).toMatch(/source people: its secrets cannot be decrypted: there is no secret key \(VIGIL_SECRET_KEY is not set/);

    const other = processWith({ dataDir: dataDir(), env: { VIGIL_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') } });
    const [wrong] = (await other.monitor.collect(ev.workspaceId, 'people', quick)).outcomes;
    expect(wrong!.error).toMatch(/source people: its secrets were stored with secret key [0-9a-f]{8}, but this process has key [0-9a-f]{8} \(from VIGIL_SECRET_KEY\)/);
    const [health] = await ev.db.orm.select().from(sources).where(and(eq(sources.workspaceId, ev.workspaceId), eq(sources.name, 'people')));
    expect(health).toMatchObject({ status: 'failing', lastErrorTag: 'InvalidConfig' });
    expect(health!.lastError).toContain('source people');
    expect(server.requests).toHaveLength(0); // no request went out with an empty or wrong secret
  });

  it('says what is wrong with a malformed VIGIL_SECRET_KEY', async () => {
    const box = createSecretBox({ dataDir: dataDir(), env: { VIGIL_SECRET_KEY: 'c2hvcnQ=' } });
    const e = await caught(() => box.seal('x', 'aad'));
    expect([e._tag, e.message]).toEqual(['InvalidConfig', 'VIGIL_SECRET_KEY must be 32 bytes in base64 (it decodes to 5 bytes)']);
  });

  it('refuses a sealed value moved to another source or field', async () => {
    const box = createSecretBox({ dataDir: dataDir() });
    const sealed = box.seal('s3cret', 'ws/source/a/token');
    expect(box.open(sealed, 'ws/source/a/token', 'source a')).toBe('s3cret');
    const e = await caught(() => box.open(sealed, 'ws/source/b/token', 'source b'));
    expect([e._tag, e.where, e.message]).toEqual(['IntegrityError', 'source b', 'a stored secret does not decrypt: it was altered or moved from another record']);
  });

  it('forgets a deleted source and keeps what it collected', async () => {
    const { store, monitor } = processWith({ dataDir: dataDir() });
    await addPeople(store);
    await monitor.sync(ev.workspaceId);
    await monitor.collect(ev.workspaceId, 'people', quick);
    expect(await store.remove(ev.workspaceId, 'people')).toBe(true);
    const rows = await monitor.sync(ev.workspaceId);
    expect(rows.find((r) => r.name === 'people')).toMatchObject({ enabled: false, status: 'ok' });
    const kept = await ev.db.orm.select().from(resources).where(and(eq(resources.workspaceId, ev.workspaceId), eq(resources.source, 'people')));
    expect(kept.length).toBeGreaterThan(0);
    expect((await caught(monitor.collect(ev.workspaceId, 'people', quick)))._tag).toBe('NotFound');
  });
});
