/**
 * OSV-Scanner's JSON output (`osv-scanner scan --format json`): per package source (a lockfile,
 * an SBOM, a container image) the vulnerable packages, each with its OSV records and `groups` of
 * ids that are the same vulnerability under different names. One finding per group. The output
 * carries no time and names no overall target: the import time and the source's `target` stand in.
 */
import { z } from 'zod';
import { finding, type FormatScan, defineFormat } from '../scan-file.ts';
import { severityFromScore, severityFromWord, severityRank, type FindingRow, type FindingSeverity } from '../scan-row.ts';

const osvRecord = z.looseObject({
  id: z.string().min(1),
  summary: z.string().optional(),
  details: z.string().optional(),
  aliases: z.array(z.string()).nullish(),
  database_specific: z.looseObject({ severity: z.string().optional() }).nullish(),
  affected: z
    .array(
      z.looseObject({
        package: z.looseObject({ name: z.string().optional() }).optional(),
        ranges: z.array(z.looseObject({ events: z.array(z.looseObject({ fixed: z.string().optional() })).nullish() })).nullish(),
      }),
    )
    .nullish(),
});

const pkg = z.looseObject({
  package: z.looseObject({ name: z.string().min(1), version: z.string(), ecosystem: z.string().optional() }),
  vulnerabilities: z.array(osvRecord).nullish(),
  groups: z.array(z.looseObject({ ids: z.array(z.string()).min(1), aliases: z.array(z.string()).nullish(), max_severity: z.string().optional() })).nullish(),
});

const packageSource = z.looseObject({ path: z.string(), type: z.string().optional() });

export const osvReport = z.looseObject(
  {
    results: z.array(
      z.looseObject({
        // `packageSource` in the first releases, `source` since.
        source: packageSource.optional(),
        packageSource: packageSource.optional(),
        packages: z.array(pkg).nullish(),
      }),
    ),
  },
  { error: 'expected OSV-Scanner JSON output: an object with results (osv-scanner … --format json)' },
);

type OsvReport = z.output<typeof osvReport>;
type OsvRecord = z.output<typeof osvRecord>;

/** A CVE names a vulnerability across tools; prefer it, else the first id in order. */
function preferredId(ids: string[]): string {
  const sorted = [...new Set(ids)].sort();
  return sorted.find((id) => id.startsWith('CVE-')) ?? sorted[0]!;
}

function fixedIn(records: OsvRecord[], name: string): string | null {
  const versions = new Set<string>();
  for (const r of records) {
    for (const a of r.affected ?? []) {
      if (a.package?.name && a.package.name !== name) continue;
      for (const range of a.ranges ?? []) for (const e of range.events ?? []) if (e.fixed) versions.add(e.fixed);
    }
  }
  return versions.size ? [...versions].join(', ') : null;
}

function severityOf(records: OsvRecord[], maxSeverity: string | undefined): FindingSeverity {
  const score = maxSeverity === undefined || maxSeverity === '' ? NaN : Number(maxSeverity);
  if (Number.isFinite(score)) return severityFromScore(score);
  const words = records.map((r) => severityFromWord(r.database_specific?.severity)).filter((s) => s !== 'unknown');
  return words.sort((a, b) => severityRank(a) - severityRank(b))[0] ?? 'unknown';
}

function toScans(doc: OsvReport): FormatScan[] {
  const findings: FindingRow[] = [];
  for (const result of doc.results) {
    const location = (result.source ?? result.packageSource)?.path ?? null;
    for (const p of result.packages ?? []) {
      const { name, version, ecosystem } = p.package;
      const records = p.vulnerabilities ?? [];
      const groups = p.groups?.length ? p.groups : records.map((r) => ({ ids: [r.id], aliases: r.aliases ?? [], max_severity: undefined }));
      for (const g of groups) {
        const members = records.filter((r) => g.ids.includes(r.id));
        const allIds = [...g.ids, ...(g.aliases ?? []), ...members.flatMap((r) => r.aliases ?? [])];
        const advisory = preferredId(allIds);
        const first = members[0];
        findings.push(
          finding({
            key: `${advisory} ${name}@${version}`,
            kind: 'package',
            advisory,
            aliases: [...new Set(allIds)].filter((id) => id !== advisory).sort(),
            package: name,
            version,
            ecosystem: ecosystem ?? null,
            fixedVersion: fixedIn(members, name),
            location,
            severity: severityOf(members, g.max_severity),
            title: first?.summary || first?.details?.split(/\r?\n/, 1)[0]?.trim() || `${advisory} in ${name} ${version}`,
            url: `https://osv.dev/vulnerability/${g.ids[0]}`,
          }),
        );
      }
    }
  }
  return [{ target: null, targetType: null, scanner: 'OSV-Scanner', scannedAt: null, findings }];
}

export const osvFormat = defineFormat<OsvReport>({
  id: 'osv-scanner',
  title: 'OSV-Scanner JSON',
  layout: 'document',
  schema: osvReport,
  toScans,
  defaultTarget: 'osv-scanner',
  fileName: /\.json$/i,
});
