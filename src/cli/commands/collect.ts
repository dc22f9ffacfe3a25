import type { Command } from 'commander';
import { exitCodes } from '../../lib/errors.ts';
import { optionsOf, withApp } from '../context.ts';
import { setExitCode } from '../io.ts';
import { emit, progress, table } from '../output.ts';

export function register(program: Command): void {
  program
    .command('collect')
    .description('collect from every enabled source (or one), then judge the checks whose inputs changed')
    .option('--source <name>', 'only this source')
    .option('--no-evaluate', 'collect only; do not run checks afterwards')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf<{ source?: string; evaluate: boolean }>(cmd);
      await withApp(opts, async (app) => {
        const { outcomes, evaluation } = await app.monitor.collect(app.workspace.id, opts.source, {
          evaluate: opts.evaluate,
          onProgress: (m) => progress(opts, m),
        });
        if (outcomes.some((o) => o.status === 'failed')) setExitCode(exitCodes.unavailable);
        emit(opts, { sources: outcomes, evaluation }, (r) => {
          const lines = [
            table(
              ['SOURCE', 'STATUS', 'ROWS', 'CHANGED', 'PROBLEM'],
              r.sources.map((o) => [
                o.source,
                o.status,
                o.items.reduce((n, i) => n + i.rows, 0),
                o.items.reduce((n, i) => n + (i.changed ?? 0), 0),
                o.error ?? o.items.filter((i) => i.message).map((i) => `${i.name}: ${i.message}`).join('; '),
              ]),
            ),
          ];
          const judged = r.evaluation.filter((e) => e.outcome !== 'skipped');
          if (judged.length) lines.push('', `checks run: ${judged.length} (${judged.reduce((n, e) => n + e.changes, 0)} results changed)`);
          return lines.join('\n');
        });
      });
    });
}
