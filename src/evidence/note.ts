/**
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures, and the checkpoint note text
 * (c2sp.org/tlog-checkpoint). Written from those specifications:
 *
 *   note      = text (ends in "\n") "\n" 1*("— " key-name " " base64(key-id || signature) "\n")
 *   key id    = SHA-256(key-name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]
 *   vkey      = key-name "+" hex(key id) "+" base64(0x01 || public key)   (how a verifier is written down)
 *   checkpoint text = origin "\n" tree-size "\n" base64(root hash) "\n" *(extension-line "\n")
 *
 * Vigil writes one extension line, `time <ISO 8601 UTC>`: when the checkpoint was signed.
 */
import { createPublicKey, verify as edVerify, type KeyObject } from 'node:crypto';
import { VigilError } from '../lib/errors.ts';
import { HASH_BYTES, sha256 } from './merkle.ts';

const ED25519 = 0x01;
const EM_DASH = '\u2014';
// The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface NoteSigner {
  readonly name: string;
  readonly keyId: Buffer;
  readonly publicKey: Buffer;
  sign(text: Buffer): Buffer;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: Buffer;
  readonly publicKey: Buffer;
  verify(text: Buffer, signature: Buffer): boolean;
}

export function checkKeyName(name: string): string {
  // eslint-disable-next-line no-control-regex -- signed notes forbid control characters
  if (!name || /[\s+]/u.test(name) || /[\u0000-\u001f]/.test(name)) {
    throw new VigilError('InvalidInput', `"${name}" cannot be a signed-note key name: it must be non-empty, with no spaces and no "+"`);
  }
  return name;
}

export function noteKeyId(name: string, publicKey: Uint8Array): Buffer {
  return sha256(Buffer.concat([Buffer.from(checkKeyName(name), 'utf8'), Buffer.from([0x0a, ED25519]), publicKey])).subarray(0, 4);
}

export function publicKeyObject(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new VigilError('InvalidInput', `an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function createVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyId: noteKeyId(name, publicKey),
    publicKey: Buffer.from(publicKey),
    verify: (text, signature) => signature.length === 64 && edVerify(null, text, key, signature),
  };
}

/** The verifier key line for a name and public key: `name+keyid+base64(0x01||key)`. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  return `${checkKeyName(name)}+${noteKeyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`;
}

export function parseVerifierKey(vkey: string, where = 'verifier key'): NoteVerifier {
  // The name has no "+", the id is hex; the base64 key after the second "+" may contain "+" itself.
  const t = vkey.trim();
  const a = t.indexOf('+');
  const b = a < 0 ? -1 : t.indexOf('+', a + 1);
  const parts = b < 0 ? [t] : [t.slice(0, a), t.slice(a + 1, b), t.slice(b + 1)];
  const bad = (why: string): never => {
    throw new VigilError('InvalidInput', `not a signed-note verifier key (${why})`, { where, hint: 'expected name+keyid+base64, as `vigil evidence key` prints it' });
  };
  if (parts.length !== 3) bad('expected three parts separated by "+"');
  const [name, idHex, b64] = parts as [string, string, string];
  if (!/^[0-9a-f]{8}$/.test(idHex)) bad('the key id must be 8 hex digits');
  const data = Buffer.from(b64, 'base64');
  if (data.toString('base64') !== b64 || data.length !== 33 || data[0] !== ED25519) bad('the key must be base64 of 0x01 and a 32-byte Ed25519 key');
  const v = createVerifier(name, data.subarray(1));
  if (v.keyId.toString('hex') !== idHex) bad(`the key id ${idHex} does not match the key (${v.keyId.toString('hex')})`);
  return v;
}

function checkNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new VigilError('Internal', 'note text must end in a newline');
  // eslint-disable-next-line no-control-regex -- signed notes forbid control characters other than newline
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new VigilError('Internal', 'note text must not contain control characters other than newline');
}

export function signNote(text: string, signers: NoteSigner[]): string {
  checkNoteText(text);
  const bytes = Buffer.from(text, 'utf8');
  const lines = signers.map((s) => `${EM_DASH} ${s.name} ${Buffer.concat([s.keyId, s.sign(bytes)]).toString('base64')}\n`);
  return `${text}\n${lines.join('')}`;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  signature: Buffer;
}

export function parseNote(note: string, where: string): { text: string; signatures: NoteSignature[] } {
  const bad = (why: string): never => {
    throw new VigilError('IntegrityError', `not a signed note: ${why}`, { where });
  };
  if (!note.endsWith('\n')) bad('it does not end in a newline');
  // eslint-disable-next-line no-control-regex -- signed notes forbid control characters other than newline
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) bad('it contains control characters');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) bad('there is no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!m) return bad(`"${line.slice(0, 60)}" is not a signature line`);
      const raw = Buffer.from(m[2]!, 'base64');
      if (raw.length < 5) return bad('a signature is too short');
      return { name: m[1]!, keyId: raw.subarray(0, 4), signature: raw.subarray(4) };
    });
  if (signatures.length === 0) bad('it has no signatures');
  return { text, signatures };
}

/**
 * The note's text, once a signature by `verifier` checks out. As the spec requires, signatures by
 * other keys are ignored, and a signature by the known key that fails rejects the note.
 */
export function openNote(note: string, verifier: NoteVerifier, where: string): string {
  const { text, signatures } = parseNote(note, where);
  const bytes = Buffer.from(text, 'utf8');
  let ok = false;
  for (const s of signatures) {
    if (s.name !== verifier.name || !s.keyId.equals(verifier.keyId)) continue;
    if (!verifier.verify(bytes, s.signature)) {
      throw new VigilError('IntegrityError', `the signature by ${verifier.name} does not verify: the signed text was changed or the signature is not theirs`, { where });
    }
    ok = true;
  }
  if (!ok) {
    const seen = signatures.map((s) => `${s.name} (${s.keyId.toString('hex')})`).join(', ');
    throw new VigilError('IntegrityError', `not signed by the expected key ${verifier.name} (${verifier.keyId.toString('hex')}); signed by ${seen}`, {
      where,
      hint: 'the note was signed with another key: compare with the key Vigil published (`vigil evidence key`)',
    });
  }
  return text;
}

export interface CheckpointBody {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** When it was signed (Vigil's `time` extension line); undefined if absent. */
  time: string | undefined;
  extensions: string[];
}

export function formatCheckpoint(c: { origin: string; treeSize: number; rootHash: Uint8Array; time: string }): string {
  if (c.rootHash.length !== HASH_BYTES) throw new VigilError('Internal', 'a root hash is 32 bytes');
  return `${c.origin}\n${c.treeSize}\n${Buffer.from(c.rootHash).toString('base64')}\ntime ${c.time}\n`;
}

export function parseCheckpoint(text: string, where: string): CheckpointBody {
  const bad = (why: string): never => {
    throw new VigilError('IntegrityError', `not a checkpoint: ${why}`, { where });
  };
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((l) => l === '')) bad('it needs at least three non-empty lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) bad(`tree size "${sizeText}" is not a decimal number`);
  const rootHash = Buffer.from(rootText, 'base64');
  if (rootHash.length !== HASH_BYTES || rootHash.toString('base64') !== rootText) bad('the root hash is not base64 of 32 bytes');
  const timeLine = extensions.find((l) => l.startsWith('time '));
  return { origin, treeSize: Number(sizeText), rootHash, time: timeLine?.slice(5), extensions };
}

/** Verify a signed checkpoint note and parse its text. */
export function openCheckpoint(note: string, verifier: NoteVerifier, where: string): CheckpointBody {
  return parseCheckpoint(openNote(note, verifier, where), where);
}
