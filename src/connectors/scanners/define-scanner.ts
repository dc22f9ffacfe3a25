/**
 * A scanner connector from a format: the same config (`path`, `target`), the same `scans` event
 * stream, the same connection test, for every format. A file source: no HTTP, no credentials.
 */
import { z } from 'zod';
import { defineConnector, defineEvents, type ConnectionInfo, type Connector, type RunContext } from '../sdk/index.ts';
import { scanRowSchema, SCANS } from './scan-row.ts';
import type { ScanFormat } from './scan-file.ts';
import { scanFilesAt, watchScans, type WatchConfig } from './watch.ts';

export const scannerConfigSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A scan file the scanner rewrites, or a folder it writes new files into (absolute, or relative to the folder Vigil runs in); each collection imports the files not imported before. Omit it for a source fed only by `vigil import` or the upload API.',
    ),
  target: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Name of what this source scans (e.g. github.com/acme/api), replacing the target the files name. Needed when the files name none (OSV-Scanner) or the same one for different things (a CI job running `trivy fs .` in each repository).",
    ),
});

export type ScannerConfig = z.output<typeof scannerConfigSchema>;

export interface ScannerManifest {
  title: string;
  description: string;
}

export function defineScanner(format: ScanFormat<unknown>, manifest: ScannerManifest): Connector<ScannerConfig> {
  const scans = defineEvents({
    name: SCANS,
    description: `One event per target scanned in each imported ${format.title} file: the findings open on it at the scan's time. Comparing successive scans of a target gives each finding's first-seen and fixed dates.`,
    schema: scanRowSchema,
    key: 'id',
    time: 'scannedAt',
    list: (ctx: RunContext<ScannerConfig>, cursor) => watchScans(ctx as RunContext<WatchConfig>, format, cursor),
  });
  return defineConnector({
    id: format.id,
    title: manifest.title,
    description: manifest.description,
    configSchema: scannerConfigSchema,
    auth: {
      description: 'None: Vigil reads files the scanner writes (or that are pushed with `vigil import` or the upload API). Vigil only needs read access to them.',
      permissions: ['read access to the scan file or folder (and execute access to the folder) for the user Vigil runs as'],
    },
    async testConnection(ctx): Promise<ConnectionInfo> {
      if (!ctx.config.path) {
        return { summary: 'no path configured: this source takes scans pushed with `vigil import` or the upload API', details: { mode: 'push' } };
      }
      const { kind, files } = await scanFilesAt(ctx.config.path, format);
      return {
        summary: kind === 'file' ? `${ctx.config.path} is readable` : `${ctx.config.path} is a readable folder with ${files.length} ${format.title} file(s)`,
        details: { mode: kind, files: files.length },
      };
    },
    resources: [],
    events: [scans],
  });
}
