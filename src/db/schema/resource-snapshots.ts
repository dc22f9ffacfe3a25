import { boolean, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';

/** The latest collection of each resource type from each source, and its snapshot evidence. */
export const resourceSnapshots = pgTable(
  'resource_snapshots',
  {
    workspaceId: workspaceId(),
    source: text('source').notNull(),
    type: text('type').notNull(),
    evidenceId: text('evidence_id').notNull(),
    collectedAt: utc('collected_at').notNull(),
    rows: integer('rows').notNull(),
    complete: boolean('complete').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.source, t.type] })],
);
