/**
 * Start Vigil (`vigil start`, demo workspace) as a child process on a free port in a temporary
 * folder, and Chromium through playwright-core. The setup link is read from Vigil's output exactly
 * as a person would copy it from the terminal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`Chromium not found at ${p}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  return p;
}

export const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningVigil {
  url: string;
  setupLink: string;
  dir: string;
  /** Everything Vigil printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

const SETUP_LINK = /(https?:\/\/\S+\/setup#token=[A-Za-z0-9_-]+)/;

export async function startVigil(): Promise<RunningVigil> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(repo, 'bin/vigil.js'), 'start', '--port', String(port)], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  let link: string | undefined;
  while (!link) {
    const done = await Promise.race([exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 200))]);
    if (done) throw new Error(`vigil start exited before printing a setup link:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vigil start printed no setup link within 120 s:\n${out}`);
    }
    link = SETUP_LINK.exec(out)?.[1];
  }
  const url = `http://127.0.0.1:${port}`;
  // The link names the host Vigil believes it has; the browser goes to the same port on loopback.
  const setupLink = `${url}${new URL(link).pathname}${new URL(link).hash}`;
  return {
    url,
    setupLink,
    dir,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wait until the demo's first collection and evaluation have produced findings. */
export async function waitForFindings(url: string, cookie: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(`${url}/api/v1/findings?limit=1`, { headers: { cookie } });
    if (r.ok && ((await r.json()) as { items: unknown[] }).items.length > 0) return;
    if (Date.now() > deadline) throw new Error('the demo produced no findings in time');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Wait until every source has been collected once (so pictures show a settled first state). */
export async function waitForSources(url: string, cookie: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(`${url}/api/v1/sources`, { headers: { cookie } });
    if (r.ok && ((await r.json()) as { lastRunAt: string | null }[]).every((s) => s.lastRunAt !== null)) return;
    if (Date.now() > deadline) throw new Error('the demo sources were not all collected in time');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * The Vigil to test: a fresh child process, or — when VIGIL_URL and VIGIL_SETUP_LINK are set — one
 * already running and not yet set up (for working on the tests against a dev server).
 */
export async function vigilUnderTest(): Promise<RunningVigil> {
  const url = process.env.VIGIL_URL;
  const setupLink = process.env.VIGIL_SETUP_LINK;
  if (url && setupLink) return { url, setupLink, dir: '', output: () => '', stop: async () => undefined };
  return startVigil();
}
