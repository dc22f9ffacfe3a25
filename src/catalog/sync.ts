/**
 * syncControls: make the workspace's controls in the database match the library plus controls as
 * code. Idempotent (a second run writes nothing), in one transaction, and serialised per workspace
 * by an advisory lock so two processes starting together cannot interleave. A control that left
 * the YAML is removed; a library control whose override left the YAML returns to library values.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { createControlRepo, type ControlLinkRecord, type ControlRecord } from '../db/repositories/controls.ts';
import { frameworkOrder, compareIds } from './ids.ts';
import { resolveControls, type ResolvedControl } from './resolve.ts';

// An arbitrary constant naming "control sync" among advisory locks (the migrator uses 7447001).
const SYNC_LOCK = 7_447_002;

export interface SyncControlsOptions {
  db: Pick<Database, 'orm'>;
  workspaceId: string;
  /** `controls.paths` from vigil.yaml. */
  paths: string[];
  /** The folder relative paths start from (that of vigil.yaml); default the working directory. */
  baseDir?: string;
}

export interface SyncResult {
  total: number;
  inserted: string[];
  updated: string[];
  removed: string[];
}

export async function syncControls({ db, workspaceId, paths, baseDir = process.cwd() }: SyncControlsOptions): Promise<SyncResult> {
  // Read and validate every file before touching the database: a bad file changes nothing.
  const desired = resolveControls({ paths, baseDir }).map(toRecord);
  return db.orm.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SYNC_LOCK}, hashtext(${workspaceId}))`);
    const repo = createControlRepo(tx, workspaceId);
    const current = new Map((await repo.list()).map((c) => [c.id, c]));
    const result: SyncResult = { total: desired.length, inserted: [], updated: [], removed: [] };
    const fresh: ControlRecord[] = [];
    for (const want of desired) {
      const have = current.get(want.id);
      current.delete(want.id);
      if (!have) {
        fresh.push(want);
        result.inserted.push(want.id);
        continue;
      }
      const fieldsChanged = !sameFields(have, want);
      const linksChanged = !sameLinks(have.requirements, want.requirements);
      if (fieldsChanged) await repo.upsert(want);
      if (linksChanged) await repo.replaceLinks(want.id, want.requirements);
      if (fieldsChanged || linksChanged) result.updated.push(want.id);
    }
    await repo.insertMany(fresh);
    result.removed = [...current.keys()];
    await repo.remove(result.removed);
    return result;
  });
}

function toRecord(c: ResolvedControl): ControlRecord {
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    area: c.area,
    ownerRole: c.ownerRole,
    owner: c.owner ?? null,
    frequency: c.frequency,
    origin: c.origin,
    definedIn: c.definedIn ?? null,
    requirements: [...c.requirements].sort(
      (a, b) => frameworkOrder(a.framework) - frameworkOrder(b.framework) || compareIds(a.id, b.id),
    ),
  };
}

const FIELDS = ['title', 'description', 'area', 'ownerRole', 'owner', 'frequency', 'origin', 'definedIn'] as const;

const sameFields = (a: ControlRecord, b: ControlRecord) => FIELDS.every((k) => a[k] === b[k]);

function sameLinks(a: ControlLinkRecord[], b: ControlLinkRecord[]): boolean {
  const key = (l: ControlLinkRecord) => `${l.framework}\u0000${l.id}\u0000${l.strength}`;
  const set = new Set(a.map(key));
  return a.length === b.length && b.every((l) => set.has(key(l)));
}
