/**
 * PGlite keeps its data in one process: two processes opening the same data folder would corrupt
 * it. The process that opens it holds `<dataDir>/../vigil.lock` (created exclusively, holding its
 * pid); a lock whose process is gone is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { VigilError } from '../lib/errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Locks this process holds: a second open in the same process would corrupt the folder too. */
const held = new Set<string>();

// One exit handler for all of them (one per open would pile up listeners in a long-lived process).
process.once('exit', () => {
  for (const path of held) {
    try {
      if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
    } catch {
      // already gone
    }
  }
});

export function acquireDataDirLock(lockPath: string): () => void {
  if (held.has(lockPath)) {
    throw new VigilError('Conflict', 'the embedded database is in use by another Vigil process (this one)', {
      where: lockPath,
      hint: 'reuse the open database instead of opening it again',
    });
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(lockPath);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(lockPath);
        try {
          if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new VigilError('Conflict', `the embedded database is in use by another Vigil process (pid ${pid})`, {
          where: lockPath,
          hint: 'commands reach a running `vigil start` by themselves; otherwise stop that process first',
        });
      }
      try {
        unlinkSync(lockPath); // stale: its process is gone
      } catch {
        // someone else took it over first; the next attempt decides
      }
    }
  }
  throw new VigilError('Conflict', 'could not take the embedded database lock', { where: lockPath });
}
