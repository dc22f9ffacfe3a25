import type { Command } from 'commander';
import { serve } from '@hono/node-server';
import { openApp } from '../../core/app.ts';
import { createServer } from '../../server/app.ts';
import { invalidInput } from '../../lib/errors.ts';
import { optionsOf } from '../context.ts';
import { serveCli } from '../remote.ts';

export function register(program: Command): void {
  program
    .command('start')
    .description('run Vigil: the HTTP API and dashboard, scheduler and workers, in one process')
    .option('--port <n>', 'HTTP port (default: server.port in vigil.yaml, PORT, or 7700)')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf<{ port?: string }>(cmd);
      const app = await openApp({ path: opts.config });
      const portText = opts.port ?? process.env.PORT;
      const port = portText === undefined ? app.loaded.config.server.port : Number(portText);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        await app.close();
        throw invalidInput(`port must be a whole number from 0 to 65535, got "${portText}"`, { where: '--port' });
      }
      // On the embedded database, other `vigil` commands reach this process through a socket.
      const { main } = await import('../main.ts');
      const cliServer = app.db.kind === 'pglite' ? await serveCli(app, main) : undefined;
      const host = app.loaded.config.server.host;
      const server = serve({ fetch: createServer(app).fetch, port, hostname: host }, (info) => {
        console.log(`Vigil is running on ${app.db.kind === 'pglite' ? 'the embedded database' : 'PostgreSQL'}`);
        console.log(`  workspace  ${app.workspace.name} (${app.workspace.slug})`);
        console.log(`  data       ${app.loaded.dataDir}`);
        console.log(`  open       http://${host === '0.0.0.0' ? 'localhost' : host}:${info.port}/`);
      });
      await new Promise<void>((resolve) => {
        const stop = () => {
          server.close();
          cliServer?.close();
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
    });
}
