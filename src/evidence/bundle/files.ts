/**
 * Reading and writing a bundle's files, as a folder or as a .zip with the same layout. Export
 * streams records and attachments straight to the destination; verify reads entries on demand, so
 * neither holds a period's evidence in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { Transform, type Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { VigilError } from '../../lib/errors.ts';
import type { BlobStore } from '../blob-store.ts';

export const isZipPath = (p: string) => p.toLowerCase().endsWith('.zip');

/** Re-hash a stream as it passes; fails the stream if the bytes are not the named blob. */
function checked(sha256: string, size: number): Transform {
  const h = createHash('sha256');
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _e, done) {
      h.update(chunk);
      n += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      const got = h.digest('hex');
      done(got === sha256 && n === size ? null : new VigilError('IntegrityError', `blob ${sha256} in the blob store was changed (it hashes to ${got})`, { where: 'blob store' }));
    },
  });
}

export interface BundleWriter {
  text(name: string, text: string): Promise<void>;
  /** A stream for a large text file (records.jsonl, index.txt). */
  stream(name: string): Writable;
  blob(name: string, blobs: BlobStore, sha256: string, size: number): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export async function openWriter(out: string): Promise<BundleWriter> {
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
    throw new VigilError('Conflict', 'the output already exists; nothing was written', { where: out, hint: 'choose a new folder or .zip path' });
  }
  return isZipPath(out) ? zipWriter(out) : dirWriter(out);
}

async function dirWriter(dir: string): Promise<BundleWriter> {
  await mkdir(join(dir, 'attachments'), { recursive: true });
  const open: Writable[] = [];
  return {
    text: (name, text) => writeFile(join(dir, name), text),
    stream(name) {
      const s = createWriteStream(join(dir, name));
      open.push(s);
      return s;
    },
    async blob(name, blobs, sha256, size) {
      await pipeline(await blobs.open(sha256), checked(sha256, size), createWriteStream(join(dir, name)));
    },
    async close() {
      await Promise.all(open.map((s) => (s.writableFinished ? undefined : finished(s.end()))));
    },
    async abort() {
      for (const s of open) s.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function zipWriter(path: string): Promise<BundleWriter> {
  const zip = new yazl.ZipFile();
  const output = createWriteStream(path);
  const done = pipeline(zip.outputStream, output);
  const failed = new Promise<never>((_, reject) => zip.on('error', reject));
  failed.catch(() => {});
  // Large text files are spooled to a temp file first: a zip entry is written in one go, and
  // export writes records.jsonl and index.txt side by side.
  const spool = join(tmpdir(), `vigil-bundle-${process.pid}-${Date.now()}`);
  await mkdir(spool, { recursive: true });
  const streams: { name: string; file: string; s: Writable }[] = [];
  const blobsQueued: { name: string; blobs: BlobStore; sha256: string; size: number }[] = [];
  return {
    async text(name, text) {
      zip.addBuffer(Buffer.from(text, 'utf8'), name);
    },
    stream(name) {
      const file = join(spool, name.replaceAll('/', '_'));
      const s = createWriteStream(file);
      streams.push({ name, file, s });
      return s;
    },
    async blob(name, blobs, sha256, size) {
      blobsQueued.push({ name, blobs, sha256, size });
    },
    async close() {
      for (const { name, file, s } of streams) {
        if (!s.writableFinished) await finished(s.end());
        zip.addFile(file, name);
      }
      for (const b of blobsQueued) {
        // Opened only when the zip reaches the entry, so a bundle of many attachments does not hold many files open.
        zip.addReadStreamLazy(b.name, {}, (cb) => {
          b.blobs.open(b.sha256).then(
            (s) => cb(null, s.pipe(checked(b.sha256, b.size))),
            (e: Error) => zip.emit('error', e),
          );
        });
      }
      zip.end();
      try {
        await Promise.race([done, failed]);
      } finally {
        await rm(spool, { recursive: true, force: true });
      }
    },
    async abort() {
      for (const { s } of streams) s.destroy();
      output.destroy();
      await rm(spool, { recursive: true, force: true });
      await rm(path, { force: true });
    },
  };
}

export interface BundleReader {
  /** Every file in the bundle, with `/` separators. */
  names(): string[];
  text(name: string): Promise<string | undefined>;
  lines(name: string): AsyncIterable<string>;
  open(name: string): Promise<Readable | undefined>;
  close(): Promise<void>;
}

export async function openReader(path: string): Promise<BundleReader> {
  if (!existsSync(path)) throw new VigilError('NotFound', 'no bundle here', { where: path });
  return statSync(path).isDirectory() ? dirReader(path) : zipReader(path);
}

async function walk(dir: string, root: string, out: string[]): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, root, out);
    else out.push(relative(root, p).split(sep).join('/'));
  }
}

async function streamText(s: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function* linesOf(s: Readable | undefined): AsyncIterable<string> {
  if (!s) return;
  const rl = createInterface({ input: s, crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

async function dirReader(dir: string): Promise<BundleReader> {
  const names: string[] = [];
  await walk(dir, dir, names);
  const has = new Set(names);
  const open = async (name: string) => (has.has(name) ? createReadStream(join(dir, name)) : undefined);
  return {
    names: () => names,
    text: async (name) => {
      const s = await open(name);
      return s ? streamText(s) : undefined;
    },
    lines: (name) => ({ [Symbol.asyncIterator]: async function* () { yield* linesOf(await open(name)); } }),
    open,
    async close() {},
  };
}

async function zipReader(path: string): Promise<BundleReader> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) => (err || !z ? reject(bad(err)) : resolve(z))),
  );
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      if (!e.fileName.endsWith('/')) entries.set(e.fileName, e);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (e: Error) => reject(bad(e)));
    zip.readEntry();
  });
  function bad(e: Error | null): VigilError {
    return new VigilError('IntegrityError', `not a readable zip file: ${e?.message ?? 'unknown error'}`, { where: path });
  }
  const open = async (name: string): Promise<Readable | undefined> => {
    const e = entries.get(name);
    if (!e) return undefined;
    return new Promise((resolve, reject) => zip.openReadStream(e, (err, s) => (err || !s ? reject(bad(err)) : resolve(s))));
  };
  return {
    names: () => [...entries.keys()],
    text: async (name) => {
      const s = await open(name);
      return s ? streamText(s) : undefined;
    },
    lines: (name) => ({ [Symbol.asyncIterator]: async function* () { yield* linesOf(await open(name)); } }),
    open,
    async close() {
      zip.close();
    },
  };
}


