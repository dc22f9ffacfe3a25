/**
 * The workspace's controls and their requirement links. Scoped to one workspace at construction:
 * every query carries it. Orders are fixed here (by code point, not by the database's collation,
 * which differs between PGlite and a PostgreSQL server) so every caller sees the same order.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { controls, type ControlFrequency, type ControlOrigin } from '../schema/controls.ts';
import { controlRequirements, type LinkStrength } from '../schema/control-requirements.ts';

export interface ControlLinkRecord {
  framework: string;
  id: string;
  strength: LinkStrength;
}

export interface ControlRecord {
  id: string;
  title: string;
  description: string;
  area: string;
  ownerRole: string;
  owner: string | null;
  frequency: ControlFrequency;
  origin: ControlOrigin;
  definedIn: string | null;
  requirements: ControlLinkRecord[];
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function createControlRepo(db: Executor, workspaceId: string) {
  return {
    workspaceId,

    /** Every control with its links, ordered by id. */
    async list(): Promise<ControlRecord[]> {
      const rows = await db.select().from(controls).where(eq(controls.workspaceId, workspaceId));
      const links = await db
        .select()
        .from(controlRequirements)
        .where(eq(controlRequirements.workspaceId, workspaceId));
      const byControl = new Map<string, ControlLinkRecord[]>();
      for (const l of links) {
        const list = byControl.get(l.controlId) ?? [];
        list.push({ framework: l.framework, id: l.requirementId, strength: l.strength });
        byControl.set(l.controlId, list);
      }
      return rows
        .map((r) => ({
          id: r.id,
          title: r.title,
          description: r.description,
          area: r.area,
          ownerRole: r.ownerRole,
          owner: r.owner,
          frequency: r.frequency,
          origin: r.origin,
          definedIn: r.definedIn,
          requirements: (byControl.get(r.id) ?? []).sort(
            (a, b) => byCodePoint(a.framework, b.framework) || byCodePoint(a.id, b.id),
          ),
        }))
        .sort((a, b) => byCodePoint(a.id, b.id));
    },

    async get(id: string): Promise<ControlRecord | undefined> {
      return (await this.list()).find((c) => c.id === id);
    },

    /** Insert or update one control's own fields (not its links). */
    async upsert(c: Omit<ControlRecord, 'requirements'>): Promise<void> {
      const values = {
        title: c.title,
        description: c.description,
        area: c.area,
        ownerRole: c.ownerRole,
        owner: c.owner,
        frequency: c.frequency,
        origin: c.origin,
        definedIn: c.definedIn,
      };
      await db
        .insert(controls)
        .values({ workspaceId, id: c.id, ...values })
        .onConflictDoUpdate({ target: [controls.workspaceId, controls.id], set: { ...values, updatedAt: sql`now()` } });
    },

    /** Insert new controls and their links in two statements (the first sync of a workspace). */
    async insertMany(cs: ControlRecord[]): Promise<void> {
      if (cs.length === 0) return;
      await db.insert(controls).values(
        cs.map((c) => ({
          workspaceId,
          id: c.id,
          title: c.title,
          description: c.description,
          area: c.area,
          ownerRole: c.ownerRole,
          owner: c.owner,
          frequency: c.frequency,
          origin: c.origin,
          definedIn: c.definedIn,
        })),
      );
      const links = cs.flatMap((c) =>
        c.requirements.map((l) => ({ workspaceId, controlId: c.id, framework: l.framework, requirementId: l.id, strength: l.strength })),
      );
      if (links.length) await db.insert(controlRequirements).values(links);
    },

    /** Remove controls (their links go with them). */
    async remove(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await db.delete(controls).where(and(eq(controls.workspaceId, workspaceId), inArray(controls.id, ids)));
    },

    /** Make a control's links exactly `links`. */
    async replaceLinks(controlId: string, links: ControlLinkRecord[]): Promise<void> {
      await db
        .delete(controlRequirements)
        .where(and(eq(controlRequirements.workspaceId, workspaceId), eq(controlRequirements.controlId, controlId)));
      if (links.length === 0) return;
      await db.insert(controlRequirements).values(
        links.map((l) => ({ workspaceId, controlId, framework: l.framework, requirementId: l.id, strength: l.strength })),
      );
    },
  };
}

export type ControlRepo = ReturnType<typeof createControlRepo>;
