/**
 * What an evidence record is. The leaf of the Merkle log is the RFC 8785 canonical JSON of the
 * record's *envelope* — metadata plus the SHA-256 of the content and of each attachment — never of
 * the content itself. So retention can delete content and attachments and every leaf hash and
 * proof still verifies, while anyone holding the content can check it against its envelope.
 */
import { VigilError, invalidInput } from '../lib/errors.ts';
import { canonicalString, canonicalize, type JsonValue } from './canonical-json.ts';
import { hash } from 'node:crypto';

/**
 * The kinds of evidence. Closed so that retention policies and queries can name them; extend it by
 * adding a kind here (and to docs/evidence-bundle.md).
 */
export const evidenceKinds = [
  'resource.snapshot', // an inventory item as a connector collected it
  'event', // something that happened at a time (login, config change, merge, termination)
  'check.result', // a check's judgement of a resource, with the evidence it judged
  'manual', // an upload by a person: screenshot, signed policy, board minute
  'runbook.step', // a step of a runbook run, with what it captured
  'user.action', // something a Vigil user did (approve, mute, invite)
  'finding.transition', // a finding opened, acknowledged, muted, resolved, reopened
  'retention.expiry', // content of earlier records deleted by the retention policy
  'checkpoint', // a signed checkpoint of this log, logged into the log itself
] as const;

export type EvidenceKind = (typeof evidenceKinds)[number];

export const isEvidenceKind = (k: unknown): k is EvidenceKind => (evidenceKinds as readonly unknown[]).includes(k);

export interface AttachmentRef {
  /** Lower-case hex SHA-256 of the bytes; also their name in the blob store. */
  sha256: string;
  size: number;
  name: string;
  mediaType: string;
}

/** The leaf data of the log, field for field. Times are ISO 8601 UTC with milliseconds. */
export interface EvidenceEnvelope {
  id: string;
  workspace: string;
  kind: EvidenceKind;
  source: string;
  subject: string;
  collectedAt: string;
  effectiveAt: string;
  /** Lower-case hex SHA-256 of the content's canonical JSON (UTF-8). */
  contentHash: string;
  attachments: AttachmentRef[];
}

export type NewAttachment =
  | { name: string; mediaType: string; data: Uint8Array }
  /** A blob already in the blob store (e.g. streamed there with `putFile`). */
  | { name: string; mediaType: string; sha256: string; size: number };

export interface NewRecord {
  kind: EvidenceKind;
  /** Where it came from: a source name, `cli`, `user:<id>`, `vigil:<subsystem>`. */
  source: string;
  /** What it is about: a resource key, control id, finding id, run id. */
  subject: string;
  /** When Vigil got it; default now. */
  collectedAt?: Date | string;
  /** The time it is about, which decides the audit period it belongs to; default collectedAt. */
  effectiveAt?: Date | string;
  /** Any JSON value; stored and hashed as its RFC 8785 canonical form. */
  content: unknown;
  attachments?: NewAttachment[];
}

/** A record as stored. `content` is null once retention expired it. */
export interface EvidenceRecord extends EvidenceEnvelope {
  leafIndex: number;
  leafHash: string;
  /** Canonical JSON text of the content, exactly as hashed; null when expired. */
  content: string | null;
  expiredAt: string | null;
}

export type AppendedRecord = EvidenceEnvelope & { leafIndex: number; leafHash: string };

/** Largest content kept inline; bigger things belong in an attachment. */
export const MAX_CONTENT_BYTES = 1 << 20;

const HEX64 = /^[0-9a-f]{64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A time as the envelope writes it: `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function envelopeTime(value: Date | string, field: string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw invalidInput(`${field} is not a valid date: "${String(value)}"`, { where: field, hint: 'use ISO 8601, e.g. 2026-03-31T00:00:00Z' });
  return d.toISOString();
}

export function checkText(value: unknown, field: string, max = 512): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw invalidInput(`${field} must be a non-empty string of at most ${max} characters`, { where: field });
  }
  return value;
}

export function checkAttachmentRef(a: AttachmentRef, where: string): AttachmentRef {
  if (!HEX64.test(a.sha256)) throw invalidInput('attachment sha256 must be 64 lower-case hex digits', { where });
  if (!Number.isSafeInteger(a.size) || a.size < 0) throw invalidInput('attachment size must be a whole number of bytes', { where });
  checkText(a.name, `${where}.name`, 255);
  checkText(a.mediaType, `${where}.mediaType`, 255);
  return { sha256: a.sha256, size: a.size, name: a.name, mediaType: a.mediaType };
}

/**
 * The envelope's canonical JSON. Written field by field rather than through the generic
 * canonicalizer because it runs once per appended and per verified record; a test checks that
 * both give the same bytes. Member names in RFC 8785 order (UTF-16 code units).
 */
export function envelopeJson(e: EvidenceEnvelope): string {
  let atts = '[';
  for (let i = 0; i < e.attachments.length; i++) {
    const a = e.attachments[i]!;
    if (i) atts += ',';
    atts += `{"mediaType":${canonicalString(a.mediaType)},"name":${canonicalString(a.name)},"sha256":${canonicalString(a.sha256)},"size":${canonicalNumberOf(a.size)}}`;
  }
  atts += ']';
  return (
    `{"attachments":${atts},"collectedAt":${canonicalString(e.collectedAt)},"contentHash":${canonicalString(e.contentHash)},` +
    `"effectiveAt":${canonicalString(e.effectiveAt)},"id":${canonicalString(e.id)},"kind":${canonicalString(e.kind)},` +
    `"source":${canonicalString(e.source)},"subject":${canonicalString(e.subject)},"workspace":${canonicalString(e.workspace)}}`
  );
}

function canonicalNumberOf(n: number): string {
  if (!Number.isSafeInteger(n)) throw new VigilError('Internal', `attachment size ${n} is not a safe integer`);
  return String(n);
}

/**
 * The leaf hash of an envelope: SHA-256 of 0x00 then its canonical JSON. Hashed as one string (the
 * prefix is U+0000, one byte in UTF-8) so the text is encoded once and nothing is concatenated.
 */
export const envelopeLeafHash = (e: EvidenceEnvelope): Buffer => hash('sha256', `\u0000${envelopeJson(e)}`, 'buffer') as unknown as Buffer;

/** Canonical content text and its hash, refusing content too large to keep inline. */
export function canonicalContent(content: unknown, where: string): { text: string; hash: string } {
  const text = canonicalize(content);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONTENT_BYTES) {
    throw invalidInput(`content is ${bytes} bytes of canonical JSON; the limit is ${MAX_CONTENT_BYTES}`, {
      where,
      hint: 'store large material as an attachment and keep a summary in the content',
    });
  }
  return { text, hash: hash('sha256', text, 'hex') };
}

/** Parse and check leaf data (an envelope's canonical JSON) read from a bundle. */
export function parseEnvelope(value: JsonValue, where: string): EvidenceEnvelope {
  const fail = (m: string): never => {
    throw new VigilError('IntegrityError', `record envelope ${m}`, { where });
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('is not an object');
  const o = value as Record<string, JsonValue>;
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'attachments,collectedAt,contentHash,effectiveAt,id,kind,source,subject,workspace') return fail(`has unexpected members: ${keys}`);
  for (const k of ['id', 'workspace', 'kind', 'source', 'subject', 'collectedAt', 'effectiveAt', 'contentHash'] as const) {
    if (typeof o[k] !== 'string') fail(`member ${k} is not a string`);
  }
  if (!isEvidenceKind(o.kind)) fail(`kind "${String(o.kind)}" is not a known kind`);
  if (!ISO_UTC.test(o.collectedAt as string) || !ISO_UTC.test(o.effectiveAt as string)) fail('times are not ISO 8601 UTC with milliseconds');
  if (!HEX64.test(o.contentHash as string)) fail('contentHash is not 64 lower-case hex digits');
  if (!Array.isArray(o.attachments)) return fail('attachments is not an array');
  const attachments = o.attachments.map((a, i) => {
    if (!a || typeof a !== 'object' || Array.isArray(a)) return fail(`attachment ${i} is not an object`);
    const r = a as Record<string, JsonValue>;
    if (Object.keys(r).sort().join(',') !== 'mediaType,name,sha256,size') fail(`attachment ${i} has unexpected members`);
    if (typeof r.sha256 !== 'string' || !HEX64.test(r.sha256)) fail(`attachment ${i} sha256 is not 64 lower-case hex digits`);
    if (typeof r.size !== 'number' || !Number.isSafeInteger(r.size) || r.size < 0) fail(`attachment ${i} size is not a byte count`);
    if (typeof r.name !== 'string' || typeof r.mediaType !== 'string') fail(`attachment ${i} name or mediaType is not a string`);
    return { sha256: r.sha256 as string, size: r.size as number, name: r.name as string, mediaType: r.mediaType as string };
  });
  return {
    id: o.id as string,
    workspace: o.workspace as string,
    kind: o.kind as EvidenceKind,
    source: o.source as string,
    subject: o.subject as string,
    collectedAt: o.collectedAt as string,
    effectiveAt: o.effectiveAt as string,
    contentHash: o.contentHash as string,
    attachments,
  };
}
