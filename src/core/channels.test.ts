/**
 * Alert channels added through the API: stored with their secrets sealed, routed by their own
 * rules beside vigil.yaml's, and delivered by a dispatcher (of any process) that finds them by
 * name — signed with the stored secret.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { alertsSchema } from './config/schema.ts';
import { createChannelStore, type ChannelStore } from './channels.ts';
import { createSecretBox } from './secret-box.ts';
import { alertChannelConfigs } from '../db/schema/alert-channel-configs.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { createTestDb, testDbKind, type TestDb } from '../db/testing.ts';
import { fixedClock } from '../lib/clock.ts';
import { isVigilError, type VigilError } from '../lib/errors.ts';
import { createAlerter, createChannels, createDispatcher, signatureHeader } from '../notify/index.ts';
import { sampleFinding, startReceiver, type Receiver } from '../notify/testing.ts';

const SECRET = 'stored-hmac-secret-0123456789';
const clock = fixedClock('2026-03-02T09:00:00.000Z');
let db: TestDb;
let ws: string;
let dir: string;
let receiver: Receiver;
let store: ChannelStore;

const origin = () => new URL(receiver.url).origin;

const caught = async (p: Promise<unknown>): Promise<VigilError> => {
  try {
    await p;
  } catch (e) {
    if (isVigilError(e)) return e;
    throw e;
  }
  throw new Error('expected a VigilError');
};

beforeEach(async () => {
  db = await createTestDb();
  ws = (await createWorkspaceRepo(db.orm).ensure('acme', 'Acme')).id;
  dir = mkdtempSync(join(tmpdir(), 'vigil-channels-'));
  receiver = await startReceiver();
  store = createChannelStore({ db, clock, secrets: createSecretBox({ dataDir: dir, env: {} }), declared: ['yaml-hook'] });
});
afterEach(async () => {
  await store.close();
  await receiver.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const addHook = () =>
  store.add(ws, { config: { name: 'sec-hook', type: 'webhook', url: `${origin()}/hook?key=url-token-value`, secret: SECRET }, rules: [{ kinds: ['finding.opened'], minSeverity: 'high' }] }, { reserved: ['yaml-hook'] });

describe(`alert channels stored through the API (${testDbKind()})`, () => {
  it('routes by its own rules and is delivered, signed with the stored secret, by a dispatcher that finds it by name', async () => {
    await addHook();
    const [row] = await db.orm.select().from(alertChannelConfigs).where(eq(alertChannelConfigs.name, 'sec-hook'));
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(JSON.stringify(row)).not.toContain('url-token-value');

    const alerts = alertsSchema.parse({ channels: [{ name: 'yaml-hook', type: 'webhook', url: `${origin()}/yaml`, secret: 'yaml-secret-0123456789' }], rules: [{ channel: 'yaml-hook', kinds: ['finding.opened'] }] });
    const alerter = createAlerter({ db, clock, config: alerts, more: store.routing });
    const high = await alerter.raise(ws, { kind: 'finding.opened', payload: sampleFinding({ severity: 'high' }) });
    expect(high.map((d) => d.channel)).toEqual(['yaml-hook', 'sec-hook']);
    const low = await alerter.raise(ws, { kind: 'finding.opened', payload: sampleFinding({ severity: 'low', resource: 'test.users/low' }) });
    expect(low.map((d) => d.channel)).toEqual(['yaml-hook']);

    // Another process: its own store over the same database and key, channels from vigil.yaml only.
    const other = createChannelStore({ db, clock, secrets: createSecretBox({ dataDir: dir, env: {} }) });
    const dispatcher = createDispatcher({ db, clock, workspaceId: ws, channels: createChannels(alerts), findChannel: (name) => other.channel(ws, name) });
    const stats = await dispatcher.runOnce();
    expect(stats).toMatchObject({ sent: [...high, ...low].filter((d) => d.enqueued).length, failed: 0 });
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/hook?key=url-token-value', '/yaml']);
    const hook = receiver.requests.find((r) => r.path === '/hook?key=url-token-value')!;
    const t = Number(/t=(\d+)/.exec(String(hook.headers['vigil-signature']))![1]);
    expect(hook.headers['vigil-signature']).toBe(signatureHeader(SECRET, t, hook.body));
    await other.close();
  });

  it('keeps stored secrets a change leaves out or sends masked, and refuses what vigil.yaml owns or the schema rejects', async () => {
    await addHook();
    await store.update(ws, 'sec-hook', { config: { url: `${origin()}/hook?[REDACTED]`, secret: '[REDACTED]', timeoutMs: 5000 }, rules: [{ kinds: ['source.failing'] }] });
    const opened = await store.open(ws, 'sec-hook');
    expect(opened).toMatchObject({ url: `${origin()}/hook?key=url-token-value`, secret: SECRET, timeoutMs: 5000 });
    expect((await store.get(ws, 'sec-hook'))!.rules).toEqual([{ kinds: ['source.failing'] }]);

    expect((await caught(addHook()))._tag).toBe('Conflict');
    const yaml = await caught(store.add(ws, { config: { name: 'yaml-hook', type: 'slack', url: 'https://hooks.slack.com/x' }, rules: [] }, { reserved: ['yaml-hook'] }));
    expect(yaml._tag).toBe('Conflict');
    const short = await caught(store.add(ws, { config: { name: 'weak', type: 'webhook', url: 'https://example.com/h', secret: 'short' }, rules: [] }));
    expect([short._tag, short.where]).toEqual(['InvalidInput', 'body.config.secret']);
    expect(short.message).not.toContain('"short"');
    const mail = await caught(store.add(ws, { config: { name: 'mail', type: 'email', from: 'vigil@example.com', smtp: { host: 'smtp.example.com' } }, rules: [] }));
    expect(mail.where).toBe('body.config.to');
    const type = await caught(store.update(ws, 'sec-hook', { config: { type: 'slack', url: 'https://hooks.slack.com/x' } }));
    expect(type.where).toBe('body.config.type');
  });

  it('retries a delivery whose channel cannot be opened (wrong key), and fails one whose channel was deleted', async () => {
    await addHook();
    const alerter = createAlerter({ db, clock, config: alertsSchema.parse({}), more: store.routing });
    await alerter.raise(ws, { kind: 'finding.opened', payload: sampleFinding({ severity: 'critical' }) });
    const wrongKey = createChannelStore({ db, clock, secrets: createSecretBox({ dataDir: dir, env: { VIGIL_SECRET_KEY: Buffer.alloc(32, 3).toString('base64') } }) });
    const first = createDispatcher({ db, clock, workspaceId: ws, channels: new Map(), findChannel: (n) => wrongKey.channel(ws, n), onOutcome: (o) => outcomes.push(o) });
    const outcomes: { outcome: string; error?: string }[] = [];
    expect(await first.runOnce()).toMatchObject({ retry: 1, sent: 0 });
    expect(outcomes[0]!.error).toMatch(/alert channel sec-hook: its secrets were stored with secret key/);
    await store.remove(ws, 'sec-hook');
    clock.advance(3_600_000);
    const second = createDispatcher({ db, clock, workspaceId: ws, channels: new Map(), findChannel: (n) => store.channel(ws, n) });
    expect(await second.runOnce()).toMatchObject({ failed: 1 });
    expect(receiver.requests).toHaveLength(0);
  });
});
