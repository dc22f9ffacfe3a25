import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { alertsSchema } from '../core/config/schema.ts';
import { createDb, type Database } from '../db/client.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import { createTestDb, testDbKind, type TestDb } from '../db/testing.ts';
import { fixedClock, systemClock, type Clock } from '../lib/clock.ts';
import { createAlerter } from './alerter.ts';
import { createChannels } from './channels.ts';
import { createDispatcher, type DispatcherDeps } from './dispatcher.ts';
import { createOutboxRepo } from './outbox.ts';
import { sampleFinding, startReceiver, type Receiver, type Reply } from './testing.ts';

let db: TestDb;
let receiver: Receiver | undefined;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.close());
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const T0 = '2026-12-01T09:00:00.000Z';

/** A fresh workspace with a webhook channel pointed at a new receiver answering `reply`. */
async function setup(reply?: (n: number) => Reply, clock: Clock = fixedClock(T0)) {
  receiver = await startReceiver(reply ? (_r, n) => reply(n) : undefined);
  const ws = (await createWorkspaceRepo(db.orm).ensure(`ws-${randomUUID().slice(0, 8)}`, 'Test')).id;
  const alerts = alertsSchema.parse({
    channels: [{ name: 'hook', type: 'webhook', url: receiver.url, secret: 'a-long-enough-secret', timeoutMs: 2000 }],
    rules: [{ channel: 'hook', kinds: ['finding.opened'] }],
  });
  const channels = createChannels(alerts);
  const alerter = createAlerter({ db, clock, config: alerts });
  const raise = async (findingId: string) => (await alerter.raise(ws, { kind: 'finding.opened', payload: sampleFinding({ findingId }) }))[0]!.id;
  const dispatcher = (over: Partial<DispatcherDeps> = {}) =>
    createDispatcher({ db, clock, workspaceId: ws, channels, random: () => 0.5, leaseMs: 30_000, ...over });
  return { ws, clock, raise, dispatcher, repo: createOutboxRepo(db, ws), receiver };
}

const ids = (r: Receiver) => r.requests.map((q) => String(q.headers['vigil-delivery-id']));

describe(`dispatching the outbox (${testDbKind()})`, () => {
  it('sends a pending delivery once and records it as sent', async () => {
    const t = await setup();
    const id = await t.raise('fnd_1');
    const stats = await t.dispatcher().runOnce();
    expect(stats).toMatchObject({ claimed: 1, sent: 1, retry: 0, failed: 0, dead: 0 });
    expect(ids(t.receiver)).toEqual([id]);
    const row = await t.repo.get(id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null, leaseToken: null });
    expect(row!.sentAt!.toISOString()).toBe(T0);
    expect((await t.dispatcher().runOnce()).claimed).toBe(0);
    expect(t.receiver.requests).toHaveLength(1);
  });

  it('retries after 500s with exponential, jittered backoff, then succeeds with the same delivery id', async () => {
    const t = await setup((n) => (n < 3 ? { status: 500, body: 'database is down' } : { status: 200 }));
    const clock = t.clock as ReturnType<typeof fixedClock>;
    const id = await t.raise('fnd_retry');
    const d = t.dispatcher({ backoffBaseMs: 30_000 });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect((await d.runOnce()).retry).toBe(1);
      const row = (await t.repo.get(id))!;
      expect(row.status).toBe('pending');
      expect(row.lastError).toContain('500 Internal Server Error: database is down');
      const wait = row.nextAttemptAt.getTime() - clock.now().getTime();
      delays.push(wait);
      clock.advance(wait - 1);
      expect((await d.runOnce()).claimed, 'not before it is due').toBe(0);
      clock.advance(1);
    }
    // Equal jitter with random() = 0.5: three quarters of 30 s, 60 s, 120 s.
    expect(delays).toEqual([22_500, 45_000, 90_000]);
    expect((await d.runOnce()).sent).toBe(1);
    expect(ids(t.receiver)).toEqual([id, id, id, id]);
    expect(await t.repo.get(id)).toMatchObject({ status: 'sent', attempts: 4, lastError: null });
  });

  it('keeps backoff within half and all of the exponential delay, capped at backoffMaxMs', async () => {
    for (const [random, expected] of [
      [0, 15_000],
      [0.999999, 30_000],
    ] as const) {
      const t = await setup(() => ({ status: 502 }));
      const id = await t.raise('fnd_jitter');
      await t.dispatcher({ random: () => random, backoffBaseMs: 30_000 }).runOnce();
      const row = (await t.repo.get(id))!;
      expect(Math.abs(row.nextAttemptAt.getTime() - t.clock.now().getTime() - expected)).toBeLessThanOrEqual(1);
      await receiver?.close();
    }
    const t = await setup(() => ({ status: 502 }));
    const id = await t.raise('fnd_cap');
    const clock = t.clock as ReturnType<typeof fixedClock>;
    const d = t.dispatcher({ backoffBaseMs: 60_000, backoffMaxMs: 100_000, random: () => 1, maxAttempts: 10 });
    for (let i = 0; i < 4; i++) {
      await d.runOnce();
      clock.set((await t.repo.get(id))!.nextAttemptAt);
    }
    await d.runOnce();
    expect((await t.repo.get(id))!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(100_000);
  });

  it('records a permanent 400 as failed with the receiver answer, and never retries it', async () => {
    const t = await setup(() => ({ status: 400, body: '{"error":"unknown event"}' }));
    const id = await t.raise('fnd_400');
    expect(await t.dispatcher().runOnce()).toMatchObject({ claimed: 1, failed: 1 });
    const row = (await t.repo.get(id))!;
    expect(row.status).toBe('failed');
    expect(row.lastError).toMatch(/^ProviderError: webhook channel "hook": 127\.0\.0\.1:\d+ refused the delivery with 400 Bad Request: \{"error":"unknown event"\}$/);
    (t.clock as ReturnType<typeof fixedClock>).advance(30 * 86_400_000);
    expect((await t.dispatcher().runOnce()).claimed).toBe(0);
    expect(t.receiver.requests).toHaveLength(1);
  });

  it("waits as long as a 429's Retry-After says, then sends", async () => {
    const t = await setup((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '300' } } : { status: 204 }));
    const clock = t.clock as ReturnType<typeof fixedClock>;
    const id = await t.raise('fnd_429');
    const d = t.dispatcher({ backoffBaseMs: 1_000 });
    expect((await d.runOnce()).retry).toBe(1);
    expect((await t.repo.get(id))!.nextAttemptAt.toISOString()).toBe('2026-12-01T09:05:00.000Z');
    clock.advance(299_000);
    expect((await d.runOnce()).claimed).toBe(0);
    clock.advance(1_000);
    expect((await d.runOnce()).sent).toBe(1);
    expect(t.receiver.requests).toHaveLength(2);
  });

  it('gives up after maxAttempts and marks the delivery dead', async () => {
    const t = await setup(() => ({ status: 503, body: 'maintenance' }));
    const clock = t.clock as ReturnType<typeof fixedClock>;
    const id = await t.raise('fnd_dead');
    const d = t.dispatcher({ maxAttempts: 3 });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await d.runOnce();
      if (s.claimed) outcomes.push(s.retry ? 'retry' : s.dead ? 'dead' : '?');
      clock.advance(86_400_000);
    }
    expect(outcomes).toEqual(['retry', 'retry', 'dead']);
    const row = (await t.repo.get(id))!;
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.lastError).toMatch(/503 Service Unavailable: maintenance \(gave up after 3 attempts\)$/);
    expect(t.receiver.requests).toHaveLength(3);
  });

  it('sends again a row whose sender died, once its lease has expired', async () => {
    const t = await setup();
    const clock = t.clock as ReturnType<typeof fixedClock>;
    const id = await t.raise('fnd_lease');
    // A dispatcher that claimed the row and then died: its claim is all that is left of it.
    const [claimed] = await t.repo.claim({ now: clock.now(), leaseUntil: new Date(clock.now().getTime() + 30_000), token: 'dead-process', limit: 10, maxAttempts: 8 });
    expect(claimed!.id).toBe(id);
    const d = t.dispatcher();
    expect((await d.runOnce()).claimed, 'still leased').toBe(0);
    clock.advance(30_000);
    expect((await d.runOnce()).sent).toBe(1);
    expect(ids(t.receiver)).toEqual([id]);
    expect(await t.repo.get(id)).toMatchObject({ status: 'sent', attempts: 2 });
    // The dead process's outcome, should it come back, no longer counts.
    expect(await t.repo.markRetry(id, 'dead-process', clock.now(), clock.now(), 'late')).toBe(false);
    expect((await t.repo.get(id))!.status).toBe('sent');
  });

  it('gives up on a row whose senders died mid-send on every attempt', async () => {
    const t = await setup();
    const clock = t.clock as ReturnType<typeof fixedClock>;
    const id = await t.raise('fnd_poison');
    for (let i = 0; i < 2; i++) {
      await t.repo.claim({ now: clock.now(), leaseUntil: new Date(clock.now().getTime() + 1000), token: `crash-${i}`, limit: 1, maxAttempts: 2 });
      clock.advance(1000);
    }
    expect(await t.dispatcher({ maxAttempts: 2 }).runOnce()).toMatchObject({ abandoned: 1, claimed: 0 });
    const row = (await t.repo.get(id))!;
    expect(row.status).toBe('dead');
    expect(row.lastError).toMatch(/stopped mid-send on attempt 2 of 2/);
    expect(t.receiver.requests).toHaveLength(0);
  });

  it('fails, with a clear message, deliveries for a channel no longer configured', async () => {
    const t = await setup();
    const id = await t.raise('fnd_gone');
    const d = createDispatcher({ db, clock: t.clock, workspaceId: t.ws, channels: new Map() });
    expect((await d.runOnce()).failed).toBe(1);
    expect((await t.repo.get(id))!.lastError).toBe('InvalidConfig: channel "hook" is no longer defined (in alerts.channels or through the API)');
  });

  it('requeues a failed delivery from attempt 1 when asked', async () => {
    const t = await setup((n) => (n === 0 ? { status: 410 } : { status: 200 }));
    const id = await t.raise('fnd_requeue');
    await t.dispatcher().runOnce();
    expect((await t.repo.get(id))!.status).toBe('failed');
    expect(await t.repo.requeue(id, t.clock.now())).toBe(true);
    expect(await t.repo.requeue(id, t.clock.now()), 'only failed or dead rows').toBe(false);
    expect((await t.dispatcher().runOnce()).sent).toBe(1);
    expect(await t.repo.get(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('refuses a lease shorter than a channel can take to send', async () => {
    const t = await setup();
    expect(() => t.dispatcher({ leaseMs: 5_000 })).toThrow(/lease \(5000 ms\) must outlast channel "hook"'s timeout \(2000 ms\)/);
  });

  it('never sends a row twice when two dispatchers with their own connections run at once', async () => {
    const t = await setup(() => ({ status: 200 }), systemClock);
    const enqueued = [];
    for (let i = 0; i < 30; i++) enqueued.push(await t.raise(`fnd_many_${i}`));
    // On PostgreSQL the second dispatcher gets its own pool, as another process would.
    const second: Database = db.url ? await createDb({ url: db.url, migrate: false, poolSize: 3 }) : db;
    try {
      const mk = (database: Database) =>
        createDispatcher({ db: database, clock: systemClock, workspaceId: t.ws, channels: createChannels({ channels: [{ name: 'hook', type: 'webhook', url: t.receiver.url, secret: 'a-long-enough-secret', timeoutMs: 2000 }] }), batchSize: 4, concurrency: 2 });
      const drain = async (d: ReturnType<typeof mk>) => {
        let sent = 0;
        for (let s = await d.runOnce(); s.claimed > 0; s = await d.runOnce()) sent += s.sent;
        return sent;
      };
      const [a, b] = await Promise.all([drain(mk(db)), drain(mk(second))]);
      expect(a + b).toBe(30);
      expect(ids(t.receiver).sort()).toEqual([...enqueued].sort());
      expect(await t.repo.counts()).toMatchObject({ sent: 30, pending: 0, sending: 0 });
    } finally {
      if (second !== db) await second.close();
    }
  });

  it('hands each row to one claim only when many claims race on separate connections', async () => {
    const t = await setup();
    const enqueued = [];
    for (let i = 0; i < 24; i++) enqueued.push(await t.raise(`fnd_race_${i}`));
    const pool: Database = db.url ? await createDb({ url: db.url, migrate: false, poolSize: 8 }) : db;
    try {
      const repo = createOutboxRepo(pool, t.ws);
      const now = t.clock.now();
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => repo.claim({ now, leaseUntil: new Date(now.getTime() + 60_000), token: `claim-${i}`, limit: 4, maxAttempts: 8 })),
      );
      const all = claims.flat().map((r) => r.id);
      expect(all).toHaveLength(24);
      expect(new Set(all).size).toBe(24);
      expect(all.sort()).toEqual([...enqueued].sort());
    } finally {
      if (pool !== db) await pool.close();
    }
  });

  it('start() sends what is enqueued while it runs; stop() ends the loop', async () => {
    const t = await setup(undefined, systemClock);
    const outcomes: string[] = [];
    const d = t.dispatcher({ clock: systemClock, pollMs: 20_000, onOutcome: (o) => outcomes.push(`${o.outcome}:${o.id}`) });
    d.start();
    const id = await t.raise('fnd_loop');
    d.wake();
    await t.receiver.waitFor(1, 5000);
    await d.stop();
    expect(ids(t.receiver)).toEqual([id]);
    expect(outcomes).toEqual([`sent:${id}`]);
    expect((await t.repo.get(id))!.status).toBe('sent');
    const later = await t.raise('fnd_after_stop');
    await new Promise((r) => setTimeout(r, 100));
    expect((await t.repo.get(later))!.status, 'nothing runs after stop()').toBe('pending');
  });
});
