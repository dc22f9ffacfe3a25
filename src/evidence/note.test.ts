import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureSigningKey, generateSigningKey, loadSigningKey, signingKeyFrom } from './keys.ts';
import { formatCheckpoint, formatVerifierKey, openCheckpoint, openNote, parseVerifierKey, signNote } from './note.ts';
import { sha256 } from './merkle.ts';

// The example key and note of the Go reference implementation of signed notes (sumdb/note).
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SEED = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNED = `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const peterKey = () => signingKeyFrom(createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), SEED]), format: 'der', type: 'pkcs8' }));

describe('signed notes (C2SP signed-note)', () => {
  it('reproduces the reference example byte for byte: key id, verifier key and signature', () => {
    const key = peterKey();
    expect(formatVerifierKey('PeterNeumann', key.publicKey)).toBe(VKEY);
    expect(parseVerifierKey(VKEY).keyId.toString('hex')).toBe('c74f20a3');
    expect(signNote(TEXT, [key.signer('PeterNeumann')])).toBe(SIGNED);
    expect(openNote(SIGNED, parseVerifierKey(VKEY), 'x')).toBe(TEXT);
  });

  it('computes the key id as SHA-256(name || 0x0A || 0x01 || public key)[:4]', () => {
    const key = peterKey();
    const want = sha256(Buffer.concat([Buffer.from('PeterNeumann\n'), Buffer.from([1]), key.publicKey])).subarray(0, 4);
    expect(key.signer('PeterNeumann').keyId).toEqual(want);
  });

  it('ignores signatures by unknown keys, but rejects a bad signature by the known key', () => {
    const other = generateSigningKey().key;
    const both = signNote(TEXT, [other.signer('someone-else'), peterKey().signer('PeterNeumann')]);
    expect(openNote(both, parseVerifierKey(VKEY), 'x')).toBe(TEXT);
    const forged = SIGNED.replace('NIuGUgYN1', 'NIuGUgYN2');
    expect(() => openNote(forged, parseVerifierKey(VKEY), 'x')).toThrow(/does not verify/);
    expect(() => openNote(signNote(TEXT, [other.signer('PeterNeumann')]), parseVerifierKey(VKEY), 'x')).toThrow(/not signed by the expected key/);
    expect(() => openNote(SIGNED.replace('problem,', 'problems,'), parseVerifierKey(VKEY), 'x')).toThrow(/does not verify/);
  });

  it('refuses malformed verifier keys', () => {
    for (const bad of ['PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'PeterNeumann+c74f20a3', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW']) {
      expect(() => parseVerifierKey(bad)).toThrow();
    }
  });

  it('writes and reads checkpoint text: origin, size, base64 root, time extension', () => {
    const key = generateSigningKey().key;
    const root = sha256('root');
    const text = formatCheckpoint({ origin: 'vigil.evidence/ws_1', treeSize: 20852163, rootHash: root, time: '2026-01-01T00:00:00.000Z' });
    expect(text).toBe(`vigil.evidence/ws_1\n20852163\n${root.toString('base64')}\ntime 2026-01-01T00:00:00.000Z\n`);
    const body = openCheckpoint(signNote(text, [key.signer('vigil.evidence/ws_1')]), key.verifier('vigil.evidence/ws_1'), 'cp');
    expect(body).toMatchObject({ origin: 'vigil.evidence/ws_1', treeSize: 20852163, time: '2026-01-01T00:00:00.000Z' });
    expect(body.rootHash).toEqual(root);
    expect(() => openCheckpoint(signNote('o\n01\nAAAA\n', [key.signer('o')]), key.verifier('o'), 'cp')).toThrow(/not a checkpoint/);
  });
});

describe('the signing key in the data folder', () => {
  it('is created once, private to the owner, and loads back as the same key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-keys-'));
    try {
      const first = ensureSigningKey(dir);
      expect(first.created).toBe(true);
      expect(statSync(first.path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
      const pem = readFileSync(first.path, 'utf8');
      expect(ensureSigningKey(dir).created).toBe(false);
      expect(readFileSync(first.path, 'utf8')).toBe(pem);
      const a = loadSigningKey(dir);
      const note = signNote('x\n', [a.signer('n')]);
      expect(openNote(note, loadSigningKey(dir).verifier('n'), 'x')).toBe('x\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says how to create it when it is missing', () => {
    expect(() => loadSigningKey('/nonexistent-vigil')).toThrow(expect.objectContaining({ _tag: 'NotFound', hint: expect.stringMatching(/vigil init/) }));
  });
});
