/**
 * Trivy's JSON report (`trivy image|fs|repo --format json`, SchemaVersion 2): the artifact scanned
 * (`ArtifactName`), when (`CreatedAt`, Trivy 0.48 and later), and per result (an OS, a lockfile,
 * a binary, a config file) its vulnerabilities, failed misconfigurations and secrets.
 */
import { z } from 'zod';
import { finding, timeOf, type FormatScan, defineFormat } from '../scan-file.ts';
import { severityFromWord, type FindingRow } from '../scan-row.ts';

const vulnerability = z.looseObject({
  VulnerabilityID: z.string().min(1),
  PkgName: z.string().min(1),
  PkgPath: z.string().optional(),
  InstalledVersion: z.string(),
  FixedVersion: z.string().optional(),
  Severity: z.string().optional(),
  Title: z.string().optional(),
  Description: z.string().optional(),
  PrimaryURL: z.string().optional(),
});

const misconfiguration = z.looseObject({
  ID: z.string().min(1),
  AVDID: z.string().optional(),
  Title: z.string().optional(),
  Message: z.string().optional(),
  Severity: z.string().optional(),
  PrimaryURL: z.string().optional(),
  Status: z.string().optional(),
  CauseMetadata: z.looseObject({ Resource: z.string().optional(), StartLine: z.number().optional() }).optional(),
});

const secret = z.looseObject({
  RuleID: z.string().min(1),
  Severity: z.string().optional(),
  Title: z.string().optional(),
  StartLine: z.number().optional(),
});

const result = z.looseObject({
  Target: z.string(),
  Class: z.string().optional(),
  Type: z.string().optional(),
  Vulnerabilities: z.array(vulnerability).nullish(),
  Misconfigurations: z.array(misconfiguration).nullish(),
  Secrets: z.array(secret).nullish(),
});

export const trivyReport = z.looseObject(
  {
    SchemaVersion: z.literal(2, { error: 'SchemaVersion must be 2 (Trivy 0.20 and later with --format json)' }),
    CreatedAt: z.string().optional(),
    ArtifactName: z.string().min(1, 'ArtifactName is empty'),
    ArtifactType: z.string().optional(),
    Results: z.array(result).nullish(),
    Trivy: z.looseObject({ Version: z.string().optional() }).optional(),
  },
  { error: 'expected a Trivy JSON report: an object with SchemaVersion 2, ArtifactName and Results (trivy … --format json)' },
);

type TrivyReport = z.output<typeof trivyReport>;

const firstLine = (s: string | undefined) => s?.split(/\r?\n/, 1)[0]?.trim() || undefined;

function toScans(doc: TrivyReport): FormatScan[] {
  const findings: FindingRow[] = [];
  for (const r of doc.Results ?? []) {
    for (const v of r.Vulnerabilities ?? []) {
      findings.push(
        finding({
          key: `${v.VulnerabilityID} ${v.PkgName}@${v.InstalledVersion}`,
          kind: 'package',
          advisory: v.VulnerabilityID,
          package: v.PkgName,
          version: v.InstalledVersion,
          ecosystem: r.Type ?? null,
          fixedVersion: v.FixedVersion || null,
          location: v.PkgPath ? `${r.Target}: ${v.PkgPath}` : r.Target,
          severity: severityFromWord(v.Severity),
          title: v.Title ?? firstLine(v.Description) ?? `${v.VulnerabilityID} in ${v.PkgName} ${v.InstalledVersion}`,
          url: v.PrimaryURL ?? null,
        }),
      );
    }
    for (const m of r.Misconfigurations ?? []) {
      // With --include-non-failures Trivy lists passed checks too; only failures are findings.
      if (m.Status && m.Status !== 'FAIL') continue;
      const id = m.AVDID || m.ID;
      const resource = m.CauseMetadata?.Resource;
      findings.push(
        finding({
          key: `${id} ${r.Target}${resource ? ` ${resource}` : ''}`,
          kind: 'config',
          advisory: id,
          aliases: m.AVDID && m.AVDID !== m.ID ? [m.ID] : [],
          location: m.CauseMetadata?.StartLine ? `${r.Target}:${m.CauseMetadata.StartLine}` : r.Target,
          severity: severityFromWord(m.Severity),
          title: m.Title ?? m.Message ?? id,
          url: m.PrimaryURL ?? null,
        }),
      );
    }
    for (const s of r.Secrets ?? []) {
      const where = s.StartLine ? `${r.Target}:${s.StartLine}` : r.Target;
      findings.push(finding({ key: `${s.RuleID} ${where}`, kind: 'secret', advisory: s.RuleID, location: where, severity: severityFromWord(s.Severity), title: s.Title ?? s.RuleID }));
    }
  }
  return [
    {
      target: doc.ArtifactName,
      targetType: doc.ArtifactType ?? null,
      scanner: doc.Trivy?.Version ? `Trivy ${doc.Trivy.Version}` : 'Trivy',
      scannedAt: timeOf(doc.CreatedAt, ['CreatedAt']),
      findings,
    },
  ];
}

export const trivyFormat = defineFormat<TrivyReport>({
  id: 'trivy',
  title: 'Trivy JSON',
  layout: 'document',
  schema: trivyReport,
  toScans,
  defaultTarget: 'trivy',
  fileName: /\.json$/i,
});
