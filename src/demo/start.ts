/**
 * `npm start` with no vigil.yaml: the demo workspace. The simulated providers start on a loopback
 * port, and the demo's config points the real connectors at them, so what Vigil shows is exactly
 * what it would collect from the real providers.
 */
import { configSchema } from '../core/config/schema.ts';
import type { LoadedConfig } from '../core/config/load.ts';
import type { Clock } from '../lib/clock.ts';
import { createDemoOrg } from './org/org.ts';
import { startDemoServer, type DemoServer } from './server.ts';

export interface Demo {
  loaded: LoadedConfig;
  server: DemoServer;
  close(): Promise<void>;
}

export async function startDemo(options: { clock: Clock; dataDir: string; databaseUrl?: string | undefined; port?: number }): Promise<Demo> {
  const org = createDemoOrg({ anchor: options.clock.now() });
  const server = await startDemoServer(org, options.clock, { dataDir: options.dataDir });
  const config = configSchema.parse({
    workspace: { slug: 'demo', name: 'Demo Corp (simulated)' },
    server: { port: options.port ?? 7700 },
    // The simulated providers are local: no need to pace requests as for the real ones.
    sources: server.sources.map((s) => ({ ...s, schedule: s.schedule ?? 'PT15M', http: { requestsPerSecond: 1000 } })),
  });
  return {
    loaded: { config, file: undefined, dataDir: options.dataDir, databaseUrl: options.databaseUrl },
    server,
    close: () => server.close(),
  };
}
