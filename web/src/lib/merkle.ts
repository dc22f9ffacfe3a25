/**
 * Checking an evidence record's inclusion proof in the browser, with Web Crypto's SHA-256 only:
 * RFC 8785 canonical JSON (to recompute the content hash and the envelope's leaf), RFC 9162 §2.1
 * leaf/node hashing and the §2.1.3.2 inclusion-proof check. The server's versions live in
 * src/evidence; merkle.test.ts checks that both agree, so the browser does not have to trust the
 * server's "verified: true".
 */

export const hexToBytes = (hex: string): Uint8Array => {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new Error(`not hex: ${hex.slice(0, 20)}…`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
};

export const bytesToHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const leafHash = (data: Uint8Array) => sha256(concat(new Uint8Array([0]), data));
export const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(concat(new Uint8Array([1]), l, r));

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** RFC 9162 §2.1.3.2. Sizes may pass 2^31, so halving is division, never `>>`. */
export async function verifyInclusion(leaf: Uint8Array, index: number, size: number, path: Uint8Array[], root: Uint8Array): Promise<boolean> {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return false;
  if (leaf.length !== 32 || root.length !== 32) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (p.length !== 32 || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

const SHORT: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

function canonicalString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (!(n >= 0xdc00 && n <= 0xdfff)) throw new Error('lone surrogate in a string');
      out += s[i]! + s[i + 1]!;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) throw new Error('lone surrogate in a string');
    else if (c < 0x20 || c === 34 || c === 92) out += SHORT[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`;
    else out += s[i];
  }
  return out + '"';
}

/** RFC 8785: members sorted by UTF-16 code units, ECMAScript number form, minimal escapes. */
export function canonicalize(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${v} cannot be written as JSON`);
    return String(v);
  }
  if (typeof v === 'string') return canonicalString(v);
  if (Array.isArray(v)) return `[${v.map(canonicalize).join(',')}]`;
  if (typeof v === 'object') {
    // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
    const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${canonicalString(k)}:${canonicalize((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new Error(`a ${typeof v} cannot be written as JSON`);
}

export interface Envelope {
  id: string;
  workspace: string;
  kind: string;
  source: string;
  subject: string;
  collectedAt: string;
  effectiveAt: string;
  contentHash: string;
  attachments: { sha256: string; size: number; name: string; mediaType: string }[];
}

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  hashes: string[];
}

export interface Step {
  label: string;
  ok: boolean;
  detail: string;
}

/** The fields that make up the leaf, exactly: anything else the API adds is not hashed. */
export function envelopeOf(r: Envelope): Envelope {
  return {
    attachments: r.attachments.map((a) => ({ mediaType: a.mediaType, name: a.name, sha256: a.sha256, size: a.size })),
    collectedAt: r.collectedAt,
    contentHash: r.contentHash,
    effectiveAt: r.effectiveAt,
    id: r.id,
    kind: r.kind,
    source: r.source,
    subject: r.subject,
    workspace: r.workspace,
  };
}

/**
 * Every step a sceptical reader would take: the content hashes to the envelope's contentHash (when
 * the content is still held), the envelope hashes to the leaf, and the path leads from that leaf
 * to the root of the checkpointed tree.
 */
export async function verifyRecord(record: Envelope, content: unknown | undefined, proof: InclusionProof, checkpointRoot: string | undefined): Promise<Step[]> {
  const steps: Step[] = [];
  if (content !== undefined) {
    const h = bytesToHex(await sha256(canonicalize(content)));
    steps.push({
      label: 'Content matches its hash',
      ok: h === record.contentHash,
      detail: `SHA-256 of the content's canonical JSON is ${h.slice(0, 16)}…; the record says ${record.contentHash.slice(0, 16)}…`,
    });
  } else {
    steps.push({ label: 'Content matches its hash', ok: true, detail: 'Content no longer held (retention); its hash stays in the record and is still proven below.' });
  }
  const leaf = await leafHash(new TextEncoder().encode(canonicalize(envelopeOf(record))));
  steps.push({
    label: 'Record is the logged leaf',
    ok: bytesToHex(leaf) === proof.leafHash,
    detail: `leaf hash ${bytesToHex(leaf).slice(0, 16)}… computed here; the proof names ${proof.leafHash.slice(0, 16)}… at index ${proof.leafIndex}`,
  });
  const root = checkpointRoot ?? proof.rootHash;
  const included = await verifyInclusion(leaf, proof.leafIndex, proof.treeSize, proof.hashes.map(hexToBytes), hexToBytes(root));
  steps.push({
    label: 'Inclusion path leads to the root',
    ok: included,
    detail: `${proof.hashes.length} hashes from leaf ${proof.leafIndex} to the root ${root.slice(0, 16)}… of a tree of ${proof.treeSize} records${checkpointRoot ? ' (the signed checkpoint’s root)' : ''}`,
  });
  return steps;
}
