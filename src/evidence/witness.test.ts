import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../lib/clock.ts';
import { originFor } from './keys.ts';
import { openCheckpoint } from './note.ts';
import { createEvidenceFixture, type EvidenceFixture } from './testing.ts';
import { runScheduledCheckpoint, splitNotes, type Witness } from './witness.ts';

let f: EvidenceFixture;
let server: Server;
let url: string;
const received: { type: string | undefined; body: string }[] = [];
let failNext = 0;

beforeAll(async () => {
  f = await createEvidenceFixture();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      received.push({ type: req.headers['content-type'], body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  url = `http://127.0.0.1:${addr.port}/witness?token=secret`;
});
afterAll(async () => {
  server?.close();
  await f?.close();
});

const send = { backoffMs: 5 };

describe('scheduled checkpoints and witnesses', () => {
  let witnesses: Witness[];
  let file: string;

  it('signs the first checkpoint and delivers it to a file and, after retrying a 503, to a webhook as text/plain', async () => {
    file = join(f.dir, 'witness', 'checkpoints.txt');
    witnesses = [{ type: 'file', path: file }, { type: 'webhook', url }];
    await f.log.append(f.workspaceId, [{ kind: 'event', source: 's', subject: 'x', content: { a: 1 } }]);
    failNext = 1;
    const r = await runScheduledCheckpoint(f, f.workspaceId, { every: 'PT1H', witnesses, send });
    expect(r.checkpoint?.treeSize).toBe(1);
    expect(r.deliveries).toEqual([
      expect.objectContaining({ witness: `file:${file}`, ok: true, attempts: 1 }),
      // The stored name drops the query string: it may carry a token.
      expect.objectContaining({ witness: expect.not.stringContaining('secret'), ok: true, attempts: 2 }),
    ]);
    expect(received).toEqual([{ type: 'text/plain; charset=utf-8', body: r.checkpoint!.note }]);
    expect(readFileSync(file, 'utf8')).toBe(`${r.checkpoint!.note}\n`);
    const [stored] = await f.log.checkpoints(f.workspaceId, { limit: 1 });
    expect(stored!.witnesses.map((w) => w.ok)).toEqual([true, true]);
  });

  it('signs nothing before the interval has passed, nor when only its own record was added', async () => {
    await f.log.append(f.workspaceId, [{ kind: 'event', source: 's', subject: 'y', content: {} }]);
    f.clock.advance(30 * 60_000);
    expect((await runScheduledCheckpoint(f, f.workspaceId, { every: 'PT1H', witnesses, send })).skipped).toBe('not-due');
    f.clock.advance(31 * 60_000);
    const second = await runScheduledCheckpoint(f, f.workspaceId, { every: 'PT1H', witnesses, send });
    expect(second.checkpoint?.treeSize).toBe(3); // event, checkpoint record, event
    f.clock.advance(2 * HOUR_MS);
    expect((await runScheduledCheckpoint(f, f.workspaceId, { every: 'PT1H', witnesses, send })).skipped).toBe('unchanged');
  });

  it('records a witness that keeps failing and re-sends to it on the next run', async () => {
    await f.log.append(f.workspaceId, [{ kind: 'event', source: 's', subject: 'z', content: {} }]);
    f.clock.advance(2 * HOUR_MS);
    failNext = 3;
    const r = await runScheduledCheckpoint(f, f.workspaceId, { every: 'PT1H', witnesses, send: { ...send, attempts: 3 } });
    expect(r.deliveries[1]).toMatchObject({ ok: false, attempts: 3, error: 'HTTP 503' });
    const retry = await runScheduledCheckpoint(f, f.workspaceId, { every: 'PT1H', witnesses, send });
    expect(retry.skipped).toBe('not-due');
    expect(retry.deliveries).toEqual([expect.objectContaining({ ok: true })]);
    expect(received.at(-1)!.body).toBe(r.checkpoint!.note);
    const [stored] = await f.log.checkpoints(f.workspaceId, { limit: 1 });
    expect(stored!.witnesses.every((w) => w.ok)).toBe(true);
  });

  it('keeps a file of notes that splits back into verifiable checkpoints', () => {
    const notes = splitNotes(readFileSync(file, 'utf8'));
    expect(notes).toHaveLength(3);
    const sizes = notes.map((n) => openCheckpoint(n, f.key.verifier(originFor(f.workspaceId)), 'file').treeSize);
    expect(sizes).toEqual([1, 3, 5]);
  });
});
