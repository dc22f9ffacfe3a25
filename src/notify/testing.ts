/**
 * Real receivers for the notify tests: a local HTTP server (node:http) that records every request
 * and answers as the test says, and a local SMTP server (smtp-server) that records every message.
 * Both listen on 127.0.0.1 with an ephemeral port. Also a sample finding payload.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { AlertPayloadInput } from './alerts.ts';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** How to answer the n-th request (0-based); 200 "ok" by default. */
  reply: (req: ReceivedRequest, n: number) => Reply;
  /** Resolves once `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(reply?: Receiver['reply']): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const receiver: Receiver = {
    url: '',
    requests,
    reply: reply ?? (() => ({ status: 200, body: 'ok' })),
    waitFor(n, timeoutMs = 10_000) {
      if (requests.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`receiver got ${requests.length} requests, expected ${n}`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const n = requests.length;
      requests.push(r);
      for (const w of waiters.filter((w) => requests.length >= w.n)) w.resolve();
      const answer = receiver.reply(r, n);
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpOptions {
  /** When set, AUTH is required and must match. */
  login?: { user: string; pass: string };
  /** Reject a recipient with this SMTP reply code (e.g. 550, 451). */
  rejectRcpt?: (address: string) => number | undefined;
}

export async function startSmtpServer(options: SmtpOptions = {}) {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: !options.login,
    // Plain TCP on loopback: no certificate to trust in a test.
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (options.login && auth.username === options.login.user && auth.password === options.login.pass) {
        return cb(null, { user: auth.username });
      }
      const e = Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 });
      cb(e);
    },
    onRcptTo(address, _session, cb) {
      const code = options.rejectRcpt?.(address.address);
      if (code) return cb(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  const net = await new Promise<Server>((resolve) => {
    const s = server.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    port: (net.address() as AddressInfo).port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The headers of a raw message (unfolded) and its decoded text parts by content type. */
export function parseMail(raw: string): { headers: Map<string, string>; parts: Map<string, string> } {
  const split = (s: string) => {
    const i = s.indexOf('\r\n\r\n');
    const head = s.slice(0, i).replace(/\r\n[ \t]+/g, ' ');
    const headers = new Map<string, string>();
    for (const line of head.split('\r\n')) {
      const c = line.indexOf(':');
      headers.set(line.slice(0, c).toLowerCase(), line.slice(c + 1).trim());
    }
    return { headers, body: s.slice(i + 4) };
  };
  const decode = (body: string, encoding: string | undefined) => {
    if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (encoding === 'quoted-printable') {
      const s = body.replace(/=\r\n/g, '');
      const bytes: number[] = [];
      for (let i = 0; i < s.length; i++) {
        const hex = s.slice(i + 1, i + 3);
        if (s[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
          bytes.push(parseInt(hex, 16));
          i += 2;
        } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
      }
      return Buffer.from(bytes).toString('utf8');
    }
    return body;
  };
  const top = split(raw);
  const parts = new Map<string, string>();
  const boundary = /boundary="?([^";]+)"?/.exec(top.headers.get('content-type') ?? '')?.[1];
  const bodies = boundary ? top.body.split(`--${boundary}`).slice(1, -1).map((p) => split(p.replace(/^\r\n/, ''))) : [top];
  for (const p of bodies) {
    const type = (p.headers.get('content-type') ?? 'text/plain').split(';')[0]!.trim();
    parts.set(type, decode(p.body.replace(/\r\n$/, ''), p.headers.get('content-transfer-encoding')));
  }
  return { headers: top.headers, parts };
}

export function sampleFinding(overrides: Partial<AlertPayloadInput<'finding.opened'>> = {}): AlertPayloadInput<'finding.opened'> {
  return {
    findingId: 'fnd_01test',
    check: 'access.mfa-enabled',
    title: 'MFA is not enabled for dana@example.com',
    resource: 'okta:user/dana@example.com',
    controls: ['AC-MFA'],
    source: 'okta',
    severity: 'high',
    owner: 'it-lead@example.com',
    reason: 'dana@example.com has no MFA factor enrolled (status ACTIVE since 2026-11-02).',
    remediation: 'Ask dana@example.com to enrol a factor, or suspend the account.',
    openedAt: '2026-12-01T09:00:00.000Z',
    dueAt: '2026-12-31T09:00:00.000Z',
    ...overrides,
  };
}
