/**
 * What a check reads: current resources of a type and events of a stream, scoped to one workspace.
 * Rows carry the evidence record that holds them, so a result can name what it was judged on.
 */
import { and, asc, eq, gte, isNull, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { events } from '../../db/schema/events.ts';
import { resources } from '../../db/schema/resources.ts';

export interface ResourceInput<T = Record<string, unknown>> {
  source: string;
  type: string;
  key: string;
  data: T;
  evidenceId: string | null;
  firstSeenAt: Date;
  changedAt: Date;
}

export interface EventInput<T = Record<string, unknown>> {
  source: string;
  stream: string;
  key: string;
  occurredAt: Date;
  data: T;
  evidenceId: string | null;
}

export interface InputReader {
  resources<T = Record<string, unknown>>(type: string): Promise<ResourceInput<T>[]>;
  events<T = Record<string, unknown>>(stream: string, range?: { since?: Date; until?: Date }): Promise<EventInput<T>[]>;
}

export function createInputReader(db: Executor, workspaceId: string): InputReader {
  return {
    async resources<T>(type: string) {
      const rows = await db
        .select({
          source: resources.source,
          type: resources.type,
          key: resources.key,
          data: resources.data,
          evidenceId: resources.evidenceId,
          firstSeenAt: resources.firstSeenAt,
          changedAt: resources.changedAt,
        })
        .from(resources)
        .where(and(eq(resources.workspaceId, workspaceId), eq(resources.type, type), isNull(resources.deletedAt)))
        .orderBy(asc(resources.key));
      return rows as ResourceInput<T>[];
    },
    async events<T>(stream: string, range: { since?: Date; until?: Date } = {}) {
      const conds = [eq(events.workspaceId, workspaceId), eq(events.stream, stream)];
      if (range.since) conds.push(gte(events.occurredAt, range.since));
      if (range.until) conds.push(lt(events.occurredAt, range.until));
      const rows = await db
        .select({
          source: events.source,
          stream: events.stream,
          key: events.key,
          occurredAt: events.occurredAt,
          data: events.data,
          evidenceId: events.evidenceId,
        })
        .from(events)
        .where(and(...conds))
        .orderBy(asc(events.occurredAt), asc(events.key));
      return rows as EventInput<T>[];
    },
  };
}
