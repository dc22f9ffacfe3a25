/**
 * Checking a C2SP signed-note checkpoint in the browser: the note's text says origin, tree size
 * and root; an Ed25519 signature line by the origin's key signs that text. Web Crypto has Ed25519
 * in current browsers; where it does not, the caller says the signature was not checked rather
 * than pretending it was.
 */
import { bytesToHex, sha256 } from './merkle.ts';

const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export interface ParsedCheckpoint {
  origin: string;
  treeSize: number;
  rootHash: string;
  text: string;
  signatures: { name: string; keyId: string; signature: Uint8Array }[];
}

export function parseCheckpoint(note: string): ParsedCheckpoint {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('the checkpoint note has no signature block');
  const text = note.slice(0, split + 1);
  const [origin, size, root] = text.split('\n');
  if (!origin || !size || !/^\d+$/.test(size) || !root) throw new Error('the checkpoint text is not origin, size and root');
  const signatures = note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!m) throw new Error(`not a signature line: ${line.slice(0, 40)}`);
      const raw = b64(m[2]!);
      return { name: m[1]!, keyId: bytesToHex(raw.slice(0, 4)), signature: raw.slice(4) };
    });
  return { origin, treeSize: Number(size), rootHash: bytesToHex(b64(root)), text, signatures };
}

/** The C2SP key id: SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[:4], hex. */
export async function keyIdOf(name: string, publicKey: Uint8Array): Promise<string> {
  const n = new TextEncoder().encode(`${name}\n`);
  const data = new Uint8Array(n.length + 1 + publicKey.length);
  data.set(n);
  data[n.length] = 0x01;
  data.set(publicKey, n.length + 1);
  return bytesToHex((await sha256(data)).slice(0, 4));
}

/** true/false when checked; null when this browser cannot check Ed25519. */
export async function verifyCheckpointSignature(cp: ParsedCheckpoint, publicKeyB64: string): Promise<boolean | null> {
  const pub = b64(publicKeyB64);
  const keyId = await keyIdOf(cp.origin, pub);
  const sig = cp.signatures.find((s) => s.name === cp.origin && s.keyId === keyId);
  if (!sig) return false;
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('raw', pub as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return null;
  }
  return crypto.subtle.verify({ name: 'Ed25519' }, key, sig.signature as Uint8Array<ArrayBuffer>, new TextEncoder().encode(cp.text));
}
