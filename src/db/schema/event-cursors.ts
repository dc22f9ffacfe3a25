import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';

/** Where each incremental event stream left off, so only new events are fetched. */
export const eventCursors = pgTable(
  'event_cursors',
  {
    workspaceId: workspaceId(),
    source: text('source').notNull(),
    stream: text('stream').notNull(),
    cursor: text('cursor').notNull(),
    updatedAt: utc('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.source, t.stream] })],
);
