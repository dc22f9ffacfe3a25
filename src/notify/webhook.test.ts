import { afterEach, describe, expect, it } from 'vitest';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { VigilError } from '../lib/errors.ts';
import { parseAlert } from './alerts.ts';
import { isRetryable, retryAfterOf, type Delivery } from './channel.ts';
import { startReceiver, sampleFinding, type Receiver, type ReceivedRequest } from './testing.ts';
import { createWebhookChannel, type WebhookBody } from './webhook.ts';
import { parseRetryAfter } from './http.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SECRET = 'whsec_0123456789abcdef-do-not-log';
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const delivery = (over: Partial<Delivery> = {}): Delivery => ({
  id: 'dlv_01webhooktest',
  workspaceId: 'ws_1',
  channel: 'ops-hook',
  alert: parseAlert({ kind: 'finding.opened', payload: sampleFinding() }),
  raisedAt: new Date('2026-12-01T09:00:05.000Z'),
  attempt: 1,
  ...over,
});

const channel = (url: string, timeoutMs = 10_000) =>
  createWebhookChannel({ name: 'ops-hook', type: 'webhook', url, secret: SECRET, timeoutMs }, { publicUrl: 'https://vigil.example.com/app' });

/** What a receiver does, written from the docs: recompute the HMAC over "<t>.<raw body>" and compare. */
function verify(req: ReceivedRequest, secret: string, nowSec: number, toleranceSec = 300): boolean {
  const header = String(req.headers['vigil-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSec - t) > toleranceSec || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${req.body}`).digest();
  const got = Buffer.from(parts.v1, 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

async function errorOf(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected the send to fail');
}

describe('webhook channel', () => {
  it('POSTs a JSON body whose signature the receiver can verify with the shared secret', async () => {
    receiver = await startReceiver();
    await channel(receiver.url).send(delivery());
    const [req] = receiver.requests;
    expect(req!.method).toBe('POST');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['vigil-delivery-id']).toBe('dlv_01webhooktest');
    expect(req!.headers['vigil-event']).toBe('finding.opened');
    expect(verify(req!, SECRET, Math.floor(Date.now() / 1000))).toBe(true);
    // Wrong secret, tampered body, or a replay long after: all rejected.
    expect(verify(req!, 'another-secret-of-some-length', Math.floor(Date.now() / 1000))).toBe(false);
    expect(verify({ ...req!, body: req!.body.replace('dana', 'eve') }, SECRET, Math.floor(Date.now() / 1000))).toBe(false);
    expect(verify(req!, SECRET, Math.floor(Date.now() / 1000) + 3600)).toBe(false);

    const body = JSON.parse(req!.body) as WebhookBody;
    expect(body).toMatchObject({
      id: 'dlv_01webhooktest',
      event: 'finding.opened',
      workspaceId: 'ws_1',
      raisedAt: '2026-12-01T09:00:05.000Z',
      url: 'https://vigil.example.com/app/findings/fnd_01test',
      data: { findingId: 'fnd_01test', severity: 'high', resource: 'okta:user/dana@example.com', dueAt: '2026-12-31T09:00:00.000Z' },
    });
  });

  it('keeps the delivery id and the body the same on a retry, so receivers can de-duplicate', async () => {
    receiver = await startReceiver();
    const ch = channel(receiver.url);
    await ch.send(delivery());
    await ch.send(delivery({ attempt: 2 }));
    const [a, b] = receiver.requests;
    expect(a!.headers['vigil-delivery-id']).toBe(b!.headers['vigil-delivery-id']);
    expect(a!.body).toBe(b!.body);
  });

  it('signs with the time of sending: t is the unix time from the clock it is given', async () => {
    receiver = await startReceiver();
    const ch = createWebhookChannel(
      { name: 'h', type: 'webhook', url: receiver.url, secret: SECRET, timeoutMs: 5000 },
      { now: () => Date.parse('2026-12-01T10:00:00Z') },
    );
    await ch.send(delivery());
    const sig = String(receiver.requests[0]!.headers['vigil-signature']);
    expect(sig).toMatch(/^t=1796119200,v1=[0-9a-f]{64}$/);
    expect(verify(receiver.requests[0]!, SECRET, 1796119200)).toBe(true);
    expect(JSON.parse(receiver.requests[0]!.body).url).toBeNull();
  });

  it('treats 400 as permanent and reports the receiver answer without the secret or URL path', async () => {
    receiver = await startReceiver(() => ({ status: 400, body: 'unknown event type' }));
    const e = await errorOf(channel(`${receiver.url}/token-in-path?key=abc`).send(delivery()));
    expect(e._tag).toBe('ProviderError');
    expect(isRetryable(e)).toBe(false);
    expect(e.message).toContain('400');
    expect(e.message).toContain('unknown event type');
    expect(e.message).toContain('127.0.0.1');
    const everything = JSON.stringify(e.toJSON()) + e.oneLine();
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('token-in-path');
    expect(everything).not.toContain('key=abc');
  });

  it('treats 401/403 as a permanent AuthFailed', async () => {
    receiver = await startReceiver(() => ({ status: 403, body: 'bad signature' }));
    const e = await errorOf(channel(receiver.url).send(delivery()));
    expect(e._tag).toBe('AuthFailed');
    expect(isRetryable(e)).toBe(false);
  });

  it('retries 408, 429 and 5xx, and carries Retry-After', async () => {
    const answers = [
      { status: 500, body: 'boom' },
      { status: 408 },
      { status: 429, headers: { 'retry-after': '120' } },
      { status: 503, headers: { 'retry-after': '7' } },
    ];
    receiver = await startReceiver((_r, n) => answers[n]!);
    const ch = channel(receiver.url);
    const errs = [];
    for (let i = 0; i < answers.length; i++) errs.push(await errorOf(ch.send(delivery())));
    expect(errs.map((e) => [e._tag, isRetryable(e)])).toEqual([
      ['ProviderError', true],
      ['ProviderError', true],
      ['RateLimited', true],
      ['ProviderError', true],
    ]);
    expect(errs.map(retryAfterOf)).toEqual([undefined, undefined, 120_000, 7_000]);
  });

  it('does not follow a redirect: the signed delivery goes to the configured URL only', async () => {
    receiver = await startReceiver(() => ({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } }));
    const e = await errorOf(channel(receiver.url).send(delivery()));
    expect(receiver.requests).toHaveLength(1);
    expect(isRetryable(e)).toBe(false);
    expect(e.message).toMatch(/redirected \(302\)/);
  });

  it('reports a refused connection as Unreachable and retryable', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const e = await errorOf(channel(`http://127.0.0.1:${port}/hook`).send(delivery()));
    expect(e._tag).toBe('Unreachable');
    expect(isRetryable(e)).toBe(true);
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('gives up on a receiver that does not answer within the timeout, as a retryable Unreachable', async () => {
    receiver = await startReceiver(() => 'hang');
    const started = Date.now();
    const e = await errorOf(channel(receiver.url, 1000).send(delivery()));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e._tag).toBe('Unreachable');
    expect(e.message).toMatch(/did not answer within 1000 ms/);
    expect(isRetryable(e)).toBe(true);
  });
});

describe('the verification example in docs/alerts.md', () => {
  it('accepts a real delivery and rejects a tampered one', async () => {
    const doc = readFileSync(new URL('../../docs/alerts.md', import.meta.url), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(code).toContain('export function verifyVigilSignature');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-doc-'));
    try {
      writeFileSync(join(dir, 'verify.mjs'), code!);
      const { verifyVigilSignature } = (await import(pathToFileURL(join(dir, 'verify.mjs')).href)) as {
        verifyVigilSignature: (header: string, body: string, secret: string, now?: number) => boolean;
      };
      receiver = await startReceiver();
      await channel(receiver.url).send(delivery());
      const req = receiver.requests[0]!;
      const header = String(req.headers['vigil-signature']);
      expect(verifyVigilSignature(header, req.body, SECRET)).toBe(true);
      expect(verifyVigilSignature(header, req.body.replace('high', 'low!'), SECRET)).toBe(false);
      expect(verifyVigilSignature(header, req.body, 'not-the-secret-at-all')).toBe(false);
      expect(verifyVigilSignature(header, req.body, SECRET, Math.floor(Date.now() / 1000) + 301)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
