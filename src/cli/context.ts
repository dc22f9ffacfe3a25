/**
 * What every command shares: the global options and a way to run with an open App that is always
 * closed afterwards.
 */
import type { Command } from 'commander';
import { openApp, type App } from '../core/app.ts';
import { hostedApp } from './remote.ts';

export interface GlobalOptions {
  config?: string;
  json?: boolean;
}

/** Global options merged with the command's own (commander keeps them apart). */
export function optionsOf<T extends object>(cmd: Command): T & GlobalOptions {
  return cmd.optsWithGlobals() as T & GlobalOptions;
}

export async function withApp<R>(opts: GlobalOptions, fn: (app: App) => Promise<R>): Promise<R> {
  // Inside a running `vigil start` (forwarded command): use its App and leave it open.
  const running = hostedApp();
  if (running) return fn(running);
  const app = await openApp({ path: opts.config });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
