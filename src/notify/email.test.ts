import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { VigilError } from '../lib/errors.ts';
import { parseAlert, type AlertInput } from './alerts.ts';
import { isRetryable, type Delivery } from './channel.ts';
import { createEmailChannel, type EmailChannelConfig } from './email.ts';
import { parseMail, sampleFinding, startSmtpServer } from './testing.ts';

type Smtp = Awaited<ReturnType<typeof startSmtpServer>>;
let smtp: Smtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

const PASSWORD = 'smtp-pa55word-never-shown';

const cfg = (port: number, over: Partial<EmailChannelConfig> = {}): EmailChannelConfig => ({
  name: 'ops-mail',
  type: 'email',
  to: ['security@example.com'],
  toOwner: false,
  from: 'Vigil <vigil@example.com>',
  smtp: { host: '127.0.0.1', port, secure: false, user: 'vigil', password: PASSWORD },
  timeoutMs: 5000,
  ...over,
});

const delivery = (alert: AlertInput): Delivery => ({
  id: 'dlv_01emailtest',
  workspaceId: 'ws_1',
  channel: 'ops-mail',
  alert: parseAlert(alert),
  raisedAt: new Date('2026-12-01T09:00:05Z'),
  attempt: 1,
});

async function errorOf(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected the send to fail');
}

describe('email channel', () => {
  it('delivers a message with severity and title in the subject, and text and HTML bodies', async () => {
    smtp = await startSmtpServer({ login: { user: 'vigil', pass: PASSWORD } });
    const ch = createEmailChannel(cfg(smtp.port, { toOwner: true }), { publicUrl: 'https://vigil.example.com' });
    await ch.send(delivery({ kind: 'finding.opened', payload: sampleFinding() }));
    await ch.close?.();

    expect(smtp.messages).toHaveLength(1);
    const m = smtp.messages[0]!;
    expect(m.from).toBe('vigil@example.com');
    expect(m.to.sort()).toEqual(['it-lead@example.com', 'security@example.com']);
    const { headers, parts } = parseMail(m.raw);
    expect(headers.get('subject')).toBe('[Vigil] [HIGH] New finding: MFA is not enabled for dana@example.com');
    expect(headers.get('message-id')).toBe('<dlv_01emailtest@example.com>');
    expect(headers.get('x-vigil-delivery-id')).toBe('dlv_01emailtest');
    expect(headers.get('x-vigil-event')).toBe('finding.opened');
    const text = parts.get('text/plain')!;
    expect(text).toContain('What failed: dana@example.com has no MFA factor enrolled');
    expect(text).toContain('Resource: okta:user/dana@example.com');
    expect(text).toContain('Due: 2026-12-31 09:00 UTC');
    expect(text).toContain('How to fix: Ask dana@example.com to enrol a factor');
    expect(text).toContain('View in Vigil: https://vigil.example.com/findings/fnd_01test');
    const html = parts.get('text/html')!;
    expect(html).toContain('<a href="https://vigil.example.com/findings/fnd_01test">View in Vigil</a>');
    expect(html).toContain('<th align="left" style="padding:2px 12px 2px 0">Owner</th><td>it-lead@example.com</td>');
  });

  it('escapes HTML in what it is given', async () => {
    smtp = await startSmtpServer({ login: { user: 'vigil', pass: PASSWORD } });
    const ch = createEmailChannel(cfg(smtp.port));
    await ch.send(delivery({ kind: 'finding.opened', payload: sampleFinding({ reason: 'bucket <script>alert(1)</script> is public' }) }));
    const html = parseMail(smtp.messages[0]!.raw).parts.get('text/html')!;
    expect(html).not.toContain('<script>');
    expect(html).toContain('bucket &lt;script&gt;alert(1)&lt;/script&gt; is public');
  });

  it('has no severity tag for alerts without one (source failing)', async () => {
    smtp = await startSmtpServer({ login: { user: 'vigil', pass: PASSWORD } });
    await createEmailChannel(cfg(smtp.port)).send(
      delivery({
        kind: 'source.failing',
        payload: { source: 'okta', type: 'okta', error: 'AuthFailed: 401 from okta', failingSince: '2026-12-01T08:00:00.000Z', lastSuccessAt: '2026-11-30T08:00:00.000Z' },
      }),
    );
    const { headers, parts } = parseMail(smtp.messages[0]!.raw);
    expect(headers.get('subject')).toBe('[Vigil] Source failing: okta');
    expect(parts.get('text/plain')).toContain('Error: AuthFailed: 401 from okta');
  });

  it('reports a wrong password as a permanent AuthFailed that does not contain the password', async () => {
    smtp = await startSmtpServer({ login: { user: 'vigil', pass: 'the-right-one' } });
    const e = await errorOf(createEmailChannel(cfg(smtp.port)).send(delivery({ kind: 'finding.opened', payload: sampleFinding() })));
    expect(e._tag).toBe('AuthFailed');
    expect(isRetryable(e)).toBe(false);
    expect(e.message).toContain('535');
    expect(JSON.stringify(e.toJSON()) + e.oneLine()).not.toContain(PASSWORD);
    expect(smtp.messages).toHaveLength(0);
  });

  it('treats a 5xx recipient refusal as permanent and a 4xx one as transient', async () => {
    smtp = await startSmtpServer({ rejectRcpt: (a) => (a.startsWith('gone@') ? 550 : a.startsWith('busy@') ? 451 : undefined) });
    const noAuth = { host: '127.0.0.1', port: smtp.port, secure: false };
    const permanent = await errorOf(
      createEmailChannel(cfg(smtp.port, { to: ['gone@example.com'], smtp: noAuth })).send(delivery({ kind: 'finding.opened', payload: sampleFinding() })),
    );
    expect(permanent.details?.status).toBe(550);
    expect(isRetryable(permanent)).toBe(false);
    const transient = await errorOf(
      createEmailChannel(cfg(smtp.port, { to: ['busy@example.com'], smtp: noAuth })).send(delivery({ kind: 'finding.opened', payload: sampleFinding() })),
    );
    expect(transient.details?.status).toBe(451);
    expect(isRetryable(transient)).toBe(true);
  });

  it('reports an SMTP server that is not there as Unreachable and retryable', async () => {
    smtp = await startSmtpServer();
    const port = smtp.port;
    await smtp.close();
    smtp = undefined;
    const e = await errorOf(createEmailChannel(cfg(port)).send(delivery({ kind: 'finding.opened', payload: sampleFinding() })));
    expect(e._tag).toBe('Unreachable');
    expect(isRetryable(e)).toBe(true);
    expect(e.message).toContain(`127.0.0.1:${port}`);
  });

  it('gives up on an SMTP server that accepts the connection but never greets, as a retryable Unreachable', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const started = Date.now();
      const ch = createEmailChannel(cfg((silent.address() as AddressInfo).port, { timeoutMs: 500 }));
      expect(ch.timeoutMs).toBe(1500);
      const e = await errorOf(ch.send(delivery({ kind: 'finding.opened', payload: sampleFinding() })));
      expect(Date.now() - started).toBeLessThan(1500);
      expect(e._tag).toBe('Unreachable');
      expect(isRetryable(e)).toBe(true);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('refuses, without retrying, a delivery that has nobody to go to', async () => {
    const e = await errorOf(
      createEmailChannel(cfg(1, { to: [], toOwner: true })).send(delivery({ kind: 'finding.opened', payload: sampleFinding({ owner: 'team-infra' }) })),
    );
    expect(isRetryable(e)).toBe(false);
    expect(e.message).toMatch(/no recipient/);
  });
});
