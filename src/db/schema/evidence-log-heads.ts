import { bigint, pgTable, text } from 'drizzle-orm/pg-core';
import { updatedAt } from './_helpers.ts';
import { workspaces } from './workspaces.ts';
import { bytea } from './_bytea.ts';

/** The head of a workspace's evidence log: its size and right frontier; appends lock this row. */
export const evidenceLogHeads = pgTable('evidence_log_heads', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  treeSize: bigint('tree_size', { mode: 'number' }).notNull().default(0),
  frontier: bytea('frontier').notNull(),
  updatedAt: updatedAt(),
});

export type EvidenceLogHeadRow = typeof evidenceLogHeads.$inferSelect;
