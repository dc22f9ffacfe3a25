/**
 * Running the CLI in-process from a test: `runCli(['controls', '--json'])` returns the exit code
 * and what was printed. `cliProject()` makes a temporary folder with a vigil.yaml whose database is
 * an embedded one in that folder, or a throwaway PostgreSQL database when TEST_DATABASE_URL is set,
 * so CLI tests run on both like every other database test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThrowawayDatabase } from '../db/testing.ts';
import { runWithIo } from './io.ts';
import { main } from './main.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(args: string[], cwd: string = process.cwd()): Promise<CliRun> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), isTTY: false, cwd };
  const code = await runWithIo(io, () => main(['node', 'vigil', ...args]));
  return { code, out, err };
}

export interface CliProject {
  dir: string;
  /** Absolute path of the project's vigil.yaml, for `-c`. */
  config: string;
  /** Rewrite vigil.yaml with extra YAML appended to the database settings. */
  writeConfig(extra?: string): void;
  close(): Promise<void>;
}

export async function cliProject(): Promise<CliProject> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  const base = process.env.TEST_DATABASE_URL;
  const pg = base ? await createThrowawayDatabase(base) : undefined;
  const config = join(dir, 'vigil.yaml');
  const database = pg ? `database:\n  url: ${pg.url}\n` : 'dataDir: .vigil\n';
  const project: CliProject = {
    dir,
    config,
    writeConfig: (extra = '') => writeFileSync(config, `workspace:\n  slug: test\n${database}${extra}`),
    async close() {
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  project.writeConfig();
  return project;
}
