import { index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { workspaceId } from './_helpers.ts';

/** Live uses of a blob by evidence records; a blob is deleted when its last use expires. */
export const evidenceBlobRefs = pgTable(
  'evidence_blob_refs',
  {
    sha256: text('sha256').notNull(),
    workspaceId: workspaceId(),
    recordId: text('record_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sha256, t.workspaceId, t.recordId] }), index('evidence_blob_refs_record_idx').on(t.workspaceId, t.recordId)],
);
