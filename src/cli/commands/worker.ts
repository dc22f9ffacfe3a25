import type { Command } from 'commander';
import { openApp } from '../../core/app.ts';
import { startRuntime } from '../../core/runtime.ts';
import { VigilError } from '../../lib/errors.ts';
import { optionsOf } from '../context.ts';

export function register(program: Command): void {
  program
    .command('worker')
    .description('run collection, evaluation and alert jobs from the shared queue (PostgreSQL only; run as many as you like)')
    .option('--no-scheduler', 'only take jobs; let other processes decide what is due')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf<{ scheduler: boolean }>(cmd);
      const app = await openApp({ path: opts.config });
      if (app.db.kind !== 'postgres') {
        await app.close();
        throw new VigilError('InvalidInput', 'vigil worker needs a PostgreSQL server (set DATABASE_URL)', {
          hint: 'on the embedded database, `vigil start` runs the workers in its own process',
        });
      }
      const runtime = await startRuntime(app, { scheduler: opts.scheduler, log: (line) => console.log(`${new Date().toISOString()}  ${line}`) });
      console.log(`vigil worker ${process.pid} taking jobs for ${app.workspace.slug}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await runtime.stop();
      await app.close();
    });
}
