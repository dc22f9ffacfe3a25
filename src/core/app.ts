/**
 * Opening Vigil: read the config, open (and migrate) the database, make sure the workspace exists.
 * The CLI commands and the server all start here, so they see the same world.
 */
import { mkdirSync } from 'node:fs';
import { createDb, type Database } from '../db/client.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import type { WorkspaceRow } from '../db/schema/workspaces.ts';
import { systemClock, type Clock } from '../lib/clock.ts';
import { loadConfig, type LoadedConfig, type LoadOptions } from './config/load.ts';

export interface App {
  loaded: LoadedConfig;
  db: Database;
  workspace: WorkspaceRow;
  clock: Clock;
  close(): Promise<void>;
}

export interface OpenAppOptions extends LoadOptions {
  clock?: Clock;
  /** An already-loaded config (e.g. the demo's), instead of reading vigil.yaml. */
  loaded?: LoadedConfig;
}

export async function openApp(options: OpenAppOptions = {}): Promise<App> {
  const loaded = options.loaded ?? loadConfig(options);
  ensureDataDir(loaded.dataDir);
  const db = await createDb({
    url: loaded.databaseUrl,
    dataDir: loaded.databaseUrl ? undefined : `${loaded.dataDir}/pgdata`,
  });
  try {
    const workspace = await createWorkspaceRepo(db.orm).ensure(loaded.config.workspace.slug, loaded.config.workspace.name);
    return {
      loaded,
      db,
      workspace,
      clock: options.clock ?? systemClock,
      close: () => db.close(),
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/** The data folder and its fixed sub-folders. Safe to call repeatedly. */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
