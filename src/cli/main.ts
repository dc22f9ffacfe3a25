/**
 * The `vigil` command line. One file per command in ./commands; each parses its arguments and
 * calls core. Errors are printed as one line and mapped to the exit codes in src/lib/errors.ts
 * (documented in docs/cli.md).
 */
import { Command, CommanderError } from 'commander';
import { loadConfig } from '../core/config/load.ts';
import { exitCodeFor, exitCodes, isVigilError } from '../lib/errors.ts';
import { currentIo, runWithIo, type Io } from './io.ts';
import { forwardToRunning, hostedApp } from './remote.ts';
import { register as init } from './commands/init.ts';
import { register as start } from './commands/start.ts';
import { register as frameworks } from './commands/frameworks.ts';
import { register as controls } from './commands/controls.ts';
import { register as coverage } from './commands/coverage.ts';
import { register as evidence } from './commands/evidence.ts';
import { register as sources } from './commands/sources.ts';
import { register as collect } from './commands/collect.ts';
import { register as check } from './commands/check.ts';
import { register as findings } from './commands/findings.ts';
import { register as worker } from './commands/worker.ts';
import { register as importScans } from './commands/import.ts';
import { register as users } from './commands/users.ts';

const commands = [init, start, worker, frameworks, controls, coverage, evidence, sources, collect, importScans, check, findings, users];

export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Continuous compliance monitoring: collect evidence, judge controls, prove it.')
    .option('-c, --config <path>', 'config file (default: ./vigil.yaml)')
    .option('--json', 'machine-readable output on stdout')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => currentIo().out(s), writeErr: (s) => currentIo().err(s) })
    .exitOverride();
  for (const register of commands) register(program);
  for (const c of program.commands) {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => currentIo().out(s), writeErr: (s) => currentIo().err(s) });
  }
  return program;
}

/** Commands that must run in this process (they open or create the data folder themselves). */
const LOCAL_ONLY = new Set(['start', 'init', 'worker', 'help']);

/**
 * On the embedded database, a command run while `vigil start` holds the data folder is forwarded
 * to that process (see remote.ts). Returns undefined when the command should run here.
 */
async function maybeForward(argv: string[]): Promise<number | undefined> {
  if (hostedApp()) return undefined;
  const args = argv.slice(2);
  const first = args.find((a) => !a.startsWith('-'));
  if (!first || LOCAL_ONLY.has(first) || args.includes('--help') || args.includes('-h')) return undefined;
  let loaded;
  try {
    const i = args.findIndex((a) => a === '-c' || a === '--config');
    loaded = loadConfig({ path: i >= 0 ? args[i + 1] : undefined });
  } catch {
    return undefined; // let the command itself report the config error
  }
  if (loaded.databaseUrl) return undefined; // PostgreSQL serves many processes itself
  return forwardToRunning(loaded.dataDir, args);
}

export async function main(argv: string[]): Promise<number> {
  const forwarded = await maybeForward(argv);
  if (forwarded !== undefined) return forwarded;
  const program = buildProgram();
  const json = argv.includes('--json');
  const outer = currentIo();
  // A fresh Io per invocation, so one command's requested exit code never leaks into the next.
  const io: Io = { out: outer.out, err: outer.err, isTTY: outer.isTTY, cwd: outer.cwd };
  try {
    await runWithIo(io, () => program.parseAsync(argv));
    return io.exitCode ?? exitCodes.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      return e.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    if (isVigilError(e)) {
      if (json) io.err(`${JSON.stringify(e.toJSON())}\n`);
      else io.err(`vigil: ${e.oneLine()}\n`);
      return exitCodeFor[e._tag];
    }
    io.err(`vigil: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    return exitCodes.internal;
  }
}
