/**
 * `vigil import --type trivy|grype|osv-scanner|sarif|ocsf FILE…`: push scanner results into the
 * source of that type, each file all-or-nothing, then judge the checks whose inputs changed. A
 * malformed file is reported with its line and the others are still imported; the exit code says
 * something was refused.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { scannerTypes } from '../../connectors/scanners/index.ts';
import { importScan, resolveScanSource, type ImportScanResult } from '../../core/scan-import.ts';
import { effectiveSources } from '../../core/sources.ts';
import { VigilError, exitCodeFor, isVigilError } from '../../lib/errors.ts';
import { optionsOf, withApp } from '../context.ts';
import { resolveUserPath, setExitCode } from '../io.ts';
import { emit, progress, table } from '../output.ts';

interface ImportOptions {
  type: string;
  source?: string;
  target?: string;
  evaluate: boolean;
}

type FileOutcome =
  | ({ file: string; status: 'imported' | 'duplicate' } & Omit<ImportScanResult, 'file' | 'duplicate'>)
  | { file: string; status: 'rejected'; error: Record<string, unknown> };

async function bytesOf(file: string): Promise<Buffer> {
  const path = resolveUserPath(file);
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VigilError(code === 'ENOENT' ? 'NotFound' : code === 'EACCES' ? 'PermissionDenied' : 'InvalidInput', `cannot read the file: ${(e as Error).message}`, { where: path, cause: e });
  }
}

export function register(program: Command): void {
  program
    .command('import')
    .description('import scanner results from files into the source of their type, then judge the vulnerability checks')
    .argument('<files...>', 'scan files (as the scanner wrote them)')
    .requiredOption('--type <type>', `file format: ${scannerTypes.join(' | ')}`)
    .option('--source <name>', 'the source to import into (default: the one enabled source of that type)')
    .option('--target <name>', 'what was scanned (e.g. github.com/acme/api), replacing the target the file names; needed for OSV-Scanner and `trivy fs .`')
    .option('--no-evaluate', 'import only; do not run the checks afterwards')
    .action(async (files: string[], _opts, cmd: Command) => {
      const opts = optionsOf<ImportOptions>(cmd);
      await withApp(opts, async (app) => {
        const deps = { db: app.db, clock: app.clock, evidence: app.evidence.log, sources: await effectiveSources(app, app.workspace.id) };
        // A wrong type or a missing source is wrong for every file: say so once.
        const source = await resolveScanSource(app.db, app.workspace.id, opts.type, opts.source);
        const outcomes: FileOutcome[] = [];
        for (const [i, file] of files.entries()) {
          progress(opts, `[${i + 1}/${files.length}] importing ${file}…`);
          try {
            const r = await importScan(deps, app.workspace.id, opts.type, await bytesOf(file), file, { source, target: opts.target });
            const { duplicate: _d, file: _f, ...rest } = r;
            outcomes.push({ file, status: r.duplicate ? 'duplicate' : 'imported', ...rest });
          } catch (e) {
            if (!isVigilError(e)) throw e;
            setExitCode(exitCodeFor[e._tag]);
            outcomes.push({ file, status: 'rejected', error: e.toJSON() });
          }
        }
        const changed = outcomes.some((o) => o.status === 'imported');
        if (changed && opts.evaluate) progress(opts, 'judging the checks whose inputs changed…');
        const evaluation = changed && opts.evaluate ? await app.monitor.evaluate(app.workspace.id, { onlyChanged: true }) : [];
        emit(opts, { source, files: outcomes, evaluation }, (r) => {
          const rows = r.files.map((o) =>
            o.status === 'rejected'
              ? [o.file, 'rejected', '', '', `${String(o.error.where ?? o.file)}: ${String(o.error.message)}`]
              : [o.file, o.status, o.scans.map((s) => s.target).join(', '), o.scans.reduce((n, s) => n + s.findings, 0), o.scans.map((s) => `${s.scannedAt}${s.timeSource === 'import' ? ' (import time)' : ''}`).join(', ')],
          );
          const lines = [`source ${r.source}`, table(['FILE', 'STATUS', 'TARGETS', 'FINDINGS', 'SCANNED AT / PROBLEM'], rows)];
          // Checks without a source to judge them are only counted; the rest say how they went, and why when not judged.
          const run = r.evaluation.filter((e) => e.outcome !== 'skipped' && e.outcome !== 'not_applicable');
          const inapplicable = r.evaluation.filter((e) => e.outcome === 'not_applicable').length;
          if (run.length) lines.push('', 'checks run:', ...run.map((e) => `  ${e.check}: ${e.outcome}${e.outcome === 'judged' ? ` (${e.results} results, ${e.changes} changed)` : e.reason ? ` — ${e.reason}` : ''}`));
          if (inapplicable) lines.push(`  (${inapplicable} other checks have no source to judge them)`);
          return lines.join('\n');
        });
      });
    });
}
