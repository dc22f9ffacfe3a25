/**
 * Pushing scanner results (Trivy, Grype, OSV-Scanner, SARIF, OCSF) from CI: the upload side of
 * `vigil import`. A malformed file is refused with its line and stores nothing; the same file twice
 * stores nothing new. The checks whose inputs changed are judged afterwards.
 */
import { z } from 'zod';
import { scannerTypes } from '../../connectors/scanners/index.ts';
import { importScan } from '../../core/scan-import.ts';
import { effectiveSources } from '../../core/sources.ts';
import { defineRoute } from '../http/route.ts';
import { isoTime } from '../http/schemas.ts';

export const importRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/imports',
    operationId: 'importScan',
    summary: 'Upload a scanner results file into the source of its type, then judge what changed',
    description: 'multipart/form-data with `type`, `file`, and optionally `source` (when several sources have the type) and `target` (what was scanned). At most 50 MiB.',
    tag: 'imports',
    access: 'admin',
    status: 201,
    bodyType: 'multipart',
    maxBody: 50 * 1024 * 1024,
    body: z.object({
      type: z.enum(scannerTypes),
      file: z.file(),
      source: z.string().max(200).optional(),
      target: z.string().max(500).optional(),
    }),
    response: z.object({
      source: z.string(),
      type: z.string(),
      file: z.string(),
      sha256: z.string(),
      duplicate: z.boolean().describe('Every scan in the file was stored by an earlier import: nothing was written.'),
      scans: z.array(
        z.object({ key: z.string(), target: z.string(), scannedAt: isoTime(), timeSource: z.string(), findings: z.number().int(), stored: z.boolean(), evidenceId: z.string().nullable() }),
      ),
      evaluation: z.array(z.object({ check: z.string(), outcome: z.string(), results: z.number(), changes: z.number(), reason: z.string().optional() })),
    }),
    audit: ({ body, result }) => {
      const r = result as { source: string; sha256: string; duplicate: boolean };
      return { action: 'scan.import', subject: `source/${r.source}`, details: { type: body.type, file: body.file.name, sha256: r.sha256, duplicate: r.duplicate } };
    },
    handler: async ({ ctx, body }) => {
      const { app } = ctx;
      const r = await importScan(
        { db: app.db, clock: app.clock, evidence: app.evidence.log, sources: await effectiveSources(app, ctx.workspaceId) },
        ctx.workspaceId,
        body.type,
        new Uint8Array(await body.file.arrayBuffer()),
        body.file.name || 'upload',
        { source: body.source, target: body.target },
      );
      const evaluation = r.duplicate ? [] : await app.monitor.evaluate(ctx.workspaceId, { onlyChanged: true });
      return {
        source: r.source,
        type: r.type,
        file: r.file,
        sha256: r.sha256,
        duplicate: r.duplicate,
        scans: r.scans.map((x) => ({ key: x.key, target: x.target, scannedAt: x.scannedAt, timeSource: String(x.timeSource), findings: x.findings, stored: x.stored, evidenceId: x.evidenceId })),
        evaluation,
      };
    },
  }),
];
