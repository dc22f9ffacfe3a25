/**
 * One scanner file → `scans` rows. Each format says how its JSON is shaped (a zod schema, checked
 * first so a wrong shape is refused with its line) and how it maps to scans of targets; this file
 * does the rest the same way for all five: hashing, decoding, the target override, merging scans
 * of one target, de-duplicating findings, and the fall-back to the import time.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { VigilError } from '../../lib/errors.ts';
import { FileProblem, decodeText, parseJsonDocument, parseJsonLines, type JsonDocument, type JsonPath } from '../sdk/json-text.ts';
import { severityRank, type FindingRow, type ScanRow, type ScannerType } from './scan-row.ts';

/** A scan of one target as a format reads it, before the common rules apply. */
export interface FormatScan {
  /** The target the file names; null when it names none (the config's target or the default applies). */
  target: string | null;
  targetType: string | null;
  scanner: string;
  /** The scan's own time; null when the file carries none. */
  scannedAt: Date | null;
  findings: FindingRow[];
}

export interface ScanFormat<D = unknown> {
  id: ScannerType;
  /** "Trivy JSON", "SARIF 2.1.0": used in messages. */
  title: string;
  /** How the JSON is laid out: one document, or also JSON Lines (one record per line). */
  layout: 'document' | 'document-or-lines';
  schema: z.ZodType<D>;
  toScans(doc: D): FormatScan[];
  /** The target of scans whose file names none and whose source sets none. */
  defaultTarget: string;
  /** Files of a watched folder that hold this format. */
  fileName: RegExp;
}

/**
 * A format as the rest of the kit holds it: `toScans` only ever receives what `schema` produced,
 * so the document type can be erased once, here, instead of at every use.
 */
export function defineFormat<D>(format: ScanFormat<D>): ScanFormat<unknown> {
  return { ...format, toScans: (doc) => format.toScans(doc as D) } as ScanFormat<unknown>;
}

/** A value the format cannot use, at a path in the document (turned into a line). */
export class PathProblem extends Error {
  override name = 'PathProblem';
  constructor(
    readonly path: JsonPath,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface ReadScanOptions {
  /** File name, for messages and the row. */
  name: string;
  /** Stands in for the scan time when the file carries none. */
  importedAt: Date;
  /** Overrides the target the file names (a CI job scanning `.`), or names one where it has none. */
  target?: string | undefined;
}

export const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

const pathText = (path: JsonPath) =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : `${s}${s ? '.' : ''}${String(p)}`), '') || '(the document)';

/**
 * Parse and check a whole file before anything is stored: a malformed file is an InvalidInput
 * error naming the file and line, so callers store all of a file or none of it.
 */
export function readScanFile(format: ScanFormat<unknown>, bytes: Uint8Array, options: ReadScanOptions): ScanRow[] {
  const sha = sha256Hex(bytes);
  let doc: JsonDocument | undefined;
  try {
    const text = decodeText(bytes);
    doc = parseFor(format, text);
    const parsed = format.schema.safeParse(doc.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new PathProblem(issue.path, `${pathText(issue.path)}: ${issue.message}`);
    }
    return toRows(format, format.toScans(parsed.data), sha, options);
  } catch (e) {
    if (e instanceof FileProblem) throw malformedFile(options.name, e, format.title);
    if (e instanceof PathProblem) throw malformedFile(options.name, new FileProblem(doc ? doc.lineOf(e.path) : 1, e.reason), format.title);
    throw e;
  }
}

function parseFor(format: ScanFormat<unknown>, text: string): JsonDocument {
  if (format.layout === 'document') return parseJsonDocument(text);
  const first = text.trimStart()[0];
  if (first !== '{') return parseJsonDocument(text);
  // A lone object spread over lines is a document; an object per line is JSON Lines.
  try {
    return parseJsonDocument(text);
  } catch (e) {
    const firstLine = text.trimStart().split(/\r\n|\n|\r/, 1)[0]!;
    try {
      JSON.parse(firstLine);
    } catch {
      throw e;
    }
    return parseJsonLines(text);
  }
}

function toRows(format: ScanFormat<unknown>, scans: FormatScan[], sha: string, options: ReadScanOptions): ScanRow[] {
  if (!scans.length) {
    if (!options.target) throw new FileProblem(1, 'the file holds no scan results, so it names no scanned target');
    scans = [{ target: null, targetType: null, scanner: format.title, scannedAt: null, findings: [] }];
  }
  const byTarget = new Map<string, FormatScan[]>();
  for (const s of scans) {
    const target = options.target ?? s.target ?? format.defaultTarget;
    const group = byTarget.get(target);
    if (group) group.push(s);
    else byTarget.set(target, [s]);
  }
  return [...byTarget.keys()].sort().map((target, index) => {
    const group = byTarget.get(target)!;
    // Several runs over one target (SARIF runs, OCSF records) make one scan, as of the last to finish.
    const latest = group.reduce((t, s) => (s.scannedAt && s.scannedAt.getTime() > t ? s.scannedAt.getTime() : t), -Infinity);
    const scannedAt = Number.isFinite(latest) ? new Date(latest) : options.importedAt;
    return {
      id: `${sha}:${index}`,
      file: options.name,
      fileSha256: sha,
      format: format.id,
      scanner: [...new Set(group.map((s) => s.scanner))].join(', '),
      target,
      targetType: group.find((s) => s.targetType)?.targetType ?? null,
      scannedAt: scannedAt.toISOString(),
      timeSource: Number.isFinite(latest) ? ('scan' as const) : ('import' as const),
      findings: mergeFindings(group.flatMap((s) => s.findings)),
    };
  });
}

/** One finding per key (a package in two lockfiles is one vulnerability), the worst severity kept. */
function mergeFindings(findings: FindingRow[]): FindingRow[] {
  const byKey = new Map<string, FindingRow>();
  for (const f of findings) {
    const prior = byKey.get(f.key);
    if (!prior) {
      byKey.set(f.key, f);
      continue;
    }
    const worse = severityRank(f.severity) < severityRank(prior.severity) ? f : prior;
    byKey.set(f.key, {
      ...worse,
      aliases: [...new Set([...prior.aliases, ...f.aliases])].sort(),
      requirements: [...new Set([...prior.requirements, ...f.requirements])].sort(),
      firstSeenAt: earliest(prior.firstSeenAt, f.firstSeenAt),
    });
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const earliest = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);

/** A date the file gives as text or epoch (seconds or milliseconds); null when absent. */
export function timeOf(value: unknown, path: JsonPath): Date | null {
  if (value === undefined || value === null || value === '') return null;
  let t: number;
  if (typeof value === 'number') {
    // OCSF timestamps are milliseconds; some producers (Prowler) write seconds.
    t = value < 1e11 ? value * 1000 : value;
  } else if (typeof value === 'string') {
    // Nanoseconds (Go tools) are cut to milliseconds; a time with no zone is UTC, never local.
    let s = value.trim().replace(/^(\d{4}-\d\d-\d\d) (\d)/, '$1T$2').replace(/(\.\d{3})\d+/, '$1');
    if (/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s)) s += 'Z';
    t = /^\d{4}-\d\d-\d\d/.test(s) ? Date.parse(s) : NaN;
  } else t = NaN;
  if (!Number.isFinite(t)) throw new PathProblem(path, `${pathText(path)}: "${String(value)}" is not a date and time`);
  return new Date(t);
}

/** Build a finding with the fields a format does not set defaulted (in the schema's order). */
export function finding(f: Pick<FindingRow, 'key' | 'kind' | 'advisory' | 'severity' | 'title'> & Partial<FindingRow>): FindingRow {
  return {
    key: f.key,
    kind: f.kind,
    advisory: f.advisory,
    aliases: f.aliases ?? [],
    package: f.package ?? null,
    version: f.version ?? null,
    ecosystem: f.ecosystem ?? null,
    fixedVersion: f.fixedVersion ?? null,
    location: f.location ?? null,
    severity: f.severity,
    title: f.title,
    url: f.url ?? null,
    firstSeenAt: f.firstSeenAt ?? null,
    requirements: f.requirements ?? [],
  };
}

/** The error every scanner format raises for a malformed file: the file and line in `where`. */
export function malformedFile(name: string, problem: FileProblem, formatTitle: string): VigilError {
  return new VigilError('InvalidInput', `not a valid ${formatTitle} file: line ${problem.line}: ${problem.reason}`, {
    where: `${name}:${problem.line}`,
    hint: `nothing from this file was stored, and earlier imports are unchanged; fix or regenerate the file (the scanner's JSON output) and import it again`,
    details: { file: name, line: problem.line, reason: problem.reason },
  });
}
