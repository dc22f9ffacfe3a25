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
  /** Controls with their links, ordered by id: all of them, or the one with this id. */
  async function read(only?: string): Promise<ControlRecord[]> {
    const rows = await db
      .select({
        c: controls,
        // Spelled out with an alias: drizzle writes a column in a selected expression without its
        // table, which inside this subquery would name control_requirements' own column.
        links: sql<string | null>`(SELECT json_agg(json_build_array(l.framework, l.requirement_id, l.strength))::text
          FROM control_requirements l WHERE l.workspace_id = "controls"."workspace_id" AND l.control_id = "controls"."id")`,
      })
      .from(controls)
      .where(only === undefined ? eq(controls.workspaceId, workspaceId) : and(eq(controls.workspaceId, workspaceId), eq(controls.id, only)));
    return rows
      .map(({ c: r, links }) => ({
        id: r.id,
        title: r.title,
        description: r.description,
        area: r.area,
        ownerRole: r.ownerRole,
        owner: r.owner,
        frequency: r.frequency,
        origin: r.origin,
        definedIn: r.definedIn,
        requirements: (links ? (JSON.parse(links) as [string, string, LinkStrength][]) : [])
          .map(([framework, id, strength]) => ({ framework, id, strength }))
          .sort((a, b) => byCodePoint(a.framework, b.framework) || byCodePoint(a.id, b.id)),
      }))
      .sort((a, b) => byCodePoint(a.id, b.id));
  }

  return {
    workspaceId,

    /**
     * Every control with its links, ordered by id. One query: each control's links come with it as
     * a JSON array (the API reads this list on most pages, and on PGlite every extra round trip and
     * row is paid on the one connection all requests share).
     */
    async list(): Promise<ControlRecord[]> {
      return read();
    },

    /** One control with its links, read by its key. */
    async get(id: string): Promise<ControlRecord | undefined> {
      return (await read(id))[0];
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
