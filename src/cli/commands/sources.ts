import type { Command } from 'commander';
import { getConnector } from '../../connectors/registry.ts';
import { createRunContext, redactConfig, runTestConnection } from '../../connectors/sdk/index.ts';
import { effectiveSources, sourceView } from '../../core/sources.ts';
import { listSources } from '../../engine/sources.ts';
import { notFound } from '../../lib/errors.ts';
import { optionsOf, withApp } from '../context.ts';
import { emit, table } from '../output.ts';

const ago = (d: Date | null, now: Date) => {
  if (!d) return 'never';
  const m = Math.round((now.getTime() - d.getTime()) / 60_000);
  return m < 60 ? `${m} min ago` : m < 2880 ? `${Math.round(m / 60)} h ago` : `${Math.round(m / 1440)} d ago`;
};

/** Where a source is defined; a source no longer defined is listed for its history. */
const fromLabel = (origin: 'config' | 'api' | null) => (origin === 'config' ? 'vigil.yaml' : origin === 'api' ? 'api' : 'removed');

export function register(program: Command): void {
  const sources = program
    .command('sources')
    .description('the sources (vigil.yaml and added through the API) and their health: last success, last error, what they could not read')
    .action(async (_args, cmd: Command) => {
      const opts = optionsOf(cmd);
      await withApp(opts, async (app) => {
        const rows = await listSources(app.db.orm, app.workspace.id);
        const defined = await effectiveSources(app, app.workspace.id);
        const originOf = (name: string) => defined.find((d) => d.name === name)?.origin ?? null;
        const now = app.clock.now();
        const data = rows.map((s) => sourceView(s, defined));
        emit(opts, data, () => {
          if (!rows.length) return 'no sources configured: add some to vigil.yaml (see `vigil init`) or from the dashboard';
          const t = table(
            ['NAME', 'TYPE', 'FROM', 'STATUS', 'LAST SUCCESS', 'LAST ERROR'],
            rows.map((s) => [s.name, s.type, fromLabel(originOf(s.name)), s.enabled ? s.status : 'disabled', ago(s.lastSuccessAt, now), s.lastError ?? '']),
          );
          const gaps = rows.flatMap((s) => s.missing.map((m) => `  ${s.name}: could not read ${m.what} (${m.kind}): ${m.message}`));
          return gaps.length ? `${t}\n\nnot read:\n${gaps.join('\n')}` : t;
        });
      });
    });

  sources
    .command('test <name>')
    .description("try a source's credentials and base URL with one cheap request")
    .action(async (name: string, _o, cmd: Command) => {
      const opts = optionsOf(cmd);
      await withApp(opts, async (app) => {
        const all = await effectiveSources(app, app.workspace.id);
        const source = all.find((s) => s.name === name);
        if (!source) {
          throw notFound(`no source named "${name}"`, { hint: `sources: ${all.map((s) => s.name).join(', ') || '(none)'}` });
        }
        const connector = getConnector(source.type);
        const ctx = createRunContext({ connector, config: source.config, clock: app.clock, where: `source ${name}` });
        const info = await runTestConnection(ctx);
        emit(opts, { source: name, type: source.type, ok: true, ...info, config: redactConfig(connector, ctx.config) }, (r) => `${r.source}: ok — ${r.summary}`);
      });
    });
}
