/**
 * Reaching a running `vigil start` on the embedded database. PGlite lives in one process, so a
 * second `vigil …` must not open the data folder; instead `vigil start` listens on a Unix socket in
 * the data folder (mode 0600: only the same user), and the CLI forwards its arguments there. The
 * running process executes the very same command with its open App and streams the output back,
 * so every command behaves identically whether or not Vigil is running.
 *
 * Frames are newline-delimited JSON: request `{ argv, cwd, isTTY }`; replies `{ t: 'out'|'err', d }`
 * and a final `{ t: 'exit', code }`.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { App } from '../core/app.ts';
import { runWithIo } from './io.ts';

export const socketPath = (dataDir: string) => join(dataDir, 'vigil.sock');

const hosted = new AsyncLocalStorage<App>();
/** The App of the running process when this command runs inside it. */
export const hostedApp = (): App | undefined => hosted.getStore();

interface Request {
  argv: string[];
  cwd: string;
  isTTY: boolean;
}

type Main = (argv: string[]) => Promise<number>;

export async function serveCli(app: App, run: Main): Promise<Server> {
  const path = socketPath(app.loaded.dataDir);
  if (existsSync(path)) unlinkSync(path); // we hold the data folder lock, so it is a leftover
  const server = createServer((sock) => {
    let buf = '';
    let started = false;
    sock.setEncoding('utf8');
    sock.on('error', () => {});
    sock.on('data', (chunk: string) => {
      if (started) return;
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      started = true;
      let req: Request;
      try {
        req = JSON.parse(buf.slice(0, nl)) as Request;
      } catch {
        sock.end(`${JSON.stringify({ t: 'exit', code: 2 })}\n`);
        return;
      }
      const send = (frame: object) => {
        if (!sock.destroyed) sock.write(`${JSON.stringify(frame)}\n`);
      };
      const io = {
        out: (d: string) => send({ t: 'out', d }),
        err: (d: string) => send({ t: 'err', d }),
        isTTY: req.isTTY,
        cwd: req.cwd,
      };
      void hosted.run(app, () => runWithIo(io, () => run(['node', 'vigil', ...req.argv]))).then(
        (code) => sock.end(`${JSON.stringify({ t: 'exit', code })}\n`),
        (e: unknown) => {
          send({ t: 'err', d: `vigil: ${(e as Error).message}\n` });
          sock.end(`${JSON.stringify({ t: 'exit', code: 70 })}\n`);
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return server;
}

/**
 * Forward a command to the running process. Resolves to its exit code, or undefined when nothing
 * is listening (no socket, or a socket left behind by a process that is gone).
 */
export function forwardToRunning(dataDir: string, argv: string[]): Promise<number | undefined> {
  const path = socketPath(dataDir);
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const sock = createConnection(path);
    let buf = '';
    let code: number | undefined;
    let connected = false;
    sock.setEncoding('utf8');
    sock.on('connect', () => {
      connected = true;
      const req: Request = { argv, cwd: process.cwd(), isTTY: Boolean(process.stderr.isTTY) };
      sock.write(`${JSON.stringify(req)}\n`);
    });
    sock.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const f = JSON.parse(line) as { t: string; d?: string; code?: number };
        if (f.t === 'out') process.stdout.write(f.d ?? '');
        else if (f.t === 'err') process.stderr.write(f.d ?? '');
        else if (f.t === 'exit') code = f.code;
      }
    });
    sock.on('error', () => resolve(connected ? 70 : undefined));
    sock.on('close', () => resolve(code ?? (connected ? 70 : undefined)));
  });
}
