/**
 * Writing a bare git repository without the git binary, for the demo: loose objects (zlib-deflated
 * `<type> <size>\0<content>`, named by SHA-1, as git's object format is documented) and SSH commit
 * signatures in the SSHSIG format (OpenSSH PROTOCOL.sshsig), made with Node's own Ed25519.
 * Ed25519 is deterministic, so the same org renders the same object ids every time.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export interface SshSigner {
  /** `ssh-ed25519 AAAA…`, for an allowed-signers file. */
  publicKey: string;
  key: KeyObject;
  blob: Buffer;
}

const str = (b: Buffer | string) => {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
};

/** An Ed25519 key derived from a label (demo keys only: anyone can derive them). */
export function demoSigner(label: string): SshSigner {
  const seed = createHash('sha256').update(`vigil-demo-ssh-key:${label}`).digest();
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  const raw = Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url');
  const blob = Buffer.concat([str('ssh-ed25519'), str(raw)]);
  return { key, blob, publicKey: `ssh-ed25519 ${blob.toString('base64')}` };
}

/** An armored SSHSIG signature of `message` in the "git" namespace. */
export function sshSign(signer: SshSigner, message: string): string {
  const hash = createHash('sha512').update(message).digest();
  const toSign = Buffer.concat([Buffer.from('SSHSIG'), str('git'), str(''), str('sha512'), str(hash)]);
  const sig = Buffer.concat([str('ssh-ed25519'), str(sign(null, toSign, signer.key))]);
  const version = Buffer.alloc(4);
  version.writeUInt32BE(1);
  const blob = Buffer.concat([Buffer.from('SSHSIG'), version, str(signer.blob), str('git'), str(''), str('sha512'), str(sig)]);
  const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
  return ['-----BEGIN SSH SIGNATURE-----', ...lines, '-----END SSH SIGNATURE-----'].join('\n');
}

export interface BareRepo {
  path: string;
  writeObject(type: 'commit' | 'tree', content: string): string;
  setBranch(branch: string, sha: string): void;
}

/** A fresh bare repository at `path` (anything there is replaced) whose HEAD is `branch`. */
export function createBareRepo(path: string, branch: string): BareRepo {
  rmSync(path, { recursive: true, force: true });
  for (const d of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags']) mkdirSync(join(path, d), { recursive: true });
  writeFileSync(join(path, 'HEAD'), `ref: refs/heads/${branch}\n`);
  writeFileSync(join(path, 'config'), '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n');
  return {
    path,
    writeObject(type, content) {
      const body = Buffer.from(content);
      const full = Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]);
      const sha = createHash('sha1').update(full).digest('hex');
      const file = join(path, 'objects', sha.slice(0, 2), sha.slice(2));
      if (!existsSync(file)) {
        mkdirSync(join(path, 'objects', sha.slice(0, 2)), { recursive: true });
        writeFileSync(file, deflateSync(full));
      }
      return sha;
    },
    setBranch(name, sha) {
      writeFileSync(join(path, 'refs', 'heads', name), `${sha}\n`);
    },
  };
}

export interface CommitSpec {
  tree: string;
  parents: string[];
  author: { name: string; email: string; at: Date };
  committer: { name: string; email: string; at: Date };
  message: string;
  signer?: SshSigner;
}

const ident = (p: { name: string; email: string; at: Date }) => `${p.name} <${p.email}> ${Math.floor(p.at.getTime() / 1000)} +0000`;

/** A commit object's content; signed, the `gpgsig` header follows the committer as git writes it. */
export function commitContent(c: CommitSpec): string {
  const head = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), `author ${ident(c.author)}`, `committer ${ident(c.committer)}`];
  const message = c.message.endsWith('\n') ? c.message : `${c.message}\n`;
  const payload = `${head.join('\n')}\n\n${message}`;
  if (!c.signer) return payload;
  const sig = sshSign(c.signer, payload).split('\n').join('\n ');
  return `${head.join('\n')}\ngpgsig ${sig}\n\n${message}`;
}
