/**
 * A scanner source's `path`: one file the scanner rewrites, or a folder it drops new files into.
 * Each collection imports the files not imported before, one page (one transaction in the engine)
 * per file. The cursor remembers every file present by name, size, mtime and SHA-256, so an
 * unchanged file is not even read again and a renamed or re-copied file is recognised by its
 * content; the engine's event keys (the file's SHA-256) make a repeat harmless in any case.
 *
 * A malformed file does not stop the others: they are imported, and the collection then fails
 * naming the bad file and line, so the source shows the problem until the file is fixed or removed.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { VigilError, isVigilError } from '../../lib/errors.ts';
import type { EventPage, RunContext } from '../sdk/index.ts';
import { readScanFile, sha256Hex, type ScanFormat } from './scan-file.ts';
import type { ScanRow } from './scan-row.ts';

export interface WatchConfig {
  path?: string | undefined;
  target?: string | undefined;
}

interface SeenFile {
  name: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

interface Cursor {
  v: 1;
  files: SeenFile[];
}

function readCursor(cursor: string | null): Cursor {
  if (!cursor) return { v: 1, files: [] };
  try {
    const c = JSON.parse(cursor) as Cursor;
    if (c.v === 1 && Array.isArray(c.files)) return c;
  } catch {
    // An unreadable cursor only costs re-reading the files: their events are de-duplicated by key.
  }
  return { v: 1, files: [] };
}

const skipped = (name: string) => name.startsWith('.') || /\.(tmp|part|swp)$|~$/i.test(name);

/** A file-system error as the engine understands it: missing, not permitted (a recorded gap), or unreadable. */
export function fsError(e: unknown, path: string, what: string): VigilError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new VigilError('NotFound', `the scan ${what} does not exist`, { where: path, hint: 'check `path` in the source config, and that the scanner job writes there', cause: e });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new VigilError('PermissionDenied', `Vigil may not read the scan ${what}`, {
      where: path,
      hint: 'give the user Vigil runs as read access to it (and execute access to the folder)',
      details: { providerMessage: `${code}: permission denied reading ${path}` },
      cause: e,
    });
  }
  return new VigilError('Unreachable', `could not read the scan ${what}: ${(e as Error).message}`, { where: path, cause: e });
}

/** The files a source path names: itself, or the matching files of the folder, by name. */
export async function scanFilesAt(path: string, format: ScanFormat<unknown>): Promise<{ kind: 'file' | 'folder'; files: { name: string; full: string }[] }> {
  const full = resolve(path);
  let info;
  try {
    info = await stat(full);
  } catch (e) {
    throw fsError(e, full, 'path');
  }
  if (info.isFile()) return { kind: 'file', files: [{ name: basename(full), full }] };
  let names: string[];
  try {
    names = await readdir(full);
  } catch (e) {
    throw fsError(e, full, 'folder');
  }
  const files = names
    .filter((n) => !skipped(n) && format.fileName.test(n))
    .sort()
    .map((name) => ({ name, full: join(full, name) }));
  return { kind: 'folder', files };
}

/** The `scans` events of a source path: pages of the files not imported yet, with the cursor after each. */
export async function* watchScans(ctx: RunContext<WatchConfig>, format: ScanFormat<unknown>, cursor: string | null): AsyncIterable<EventPage<ScanRow>> {
  const path = ctx.config.path;
  if (!path) return; // a source fed only by `vigil import` or the upload API
  const before = readCursor(cursor);
  const { files } = await scanFilesAt(path, format);
  const known = new Map(before.files.map((f) => [f.name, f]));
  const knownHashes = new Set(before.files.map((f) => f.sha256));
  const next: SeenFile[] = [];
  const problems: VigilError[] = [];
  const cursorOf = (list: SeenFile[]) => JSON.stringify({ v: 1, files: [...list].sort((a, b) => (a.name < b.name ? -1 : 1)) } satisfies Cursor);
  let handedOver = cursorOf(before.files);

  for (const f of files) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    let info;
    try {
      info = await stat(f.full);
    } catch (e) {
      // Gone between listing and reading (a scanner rotating files): it is simply not there now.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw fsError(e, f.full, 'file');
    }
    const prior = known.get(f.name);
    if (prior && prior.size === info.size && prior.mtimeMs === info.mtimeMs) {
      next.push(prior);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(f.full);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw fsError(e, f.full, 'file');
    }
    const seen: SeenFile = { name: f.name, size: info.size, mtimeMs: info.mtimeMs, sha256: sha256Hex(bytes) };
    if (knownHashes.has(seen.sha256)) {
      next.push(seen);
      continue;
    }
    let rows: ScanRow[];
    try {
      rows = readScanFile(format, bytes, { name: f.name, importedAt: ctx.clock.now(), target: ctx.config.target });
    } catch (e) {
      if (!isVigilError(e) || e._tag !== 'InvalidInput') throw e;
      ctx.log.warn(`${f.name} was not imported: ${e.message}`);
      problems.push(e);
      continue;
    }
    knownHashes.add(seen.sha256);
    ctx.log.info(`importing ${f.name}: ${rows.length} target(s), ${rows.reduce((n, r) => n + r.findings.length, 0)} finding(s)`);
    next.push(seen);
    handedOver = cursorOf(next);
    yield { rows, cursor: handedOver };
  }
  // Unchanged files after the last new one, and files that went away, change the cursor too.
  const after = cursorOf(next);
  if (after !== handedOver) yield { rows: [], cursor: after };
  if (problems.length) {
    const first = problems[0]!;
    const rest = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1).map((p) => p.where).join(', ')})` : '';
    throw new VigilError('InvalidInput', `${first.message}${rest}`, {
      where: first.where ?? path,
      hint: 'the other files were imported; fix or remove the malformed file(s) — until then this source reports the error',
      details: { files: problems.map((p) => p.details) },
    });
  }
}
