/**
 * The server side of bench/api.ts, in a process of its own so that the 16 clients of the bench do
 * not share its event loop: opens the bench's workspace exactly as `vigil start` does (openApp,
 * then the same createServer), on a fixed clock, and serves it on a loopback port. It prints
 * `{"port":N}` on stdout once listening, and exits on SIGTERM. Only the HTTP server runs here —
 * no scheduler or workers — so nothing but the bench's requests reaches the database.
 *
 * Usage: node bin/run-ts.js bench/api-server.ts <file.json>, the file holding
 * `{ config, dataDir, databaseUrl?, now }` (config as vigil.yaml would give it).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { openApp } from '../src/core/app.ts';
import { configSchema } from '../src/core/config/schema.ts';
import { fixedClock } from '../src/lib/clock.ts';
import { createServer } from '../src/server/app.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: api-server.ts <file.json> with { config, dataDir, databaseUrl?, now }');
const spec = JSON.parse(readFileSync(file, 'utf8')) as { config: unknown; dataDir: string; databaseUrl?: string; now: string };
const config = configSchema.parse(spec.config);
const app = await openApp({ loaded: { config, file: undefined, dataDir: spec.dataDir, databaseUrl: spec.databaseUrl }, clock: fixedClock(spec.now) });
const api = createServer(app);
const server = serve({ fetch: api.fetch, port: 0, hostname: '127.0.0.1' });
server.once('listening', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));

const stop = async () => {
  server.close();
  api.close();
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
