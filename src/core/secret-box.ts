/**
 * Secrets at rest: the credentials of sources and alert channels added through the API are kept in
 * the database sealed with AES-256-GCM (node:crypto). The key is 32 bytes, from `VIGIL_SECRET_KEY`
 * (base64; what several processes on one PostgreSQL server must share) or else from
 * `keys/secrets-aes256.key` in the data folder, created on the first secret stored (mode 0600).
 *
 * A sealed value is one string, `vigil-sealed:v1:<key id>:<iv>:<ciphertext+tag>` (base64url), bound
 * by its additional data to where it belongs (workspace, source or channel, field), so a value
 * copied to another row or field does not open. The key id (the first 8 hex digits of the key's
 * SHA-256) lets a process with the wrong key say so, rather than report tampering.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../lib/errors.ts';

export const SECRET_KEY_FILE = 'secrets-aes256.key';
export const SECRET_KEY_ENV = 'VIGIL_SECRET_KEY';
const PREFIX = 'vigil-sealed:v1:';

export const secretKeyPath = (dataDir: string) => join(dataDir, 'keys', SECRET_KEY_FILE);

export interface SecretBox {
  /** Seal `plain` for the place `aad` names; creates the key file on first use when there is none. */
  seal(plain: string, aad: string): string;
  /** Open a sealed value; `owner` names what it belongs to in errors ("source okta-prod"). */
  open(sealed: string, aad: string, owner: string): string;
  /** Where the key comes from, for messages: the variable or the file. */
  readonly keySource: string;
}

export const isSealed = (v: unknown): v is string => typeof v === 'string' && v.startsWith(PREFIX);

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

function keyFromEnv(value: string): Buffer {
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== 32) {
    throw new VigilError('InvalidConfig', `${SECRET_KEY_ENV} must be 32 bytes in base64 (it decodes to ${key.length} bytes)`, {
      where: SECRET_KEY_ENV,
      hint: 'make one with `openssl rand -base64 32`; every process sharing the database needs the same value',
    });
  }
  return key;
}

function readKeyFile(path: string): Buffer | undefined {
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new VigilError('InvalidConfig', `the secret key cannot be read: ${(e as Error).message}`, { where: path, cause: e });
  }
  if (key.length !== 32) throw new VigilError('InvalidConfig', `the secret key file must hold 32 bytes (it holds ${key.length})`, { where: path });
  return key;
}

/** Create the key file when missing; safe when two processes race (the loser reads the winner's). */
function createKeyFile(path: string): Buffer {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, randomBytes(32));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
  return readKeyFile(path)!;
}

export function createSecretBox(options: { dataDir: string; env?: NodeJS.ProcessEnv }): SecretBox {
  const env = options.env ?? process.env;
  const path = secretKeyPath(options.dataDir);
  const fromEnv = env[SECRET_KEY_ENV];
  const keySource = fromEnv ? SECRET_KEY_ENV : path;
  let cached: Buffer | undefined;

  const key = (create: boolean, owner?: string): Buffer => {
    if (cached) return cached;
    if (fromEnv) return (cached = keyFromEnv(fromEnv));
    const found = readKeyFile(path) ?? (create ? createKeyFile(path) : undefined);
    if (!found) {
      throw new VigilError('InvalidConfig', `its secrets cannot be decrypted: there is no secret key (${SECRET_KEY_ENV} is not set and ${path} does not exist)`, {
        where: owner,
        hint: `set ${SECRET_KEY_ENV} to the key the secrets were stored with, or restore ${SECRET_KEY_FILE} in the data folder; otherwise store the secrets again`,
      });
    }
    return (cached = found);
  };

  return {
    keySource,
    seal(plain, aad) {
      const k = key(true);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${PREFIX}${keyId(k)}:${iv.toString('base64url')}:${body.toString('base64url')}`;
    },
    open(sealed, aad, owner) {
      const parts = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(':') : [];
      if (parts.length !== 3) throw new VigilError('IntegrityError', 'a stored secret is not a sealed value', { where: owner, hint: 'store the secret again' });
      const [id, ivText, bodyText] = parts as [string, string, string];
      const k = key(false, owner);
      if (id !== keyId(k)) {
        throw new VigilError('InvalidConfig', `its secrets were stored with secret key ${id}, but this process has key ${keyId(k)} (from ${keySource})`, {
          where: owner,
          hint: `every process must use the same key: set ${SECRET_KEY_ENV} to the key the secrets were stored with, or store the secrets again`,
        });
      }
      const body = Buffer.from(bodyText, 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(ivText, 'base64url'));
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(body.subarray(body.length - 16));
        return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
      } catch (e) {
        throw new VigilError('IntegrityError', 'a stored secret does not decrypt: it was altered or moved from another record', { where: owner, cause: e, hint: 'store the secret again' });
      }
    },
  };
}
