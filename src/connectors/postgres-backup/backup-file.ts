/**
 * Where the backup to restore comes from: the newest file in the folder a backup job writes to
 * (`folder` mode), or a file pg_dump writes now (`dump` mode, see restore-test.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { VigilError } from '../../lib/errors.ts';

export interface BackupFile {
  path: string;
  name: string;
  /** When the backup was made: its modification time (folder) or the snapshot time (dump). */
  takenAt: Date;
  bytes: number;
}

/** The newest file in `folder` whose name matches; undefined when there is none. */
export async function newestBackup(folder: string, match: string): Promise<BackupFile | undefined> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VigilError('InvalidConfig', 'the backup folder does not exist', { where: folder, hint: 'set `folder` to where the backup job writes its files' });
    if (code === 'EACCES' || code === 'EPERM') {
      throw new VigilError('PermissionDenied', 'Vigil may not list the backup folder', {
        where: folder,
        hint: 'give the user Vigil runs as read access to the folder and its files',
        details: { providerMessage: `${code}: permission to list ${folder} denied` },
      });
    }
    throw e;
  }
  const pattern = new RegExp(match);
  let newest: BackupFile | undefined;
  for (const entry of entries) {
    if (!entry.isFile() || !pattern.test(entry.name)) continue;
    const path = join(folder, entry.name);
    const s = await stat(path);
    if (!newest || s.mtimeMs > newest.takenAt.getTime()) newest = { path, name: entry.name, takenAt: new Date(s.mtimeMs), bytes: s.size };
  }
  return newest;
}
