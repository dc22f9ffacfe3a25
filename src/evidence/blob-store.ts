/**
 * Content-addressed storage for attachments: a blob's name is the hex SHA-256 of its bytes.
 * The default store is a folder (`<dataDir>/blobs/ab/cd/abcd…`); writes go to a temp file, are
 * flushed, then renamed into place, so a blob either exists whole or not at all. The interface is
 * what an S3-compatible store offers (put, get, head, delete by key), so one can replace this later.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { VigilError } from '../lib/errors.ts';
import { sha256 } from './merkle.ts';

export interface BlobInfo {
  sha256: string;
  size: number;
}

export interface BlobStore {
  /** Store bytes; returns their hash and size. Storing the same bytes twice is a no-op. */
  put(data: Uint8Array): Promise<BlobInfo>;
  /** Stream a file into the store without holding it in memory. */
  putFile(path: string): Promise<BlobInfo>;
  /**
   * Write a blob as it is produced, hashed on the way (one pass: no file to read back and copy).
   * `finish` stores it under its hash — or, when the same bytes are already stored, drops what was
   * written (no flush) — and `abort` drops it.
   */
  writer(): BlobWriter;
  /** The bytes of a blob, checked against its name; NotFound or IntegrityError otherwise. */
  get(sha256: string): Promise<Buffer>;
  /** A stream of the blob's bytes (not checked: callers that copy it re-hash it anyway). */
  open(sha256: string): Promise<Readable>;
  /** Size of the blob, or undefined if it is not stored. */
  head(sha256: string): Promise<{ size: number } | undefined>;
  /** Remove a blob; false if it was not there. */
  delete(sha256: string): Promise<boolean>;
}

export interface BlobWriter {
  /** Appends text (UTF-8) or bytes; resolves once the file can take more. */
  write(chunk: string | Uint8Array): Promise<void>;
  finish(): Promise<BlobInfo>;
  abort(): Promise<void>;
}

const HEX64 = /^[0-9a-f]{64}$/;

async function hashFile(path: string): Promise<BlobInfo> {
  const h = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      h.update(chunk);
      size += chunk.length;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new VigilError('NotFound', 'file not found', { where: path });
    throw e;
  }
  return { sha256: h.digest('hex'), size };
}

export function createBlobStore({ dir }: { dir: string }): BlobStore {
  const pathOf = (hash: string) => {
    if (!HEX64.test(hash)) throw new VigilError('InvalidInput', `"${hash}" is not a SHA-256 blob name (64 lower-case hex digits)`);
    return join(dir, hash.slice(0, 2), hash.slice(2, 4), hash);
  };
  const tmpDir = join(dir, '.tmp');
  const tmpPath = () => join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);

  async function place(tmp: string, hash: string): Promise<void> {
    const final = pathOf(hash);
    await mkdir(dirname(final), { recursive: true, mode: 0o700 });
    await rename(tmp, final);
    // The rename is durable only once its directory is flushed too.
    const d = await open(dirname(final), 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }

  async function headOf(hash: string): Promise<{ size: number } | undefined> {
    try {
      const s = await stat(pathOf(hash));
      return { size: s.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  return {
    async put(data) {
      const hash = sha256(data).toString('hex');
      const existing = await this.head(hash);
      if (existing?.size === data.length) return { sha256: hash, size: data.length };
      await mkdir(tmpDir, { recursive: true, mode: 0o700 });
      const tmp = tmpPath();
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await place(tmp, hash);
      return { sha256: hash, size: data.length };
    },

    async putFile(path) {
      // A file already stored (a snapshot identical to the last one) is only read and hashed:
      // no copy, no flush. The copy below hashes again, so a file changed in between is stored
      // under the hash of what was copied.
      const seen = await hashFile(path);
      const existing = await this.head(seen.sha256);
      if (existing?.size === seen.size) return seen;
      await mkdir(tmpDir, { recursive: true, mode: 0o700 });
      const tmp = tmpPath();
      const h = createHash('sha256');
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          h.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      try {
        await pipeline(createReadStream(path), tap, createWriteStream(tmp, { mode: 0o600 }));
        const fh = await open(tmp, 'r+');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      } catch (e) {
        await rm(tmp, { force: true });
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new VigilError('NotFound', 'file not found', { where: path });
        throw e;
      }
      const hash = h.digest('hex');
      await place(tmp, hash);
      return { sha256: hash, size };
    },

    writer() {
      const h = createHash('sha256');
      let size = 0;
      let tmp: string | undefined;
      let out: WriteStream | undefined;
      let failed: Error | undefined;
      let done = false;
      const start = () => {
        if (out) return out;
        // Made on the first write, synchronously, so nothing can be written before it exists.
        mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
        tmp = tmpPath();
        out = createWriteStream('', { fd: openSync(tmp, 'w', 0o600) });
        out.on('error', (e) => (failed ??= e));
        return out;
      };
      const close = async () => {
        if (!out) return;
        if (!out.writableFinished && !out.destroyed) {
          out.end();
          await once(out, 'close');
        }
      };
      const drop = async () => {
        out?.destroy();
        if (tmp) await rm(tmp, { force: true });
      };
      return {
        async write(chunk) {
          if (done) throw new Error('this blob was already finished');
          if (failed) throw failed;
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
          if (!bytes.length) return;
          h.update(bytes);
          size += bytes.length;
          if (!start().write(bytes)) await once(out!, 'drain');
        },
        async finish() {
          if (done) throw new Error('this blob was already finished');
          done = true;
          const info = { sha256: h.digest('hex'), size };
          try {
            start();
            await close();
            if (failed) throw failed;
            const existing = await headOf(info.sha256);
            if (existing?.size === size) {
              await drop();
              return info;
            }
            const fh = await open(tmp!, 'r+');
            try {
              await fh.sync();
            } finally {
              await fh.close();
            }
            await place(tmp!, info.sha256);
            return info;
          } catch (e) {
            await drop();
            throw e;
          }
        },
        async abort() {
          done = true;
          await drop();
        },
      };
    },

    async get(hash) {
      let data: Buffer;
      try {
        data = await readFile(pathOf(hash));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new VigilError('NotFound', `blob ${hash} is not in the blob store`, { where: dir });
        throw e;
      }
      if (sha256(data).toString('hex') !== hash) {
        throw new VigilError('IntegrityError', `blob ${hash} does not match its hash: its bytes were changed`, { where: pathOf(hash) });
      }
      return data;
    },

    async open(hash) {
      const path = pathOf(hash);
      if (!(await this.head(hash))) throw new VigilError('NotFound', `blob ${hash} is not in the blob store`, { where: dir });
      return createReadStream(path);
    },

    head: headOf,

    async delete(hash) {
      try {
        await unlink(pathOf(hash));
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw e;
      }
    },
  };
}
