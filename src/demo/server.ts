/**
 * The demo server: every simulated provider on one loopback HTTP server, each under its own path
 * prefix, so the real connectors reach them exactly as they would the real providers (through a
 * configurable base URL).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../lib/clock.ts';
import type { DemoOrg } from './org/org.ts';
import { demoProviders, type DemoProvider } from './providers/index.ts';
import type { SourceConfig } from '../core/config/schema.ts';

export interface DemoServer {
  url: string;
  sources: SourceConfig[];
  /** Simulate an outage of one provider: every request answers with this status (or refuses). */
  breakProvider(name: string, mode: { status: number; body?: string } | 'refuse' | null): void;
  close(): Promise<void>;
}

export async function startDemoServer(
  org: DemoOrg,
  clock: Clock,
  options: { port?: number; providers?: DemoProvider[]; dataDir?: string } = {},
): Promise<DemoServer> {
  const providers = options.providers ?? demoProviders;
  // File-based sources (an HR export) get their files written before anything collects them.
  // Never the working folder: a demo started without a data folder writes its files to a temp one.
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  for (const p of providers) await p.prepare?.(org, clock, dataDir);
  const broken = new Map<string, { status: number; body?: string } | 'refuse'>();
  const root = new Hono();
  for (const p of providers) {
    const app = p.app(org, clock);
    root.use(`/${p.name}/*`, async (c, next) => {
      const mode = broken.get(p.name);
      if (mode === 'refuse') {
        // Closing the socket without an answer is what a dead upstream looks like to a client.
        const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
        incoming?.socket?.destroy();
        return c.body(null, 503);
      }
      if (mode) return c.body(mode.body ?? JSON.stringify({ error: 'simulated outage' }), mode.status as 500, { 'content-type': 'application/json' });
      await next();
    });
    root.route(`/${p.name}`, app);
  }
  root.notFound((c) => c.json({ message: `the demo has no route ${c.req.method} ${c.req.path}` }, 404));
  const server = serve({ fetch: root.fetch, port: options.port ?? 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    sources: providers.map((p) => {
      const s = p.source(`${url}/${p.name}`);
      return { enabled: true, ...s, config: s.config };
    }),
    breakProvider(name, mode) {
      if (mode) broken.set(name, mode);
      else broken.delete(name);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
