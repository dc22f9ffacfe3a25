import type { Command } from 'commander';
import { serve } from '@hono/node-server';
import { openApp } from '../../core/app.ts';
import { findConfigFile, resolvePaths } from '../../core/config/load.ts';
import { configSchema } from '../../core/config/schema.ts';
import { startRuntime } from '../../core/runtime.ts';
import { startDemo, type Demo } from '../../demo/start.ts';
import { createServer } from '../../server/app.ts';
import { createAccountService, hoursLeft } from '../../core/accounts.ts';
import { linkUrl } from '../../server/http/base-url.ts';
import { invalidInput } from '../../lib/errors.ts';
import { systemClock } from '../../lib/clock.ts';
import { optionsOf } from '../context.ts';
import { serveCli } from '../remote.ts';

export function register(program: Command): void {
  program
    .command('start')
    .description('run Vigil: the HTTP API and dashboard, scheduler and workers, in one process (the demo workspace when there is no vigil.yaml)')
    .option('--port <n>', 'HTTP port (default: server.port in vigil.yaml, PORT, or 7700)')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf<{ port?: string }>(cmd);
      const portText = opts.port ?? process.env.PORT;
      if (portText !== undefined && !/^\d+$/.test(portText)) {
        throw invalidInput(`port must be a whole number from 0 to 65535, got "${portText}"`, { where: '--port' });
      }
      let demo: Demo | undefined;
      if (!findConfigFile({ path: opts.config })) {
        const base = resolvePaths(configSchema.parse({}), undefined, process.cwd(), process.env);
        demo = await startDemo({ clock: systemClock, dataDir: base.dataDir, databaseUrl: base.databaseUrl });
      }
      const app = await openApp({ path: opts.config, ...(demo ? { loaded: demo.loaded } : {}) });
      const port = portText === undefined ? app.loaded.config.server.port : Number(portText);
      // On the embedded database, other `vigil` commands reach this process through a socket.
      const { main } = await import('../main.ts');
      const cliServer = app.db.kind === 'pglite' ? await serveCli(app, main) : undefined;
      const runtime = await startRuntime(app, { log: (line) => console.log(`${new Date().toISOString()}  ${line}`) });
      const host = app.loaded.config.server.host;
      // No default password: while no admin exists, each start prints a new one-time setup link.
      const accounts = createAccountService({ db: app.db, clock: app.clock }, app.workspace.id);
      const setup = (await accounts.needsSetup()) ? await accounts.createSetupLink() : undefined;
      const api = createServer(app);
      const server = serve({ fetch: api.fetch, port, hostname: host }, (info) => {
        console.log(`Vigil is running on ${app.db.kind === 'pglite' ? 'the embedded database' : 'PostgreSQL'}`);
        console.log(`  workspace  ${app.workspace.name} (${app.workspace.slug})${demo ? ' — a simulated company; add a vigil.yaml (`vigil init`) for your own' : ''}`);
        console.log(`  data       ${app.loaded.dataDir}`);
        console.log(`  sources    ${app.loaded.config.sources.map((s) => s.name).join(', ') || 'none yet (add them to vigil.yaml)'}`);
        const base = app.loaded.config.server.publicUrl?.replace(/\/+$/, '') ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${info.port}`;
        console.log(`  open       ${base}/`);
        if (setup) console.log(`  setup      ${linkUrl(base, 'setup', setup.token)}\n             one-time link to create the first admin (valid ${hoursLeft(setup.expiresAt, app.clock.now())}; restart for a new one)`);
        console.log('  try        npx vigil sources · npx vigil findings · npx vigil check');
      });
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      server.close();
      api.close();
      cliServer?.close();
      await runtime.stop();
      await app.close();
      await demo?.close();
    });
}
