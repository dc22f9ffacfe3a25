import { jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';

/** Things that happened at a time: append-only, de-duplicated by the provider's key. */
export const events = pgTable(
  'events',
  {
    workspaceId: workspaceId(),
    source: text('source').notNull(),
    stream: text('stream').notNull(),
    key: text('key').notNull(),
    occurredAt: utc('occurred_at').notNull(),
    collectedAt: utc('collected_at').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    evidenceId: text('evidence_id'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.source, t.stream, t.key] })],
);

export type EventRow = typeof events.$inferSelect;
