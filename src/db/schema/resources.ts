import { jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';

/** Current inventory, one row per (source, type, key); rewritten only when its content changes. */
export const resources = pgTable(
  'resources',
  {
    workspaceId: workspaceId(),
    source: text('source').notNull(),
    type: text('type').notNull(),
    key: text('key').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    dataHash: text('data_hash').notNull(),
    firstSeenAt: utc('first_seen_at').notNull(),
    lastSeenAt: utc('last_seen_at').notNull(),
    changedAt: utc('changed_at').notNull(),
    deletedAt: utc('deleted_at'),
    evidenceId: text('evidence_id'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.source, t.type, t.key] })],
);

export type ResourceRow = typeof resources.$inferSelect;
