/**
 * Grype's JSON report (`grype <image|dir:…|sbom:…> -o json`): `matches` of a vulnerability and the
 * artifact (package) it was found in, the `source` scanned (an image, with the reference the user
 * typed, or a directory), and the `descriptor` with Grype's version and the time of the scan.
 */
import { z } from 'zod';
import { finding, timeOf, type FormatScan, defineFormat } from '../scan-file.ts';
import { severityFromWord, severityRank, type FindingSeverity } from '../scan-row.ts';

const match = z.looseObject({
  vulnerability: z.looseObject({
    id: z.string().min(1),
    dataSource: z.string().optional(),
    severity: z.string().optional(),
    urls: z.array(z.string()).nullish(),
    description: z.string().optional(),
    fix: z.looseObject({ versions: z.array(z.string()).nullish(), state: z.string().optional() }).optional(),
  }),
  relatedVulnerabilities: z.array(z.looseObject({ id: z.string(), severity: z.string().optional() })).nullish(),
  artifact: z.looseObject({
    name: z.string().min(1),
    version: z.string(),
    type: z.string().optional(),
    locations: z.array(z.looseObject({ path: z.string().optional() })).nullish(),
  }),
});

const imageTarget = z.looseObject({ userInput: z.string().optional(), imageID: z.string().optional(), tags: z.array(z.string()).nullish() });

export const grypeReport = z.looseObject(
  {
    matches: z.array(match).nullable(),
    source: z
      .looseObject({ type: z.string().optional(), target: z.union([z.string(), imageTarget]) })
      .optional(),
    descriptor: z.looseObject({ name: z.string().optional(), version: z.string().optional(), timestamp: z.string().optional() }),
  },
  { error: 'expected a Grype JSON report: an object with matches, source and descriptor (grype … -o json)' },
);

type GrypeReport = z.output<typeof grypeReport>;

function targetOf(source: GrypeReport['source']): string | null {
  const t = source?.target;
  if (typeof t === 'string') return t || null;
  return t?.userInput || t?.tags?.[0] || t?.imageID || null;
}

type Match = z.output<typeof match>;

/** A distro feed may not rate a CVE its NVD record does: then the worst related rating stands in. */
function severityOf(m: Match): FindingSeverity {
  const own = severityFromWord(m.vulnerability.severity);
  if (own !== 'unknown') return own;
  const related = (m.relatedVulnerabilities ?? []).map((r) => severityFromWord(r.severity)).filter((s) => s !== 'unknown');
  return related.sort((a, b) => severityRank(a) - severityRank(b))[0] ?? 'unknown';
}

function toScans(doc: GrypeReport): FormatScan[] {
  const findings = (doc.matches ?? []).map((m) => {
    const v = m.vulnerability;
    const a = m.artifact;
    const fixes = v.fix?.state === 'fixed' ? (v.fix.versions ?? []) : [];
    const aliases = [...new Set((m.relatedVulnerabilities ?? []).map((r) => r.id).filter((id) => id !== v.id))].sort();
    return finding({
      key: `${v.id} ${a.name}@${a.version}`,
      kind: 'package',
      advisory: v.id,
      aliases,
      package: a.name,
      version: a.version,
      ecosystem: a.type ?? null,
      fixedVersion: fixes.length ? fixes.join(', ') : null,
      location: a.locations?.find((l) => l.path)?.path ?? null,
      severity: severityOf(m),
      title: v.description?.split(/\r?\n/, 1)[0]?.trim() || `${v.id} in ${a.name} ${a.version}`,
      url: v.dataSource || v.urls?.[0] || null,
    });
  });
  const version = doc.descriptor.version && !doc.descriptor.version.startsWith('[') ? ` ${doc.descriptor.version}` : '';
  return [
    {
      target: targetOf(doc.source),
      targetType: doc.source?.type ?? null,
      scanner: `${doc.descriptor.name || 'grype'}${version}`,
      scannedAt: timeOf(doc.descriptor.timestamp, ['descriptor', 'timestamp']),
      findings,
    },
  ];
}

export const grypeFormat = defineFormat<GrypeReport>({
  id: 'grype',
  title: 'Grype JSON',
  layout: 'document',
  schema: grypeReport,
  toScans,
  defaultTarget: 'grype',
  fileName: /\.json$/i,
});
