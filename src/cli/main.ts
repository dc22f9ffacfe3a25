/**
 * The `vigil` command line. One file per command in ./commands; each parses its arguments and
 * calls core. Errors are printed as one line and mapped to the exit codes in src/lib/errors.ts
 * (documented in docs/cli.md).
 */
import { Command, CommanderError } from 'commander';
import { exitCodeFor, exitCodes, isVigilError } from '../lib/errors.ts';
import { register as init } from './commands/init.ts';
import { register as start } from './commands/start.ts';

const commands = [init, start];

export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Continuous compliance monitoring: collect evidence, judge controls, prove it.')
    .option('-c, --config <path>', 'config file (default: ./vigil.yaml)')
    .option('--json', 'machine-readable output on stdout')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return exitCodes.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      return e.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    if (isVigilError(e)) {
      if (json) process.stderr.write(`${JSON.stringify(e.toJSON())}\n`);
      else process.stderr.write(`vigil: ${e.oneLine()}\n`);
      return exitCodeFor[e._tag];
    }
    process.stderr.write(`vigil: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    return exitCodes.internal;
  }
}
