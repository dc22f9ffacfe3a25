/**
 * What every scanner connector stores: one `scans` event per target scanned in a file, holding
 * the findings open on that target at the scan's time. Five formats, one shape — so the
 * vulnerability checks judge Trivy, Grype, OSV-Scanner, SARIF and OCSF results alike, and derive
 * first-seen and fixed dates by comparing successive scans of the same target.
 */
import { z } from 'zod';

export const scannerTypes = ['trivy', 'grype', 'osv-scanner', 'sarif', 'ocsf'] as const;
export type ScannerType = (typeof scannerTypes)[number];
export const isScannerType = (t: unknown): t is ScannerType => (scannerTypes as readonly unknown[]).includes(t);

/** The events name of every scanner connector: streams are `trivy.scans`, `sarif.scans`, … */
export const SCANS = 'scans';
export const scanStreams: readonly string[] = scannerTypes.map((t) => `${t}.${SCANS}`);

export const findingSeverities = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;
export type FindingSeverity = (typeof findingSeverities)[number];

export const findingKinds = ['package', 'code', 'config', 'secret'] as const;
export type FindingKind = (typeof findingKinds)[number];

const isoTime = z.iso.datetime({ offset: true });

export const findingSchema = z.object({
  key: z
    .string()
    .min(1)
    .describe(
      "The finding's identity within its target, the same in every scan that reports it: advisory and package@version for a vulnerable package, rule and file (and fingerprint or line) for code, check and resource for configuration.",
    ),
  kind: z
    .enum(findingKinds)
    .describe('package: a known vulnerability in an installed package; code: a code-scanning alert; config: a misconfiguration; secret: a credential found in files.'),
  advisory: z.string().min(1).describe('The advisory or rule: CVE/GHSA/OSV id, SARIF rule id, or the cloud check id (e.g. iam_root_mfa_enabled).'),
  aliases: z.array(z.string()).describe('Other ids of the same advisory (a CVE for a GHSA, a GHSA for a Go advisory), as the scanner lists them.'),
  package: z.string().nullable().describe('Name of the vulnerable package; null for code, configuration and secret findings.'),
  version: z.string().nullable().describe('Installed version of the package; null when not a package finding.'),
  ecosystem: z.string().nullable().describe('Package ecosystem or type as the scanner names it (npm, Go, debian, gobinary, …); null when not a package finding.'),
  fixedVersion: z.string().nullable().describe('Version(s) that fix it, as the scanner reports them; null when no fix is known.'),
  location: z.string().nullable().describe('Where it was found: file and line, lockfile, image layer target or cloud resource id; null when the scanner does not say.'),
  severity: z
    .enum(findingSeverities)
    .describe("Severity normalised from the scanner's own scale (CVSS score where it gives one); unknown when it gives none."),
  title: z.string().describe('One line saying what is wrong, from the scanner.'),
  url: z.string().nullable().describe('A page with details and the fix, when the scanner gives one.'),
  firstSeenAt: isoTime
    .nullable()
    .describe('When the scanner itself says it first saw the finding (OCSF finding_info.first_seen_time), if earlier than this scan; null otherwise.'),
  requirements: z
    .array(z.string())
    .describe('Framework requirements the scanner maps the finding to, as Vigil refs (soc2:CC6.1, iso27001:A.8.8, nist-800-171:3.1.1); from Prowler compliance tags.'),
});

export type FindingRow = z.output<typeof findingSchema>;

export const scanRowSchema = z.object({
  id: z
    .string()
    .min(1)
    .describe("The event key: the SHA-256 of the file and the target's position in it, so a file is stored once however often it is imported."),
  file: z.string().min(1).describe('Name of the imported file (as uploaded, or relative to the watched folder).'),
  fileSha256: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the file as imported.'),
  format: z.enum(scannerTypes).describe('The file format: trivy, grype, osv-scanner, sarif or ocsf.'),
  scanner: z.string().min(1).describe('The tool that produced the file, with its version when the file gives it (Trivy 0.55.0, CodeQL 2.19.1, Prowler 5.0.0).'),
  target: z
    .string()
    .min(1)
    .describe('What was scanned: the image, repository, directory, cloud account or the target named in the source config. Scans of the same target are compared to find fixes.'),
  targetType: z.string().nullable().describe('Kind of target as the scanner names it (container_image, directory, repository, aws account); null when it does not say.'),
  scannedAt: isoTime.describe("When the scan ran: the file's own time (Trivy CreatedAt, SARIF endTimeUtc, OCSF time, Grype timestamp), else the import time."),
  timeSource: z.enum(['scan', 'import']).describe('scan: scannedAt is the time the file carries; import: the file carries none and the import time stands in.'),
  findings: z.array(findingSchema).describe('Every open finding on the target in this scan (passed and suppressed results are left out).'),
});

export type ScanRow = z.output<typeof scanRowSchema>;

/** Ordered from worst; the index orders severities. */
const order: readonly FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info', 'unknown'];
export const severityRank = (s: FindingSeverity) => order.indexOf(s);

/** A CVSS base score (0–10) on the usual qualitative scale (CVSS v3.1 specification, section 5). */
export function severityFromScore(score: number): FindingSeverity {
  if (!Number.isFinite(score) || score < 0) return 'unknown';
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/** A scanner's word for severity: CRITICAL, High, MODERATE, Negligible, Informational, … */
export function severityFromWord(word: unknown): FindingSeverity {
  switch (String(word ?? '').trim().toLowerCase()) {
    case 'critical':
    case 'fatal':
      return 'critical';
    case 'high':
    case 'error':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
      return 'low';
    case 'negligible':
    case 'informational':
    case 'info':
    case 'none':
      return 'info';
    default:
      return 'unknown';
  }
}
