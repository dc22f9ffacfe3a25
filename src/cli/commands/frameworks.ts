import type { Command } from 'commander';
import { loadCatalog } from '../../catalog/index.ts';
import { optionsOf } from '../context.ts';
import { emit, table } from '../output.ts';

export function register(program: Command): void {
  program
    .command('frameworks')
    .description('list the frameworks and how many requirements (and assessment objectives) each has')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf(cmd);
      // Reference data only: no database needed, so this works before `vigil init`.
      const rows = loadCatalog().frameworks.map((f) => {
        const objectives = f.requirements.reduce((n, r) => n + (r.objectives?.length ?? 0), 0);
        return {
          id: f.id,
          name: f.name,
          version: f.version,
          requirements: f.requirements.length,
          ...(objectives > 0 ? { objectives } : {}),
        };
      });
      emit(opts, rows, (rs) =>
        table(
          ['ID', 'REQUIREMENTS', 'OBJECTIVES', 'NAME'],
          rs.map((r) => [r.id, r.requirements, r.objectives ?? '', r.name]),
        ),
      );
    });
}
