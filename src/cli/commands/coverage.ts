import type { Command } from 'commander';
import { createControlService, type CoverageReport } from '../../catalog/index.ts';
import { optionsOf, withApp } from '../context.ts';
import { emit, table } from '../output.ts';
import { linkList } from './controls.ts';

const shorten = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export function register(program: Command): void {
  program
    .command('coverage')
    .description("show, for every requirement of a framework, the workspace's controls that cover it")
    .requiredOption('--framework <id>', 'the framework: soc2, iso27001, nist-800-171 or cmmc-l2')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf<{ framework: string }>(cmd);
      const report = await withApp(opts, (app) =>
        createControlService({ db: app.db, workspaceId: app.workspace.id }).coverage(opts.framework),
      );
      emit(opts, report.requirements, () => human(report));
    });
}

function human(report: CoverageReport): string {
  // Controls last: a well-covered criterion lists many, and the last column is not padded.
  const rows = report.requirements.map((r) => [r.id, r.coverage, shorten(r.title, 60), linkList(r.controls) || '—']);
  const uncovered = report.requirements.filter((r) => r.coverage === 'uncovered');
  const s = report.summary;
  return [
    table(['REQUIREMENT', 'COVERAGE', 'TITLE', 'CONTROLS'], rows),
    '',
    uncovered.length ? `Uncovered (${uncovered.length}):` : 'Uncovered: none',
    ...uncovered.map((r) => `  ${r.id}  ${r.title}`),
    '',
    `${report.framework}: ${s.total} requirements — ${s.direct} covered directly, ${s.supportingOnly} only by supporting controls, ${s.uncovered} uncovered`,
  ].join('\n');
}
