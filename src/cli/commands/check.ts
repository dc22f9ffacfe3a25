import type { Command } from 'commander';
import { severities, type Severity } from '../../core/config/schema.ts';
import { atOrAbove, currentResults } from '../../core/results-query.ts';
import { exitCodes, invalidInput } from '../../lib/errors.ts';
import { optionsOf, withApp } from '../context.ts';
import { setExitCode } from '../io.ts';
import { emit, table } from '../output.ts';

export function register(program: Command): void {
  program
    .command('check')
    .description('judge every check over the stored data now and print the results (CI: --fail-on)')
    .option('--control <id>', 'only checks that test this control')
    .option('--fail-on <severity>', `exit 1 when an unmuted failure at or above this severity exists (${severities.join(', ')})`)
    .option('--all', 'print passing results too (default: everything but passes)')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf<{ control?: string; failOn?: string; all?: boolean }>(cmd);
      if (opts.failOn && !severities.includes(opts.failOn as Severity)) {
        throw invalidInput(`--fail-on must be one of ${severities.join(', ')}, got "${opts.failOn}"`, { where: '--fail-on' });
      }
      await withApp(opts, async (app) => {
        const ids = opts.control ? app.monitor.checks.filter((c) => c.check.controls.includes(opts.control!)).map((c) => c.check.id) : undefined;
        await app.monitor.evaluate(app.workspace.id, ids ? { checkIds: ids } : {});
        const results = await currentResults(app.db, app.workspace.id, app.monitor.checks, opts.control ? { control: opts.control } : {});
        const gate = opts.failOn as Severity | undefined;
        if (gate && results.some((r) => r.status === 'fail' && !r.muted && atOrAbove(r.severity, gate))) setExitCode(exitCodes.failuresFound);
        emit(opts, results, (rs) => {
          const shown = opts.all ? rs : rs.filter((r) => r.status !== 'pass');
          const counts = ['pass', 'fail', 'stale', 'error', 'not_applicable'].map((s) => `${rs.filter((r) => r.status === s).length} ${s}`).join(', ');
          if (!rs.length) return 'no results yet: no check has inputs to judge (add sources to vigil.yaml, then `vigil collect`)';
          if (!shown.length) return `${counts}\nevery result passes`;
          return `${table(
            ['STATUS', 'SEVERITY', 'CHECK', 'RESOURCE', 'REASON'],
            shown.map((r) => [r.muted ? 'muted' : r.status, r.severity, r.check, r.resource, r.reason]),
          )}\n\n${counts}`;
        });
      });
    });
}
