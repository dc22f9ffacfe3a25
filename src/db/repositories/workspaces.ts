/**
 * Workspaces are the tenants themselves, so this is the one repository that is not scoped to one.
 * Every other repository is created with a workspace id (`createXRepo(db, workspaceId)`) and puts
 * it in every query it runs, so no query can forget the tenant.
 */
import { eq } from 'drizzle-orm';
import { newId } from '../../lib/ids.ts';
import type { Executor } from '../client.ts';
import { workspaces, type WorkspaceRow } from '../schema/workspaces.ts';

export function createWorkspaceRepo(db: Executor) {
  return {
    async bySlug(slug: string): Promise<WorkspaceRow | undefined> {
      const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, slug)).limit(1);
      return row;
    },

    /** The workspace with this slug, created if missing; safe when two processes race. */
    async ensure(slug: string, name: string): Promise<WorkspaceRow> {
      await db
        .insert(workspaces)
        .values({ id: newId('ws'), slug, name })
        .onConflictDoNothing({ target: workspaces.slug });
      const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, slug)).limit(1);
      if (!row) throw new Error(`workspace ${slug} vanished right after it was ensured`);
      if (row.name !== name) {
        await db.update(workspaces).set({ name }).where(eq(workspaces.id, row.id));
        return { ...row, name };
      }
      return row;
    },

    async list(): Promise<WorkspaceRow[]> {
      return db.select().from(workspaces).orderBy(workspaces.slug);
    },
  };
}
