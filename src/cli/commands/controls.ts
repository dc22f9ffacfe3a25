import type { Command } from 'commander';
import { createControlService } from '../../catalog/index.ts';
import { optionsOf, withApp } from '../context.ts';
import { emit, table } from '../output.ts';

/** `CC6.1 CC6.2 (CC6.3)`: direct links plain, supporting ones in parentheses. */
export function linkList(links: { id: string; strength: string }[]): string {
  return links.map((l) => (l.strength === 'direct' ? l.id : `(${l.id})`)).join(' ');
}

export function register(program: Command): void {
  program
    .command('controls')
    .description("list the workspace's controls (library and controls as code) with their requirement links")
    .option('--framework <id>', 'only controls linked to this framework, with only those links (soc2, iso27001, nist-800-171, cmmc-l2)')
    .option('--area <area>', 'only controls of this area (access, change, logging, …)')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf<{ framework?: string; area?: string }>(cmd);
      const controls = await withApp(opts, (app) =>
        createControlService({ db: app.db, workspaceId: app.workspace.id }).list({ framework: opts.framework, area: opts.area }),
      );
      emit(opts, controls, (cs) => {
        if (cs.length === 0) return 'no controls match';
        const rows = cs.map((c) => [c.id, c.area, c.frequency, c.ownerRole, c.title, linkList(c.requirements)]);
        return [
          table(['ID', 'AREA', 'FREQUENCY', 'OWNER ROLE', 'TITLE', 'REQUIREMENTS'], rows),
          '',
          `${cs.length} control${cs.length === 1 ? '' : 's'}; requirements in parentheses are supporting links, the rest direct`,
        ].join('\n');
      });
    });
}
