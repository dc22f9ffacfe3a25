import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBlobStore } from './blob-store.ts';
import { sha256 } from './merkle.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-blobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('content-addressed blob store', () => {
  const blobs = createBlobStore({ dir: join(dir, 'store') });

  it('names a blob by the SHA-256 of its bytes and gives the bytes back', async () => {
    const data = Buffer.from('hello evidence');
    const info = await blobs.put(data);
    expect(info).toEqual({ sha256: sha256(data).toString('hex'), size: data.length });
    expect(await blobs.get(info.sha256)).toEqual(data);
    expect(await blobs.head(info.sha256)).toEqual({ size: data.length });
    expect(await blobs.put(data)).toEqual(info);
  });

  it('streams a file in, leaving no temp file behind', async () => {
    const file = join(dir, 'big.bin');
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    writeFileSync(file, data);
    const info = await blobs.putFile(file);
    expect(info.sha256).toBe(sha256(data).toString('hex'));
    expect(readdirSync(join(dir, 'store', '.tmp'))).toEqual([]);
    await expect(blobs.putFile(join(dir, 'missing'))).rejects.toMatchObject({ _tag: 'NotFound' });
  });

  it('stores a file whose bytes are already there without writing them again', async () => {
    const file = join(dir, 'snapshot.jsonl');
    writeFileSync(file, '{"id":1}\n{"id":2}\n');
    const info = await blobs.putFile(file);
    const stored = join(dir, 'store', info.sha256.slice(0, 2), info.sha256.slice(2, 4), info.sha256);
    const first = statSync(stored).ino;
    expect(await blobs.putFile(file)).toEqual(info);
    // Not replaced by a copy renamed into place: the same file, untouched.
    expect(statSync(stored).ino).toBe(first);
    // Different bytes still go in as a new blob.
    writeFileSync(file, '{"id":1}\n');
    const other = await blobs.putFile(file);
    expect(other.sha256).not.toBe(info.sha256);
    expect((await blobs.get(other.sha256)).toString()).toBe('{"id":1}\n');
  });

  it('writes a blob as it is produced, hashed on the way, leaving no temp file behind', async () => {
    const w = blobs.writer();
    const lines = Array.from({ length: 20_000 }, (_, i) => `{"id":${i},"name":"row ${i} é"}\n`);
    for (let i = 0; i < lines.length; i += 1000) await w.write(lines.slice(i, i + 1000).join(''));
    await w.write(new Uint8Array());
    const info = await w.finish();
    const bytes = Buffer.from(lines.join(''), 'utf8');
    expect(info).toEqual({ sha256: sha256(bytes).toString('hex'), size: bytes.length });
    expect((await blobs.get(info.sha256)).equals(bytes)).toBe(true);
    expect(readdirSync(join(dir, 'store', '.tmp'))).toEqual([]);
    await expect(w.write('more')).rejects.toThrow(/already finished/);

    // The same bytes again: the stored blob is kept as it is, the new file dropped.
    const stored = join(dir, 'store', info.sha256.slice(0, 2), info.sha256.slice(2, 4), info.sha256);
    const first = statSync(stored).ino;
    const again = blobs.writer();
    await again.write(bytes);
    expect(await again.finish()).toEqual(info);
    expect(statSync(stored).ino).toBe(first);
    expect(readdirSync(join(dir, 'store', '.tmp'))).toEqual([]);

    // Nothing written: the empty blob.
    expect(await blobs.writer().finish()).toEqual({ sha256: sha256(Buffer.alloc(0)).toString('hex'), size: 0 });
  });

  it('drops a blob written in part when it is aborted', async () => {
    const w = blobs.writer();
    await w.write('{"id":"only in part"}\n');
    await w.abort();
    expect(readdirSync(join(dir, 'store', '.tmp'))).toEqual([]);
    expect(await blobs.head(sha256(Buffer.from('{"id":"only in part"}\n')).toString('hex'))).toBeUndefined();
  });

  it('refuses to return bytes that no longer match their name', async () => {
    const info = await blobs.put(Buffer.from('original'));
    writeFileSync(join(dir, 'store', info.sha256.slice(0, 2), info.sha256.slice(2, 4), info.sha256), 'changed');
    await expect(blobs.get(info.sha256)).rejects.toMatchObject({ _tag: 'IntegrityError' });
  });

  it('deletes, and reports what is not there', async () => {
    const info = await blobs.put(Buffer.from('temporary'));
    expect(await blobs.delete(info.sha256)).toBe(true);
    expect(await blobs.delete(info.sha256)).toBe(false);
    expect(await blobs.head(info.sha256)).toBeUndefined();
    await expect(blobs.get(info.sha256)).rejects.toMatchObject({ _tag: 'NotFound' });
    await expect(blobs.head('../../etc/passwd')).rejects.toThrow(/not a SHA-256 blob name/);
  });
});
