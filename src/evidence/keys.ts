/**
 * The Ed25519 key that signs checkpoints, kept in the data folder: `keys/evidence-ed25519.pem`
 * (PKCS #8, mode 0600; the folder 0700). Created at `vigil init` and at start when missing;
 * never overwritten. Its signed-note key name is the log's origin, so one key serves every
 * workspace in the data folder while each workspace's log has its own key id.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as edSign, type KeyObject } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../lib/errors.ts';
import { createVerifier, noteKeyId, type NoteSigner, type NoteVerifier } from './note.ts';

export const KEY_FILE = 'evidence-ed25519.pem';

export const keyPath = (dataDir: string) => join(dataDir, 'keys', KEY_FILE);

/** The log's origin line and key name: a schema-less URL-like name, unique per workspace. */
export const originFor = (workspaceId: string) => `vigil.evidence/${workspaceId}`;

export interface SigningKey {
  readonly publicKey: Buffer;
  /** A signer whose key name is `name` (the origin of the log it signs for). */
  signer(name: string): NoteSigner;
  verifier(name: string): NoteVerifier;
}

export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new VigilError('InvalidInput', 'the evidence signing key must be an Ed25519 key');
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicKey = Buffer.from(jwk.x!, 'base64url');
  return {
    publicKey,
    signer: (name) => ({ name, keyId: noteKeyId(name, publicKey), publicKey, sign: (text) => edSign(null, text, privateKey) }),
    verifier: (name) => createVerifier(name, publicKey),
  };
}

/** A fresh key in memory (tests, and `ensureSigningKey`). */
export function generateSigningKey(): { key: SigningKey; pem: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { key: signingKeyFrom(privateKey), pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

/** Create the key if the data folder has none. Safe when two processes start at once. */
export function ensureSigningKey(dataDir: string): { path: string; created: boolean } {
  const dir = join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = keyPath(dataDir);
  try {
    readFileSync(path);
    return { path, created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const { pem } = generateSigningKey();
  // Written whole to a private temp file, then linked into place: link fails if another process
  // won the race, and no reader ever sees a half-written key.
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  let created = true;
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    created = false;
  } finally {
    unlinkSync(tmp);
  }
  return { path, created };
}

export function loadSigningKey(dataDir: string): SigningKey {
  const path = keyPath(dataDir);
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new VigilError('NotFound', 'the evidence signing key is missing', { where: path, hint: 'run `vigil init` (or `vigil start`) to create it' });
    }
    throw e;
  }
  try {
    return signingKeyFrom(createPrivateKey(pem));
  } catch (e) {
    throw new VigilError('InvalidConfig', `the evidence signing key cannot be read: ${(e as Error).message}`, { where: path, cause: e });
  }
}
