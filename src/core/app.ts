/**
 * Opening Vigil: read the config, open (and migrate) the database, make sure the workspace exists.
 * The CLI commands and the server all start here, so they see the same world.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { syncControls } from '../catalog/index.ts';
import { createDb, type Database } from '../db/client.ts';
import { ensureSigningKey } from '../evidence/keys.ts';
import { createWorkspaceRepo } from '../db/repositories/workspaces.ts';
import type { WorkspaceRow } from '../db/schema/workspaces.ts';
import { systemClock, type Clock } from '../lib/clock.ts';
import { loadConfig, type LoadedConfig, type LoadOptions } from './config/load.ts';
import { openEvidence, type Evidence } from '../evidence/index.ts';
import { createAlerter, type Alerter } from '../notify/index.ts';
import { builtInChecks } from '../checks/registry.ts';
import { createMonitor, type Monitor } from './monitor.ts';
import { createOwnerResolver } from './owners.ts';
import { loadSqlChecks } from '../checks/sql/load.ts';
import { controls } from '../db/schema/controls.ts';
import { eq } from 'drizzle-orm';
import { createSecretBox, type SecretBox } from './secret-box.ts';
import { createSourceStore, type SourceStore } from './sources.ts';
import { createChannelStore, type ChannelStore } from './channels.ts';
import type { SettingsStore } from './settings.ts';

export interface App {
  loaded: LoadedConfig;
  db: Database;
  workspace: WorkspaceRow;
  clock: Clock;
  evidence: Evidence;
  alerter: Alerter;
  monitor: Monitor;
  /** Seals and opens the secrets of sources and channels added through the API. */
  secrets: SecretBox;
  /** Sources added through the API (see effectiveSources in ./sources.ts for the merged list). */
  sourceStore: SourceStore;
  /** Alert channels added through the API (the alerter and dispatcher use them beside vigil.yaml's). */
  channelStore: ChannelStore;
  /** SLAs and check parameters overridden through the API, merged with vigil.yaml (the monitor's). */
  settings: SettingsStore;
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
  ensureSigningKey(loaded.dataDir); // signs evidence checkpoints; created once, never replaced
  const db = await createDb({
    url: loaded.databaseUrl,
    dataDir: loaded.databaseUrl ? undefined : `${loaded.dataDir}/pgdata`,
  });
  try {
    const baseDir = loaded.file ? dirname(loaded.file) : (options.cwd ?? process.cwd());
    return await composeApp({ db, loaded, baseDir, clock: options.clock ?? systemClock, env: options.env });
  } catch (e) {
    await db.close();
    throw e;
  }
}

export interface ComposeOptions {
  /** An open, migrated database; the App owns it from here (App.close closes it). */
  db: Database;
  loaded: LoadedConfig;
  /** Where relative paths of vigil.yaml (controls.paths, checks.paths) are read from. */
  baseDir: string;
  clock: Clock;
  /** Where VIGIL_SECRET_KEY is read from (default process.env; tests pass their own). */
  env?: NodeJS.ProcessEnv | undefined;
}

/** The parts of Vigil over an open database: openApp's work after opening it (tests call it too). */
export async function composeApp({ db, loaded, baseDir, clock, env }: ComposeOptions): Promise<App> {
  const workspace = await createWorkspaceRepo(db.orm).ensure(loaded.config.workspace.slug, loaded.config.workspace.name);
  // The library plus controls as code (controls.paths, relative to vigil.yaml), so every command sees the same controls.
  await syncControls({ db, workspaceId: workspace.id, paths: loaded.config.controls.paths, baseDir });
  const controlIds = new Set((await db.orm.select({ id: controls.id }).from(controls).where(eq(controls.workspaceId, workspace.id))).map((c) => c.id));
  const customChecks = loadSqlChecks(loaded.config.checks.paths, baseDir, { checkIds: new Set(builtInChecks.map((c) => c.id)), controlIds });
  const evidence = openEvidence({ db, clock, dataDir: loaded.dataDir });
  const secrets = createSecretBox({ dataDir: loaded.dataDir, ...(env ? { env } : {}) });
  const sourceStore = createSourceStore({ db, clock, secrets });
  const channelStore = createChannelStore({ db, clock, secrets, publicUrl: loaded.config.server.publicUrl, declared: loaded.config.alerts.channels.map((c) => c.name) });
  const alerter = createAlerter({ db, clock, config: loaded.config.alerts, more: channelStore.routing });
  const monitor = createMonitor({
    db,
    clock,
    evidence: evidence.log,
    blobs: evidence.blobs,
    alerts: alerter,
    config: loaded.config,
    checks: [...builtInChecks, ...customChecks],
    resolveOwner: createOwnerResolver(workspace.id, loaded.config.findings.ownerRules),
    configFile: loaded.file ?? 'vigil.yaml',
    sourceStore,
  });
  await monitor.sync(workspace.id);
  return {
    loaded,
    db,
    workspace,
    clock,
    evidence,
    alerter,
    monitor,
    secrets,
    sourceStore,
    channelStore,
    settings: monitor.settings,
    close: async () => {
      await channelStore.close();
      await db.close();
    },
  };
}

/** The data folder and its fixed sub-folders. Safe to call repeatedly. */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
