/**
 * OCSF Detection Findings (class 2004), as Prowler writes them with `-M json-ocsf` (a JSON array)
 * and other producers as JSON Lines. Each record is one check of one resource; the cloud account
 * is the target, so one Prowler run is one scan of each account in it. Passed (`status_code`
 * PASS), manual, suppressed (muted) and resolved records are not findings, but they still show
 * the account was scanned. Prowler's compliance tags become requirement refs.
 */
import { z } from 'zod';
import { finding, timeOf, type FormatScan, defineFormat } from '../scan-file.ts';
import { severityFromWord, type FindingRow, type FindingSeverity } from '../scan-row.ts';
import { requirementRefs } from './compliance.ts';

const time = z.union([z.number(), z.string()]).nullish();

const detectionFinding = z.looseObject({
  class_uid: z.literal(2004, {
    error: 'class_uid must be 2004 (Detection Finding); Prowler 4 and later write Detection Findings with -M json-ocsf',
  }),
  time,
  time_dt: z.string().nullish(),
  severity_id: z.number().int().nullish(),
  severity: z.string().nullish(),
  status_code: z.string().nullish(),
  status_id: z.number().int().nullish(),
  message: z.string().nullish(),
  finding_info: z.looseObject({
    uid: z.string().min(1),
    title: z.string().nullish(),
    desc: z.string().nullish(),
    first_seen_time: time,
    first_seen_time_dt: z.string().nullish(),
  }),
  metadata: z.looseObject({
    event_code: z.string().nullish(),
    product: z.looseObject({ name: z.string().nullish(), version: z.string().nullish() }).nullish(),
  }),
  resources: z.array(z.looseObject({ uid: z.string().nullish(), name: z.string().nullish(), type: z.string().nullish() })).nullish(),
  cloud: z
    .looseObject({
      provider: z.string().nullish(),
      account: z.looseObject({ uid: z.string().nullish(), type: z.string().nullish() }).nullish(),
    })
    .nullish(),
  remediation: z.looseObject({ references: z.array(z.string()).nullish() }).nullish(),
  unmapped: z.looseObject({ compliance: z.record(z.string(), z.unknown()).nullish(), related_url: z.string().nullish() }).nullish(),
});

// A single finding (not in an array) is read as a list of one.
export const ocsfFindings = z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(detectionFinding));

type Finding = z.output<typeof detectionFinding>;

/** OCSF severity_id: 0 Unknown, 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal, 99 Other. */
const severityIds: Record<number, FindingSeverity> = { 1: 'info', 2: 'low', 3: 'medium', 4: 'high', 5: 'critical', 6: 'critical' };

/** Suppressed (muted), resolved and archived: status_id 3, 4, 5 and 6 in OCSF 1.1–1.3. */
const closedStatus = new Set([3, 4, 5, 6]);

function isOpen(f: Finding): boolean {
  const code = f.status_code?.trim().toUpperCase();
  if (code === 'PASS' || code === 'MANUAL') return false;
  return !(f.status_id !== null && f.status_id !== undefined && closedStatus.has(f.status_id));
}

function targetOf(f: Finding): { target: string | null; targetType: string | null } {
  const uid = f.cloud?.account?.uid;
  if (!uid) return { target: null, targetType: null };
  const provider = f.cloud?.provider || 'cloud';
  return { target: `${provider}:${uid}`, targetType: f.cloud?.account?.type || `${provider} account` };
}

function toFinding(f: Finding, i: number): FindingRow {
  const advisory = f.metadata.event_code || f.finding_info.uid;
  const resource = f.resources?.find((r) => r.uid || r.name);
  const location = resource?.uid || resource?.name || null;
  const first = timeOf(f.finding_info.first_seen_time_dt ?? f.finding_info.first_seen_time, [i, 'finding_info', 'first_seen_time']);
  return finding({
    key: `${advisory} ${location ?? f.finding_info.uid}`,
    kind: 'config',
    advisory,
    location,
    severity: (f.severity_id !== null && f.severity_id !== undefined ? severityIds[f.severity_id] : undefined) ?? severityFromWord(f.severity),
    title: f.finding_info.title || f.message || advisory,
    url: f.remediation?.references?.[0] || f.unmapped?.related_url || null,
    firstSeenAt: first ? first.toISOString() : null,
    requirements: requirementRefs(f.unmapped?.compliance ?? undefined),
  });
}

function toScans(records: Finding[]): FormatScan[] {
  return records.map((f, i) => {
    const product = f.metadata.product;
    return {
      ...targetOf(f),
      scanner: [product?.name || 'OCSF', product?.version].filter(Boolean).join(' '),
      scannedAt: f.time_dt ? timeOf(f.time_dt, [i, 'time_dt']) : timeOf(f.time, [i, 'time']),
      findings: isOpen(f) ? [toFinding(f, i)] : [],
    };
  });
}

export const ocsfFormat = defineFormat<Finding[]>({
  id: 'ocsf',
  title: 'OCSF Detection Finding',
  layout: 'document-or-lines',
  schema: ocsfFindings,
  toScans,
  defaultTarget: 'ocsf',
  fileName: /\.(json|jsonl|ndjson)$/i,
});
