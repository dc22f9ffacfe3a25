import { bigint, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';
import { bytea } from './_bytea.ts';

/** Hashes of complete subtrees (level ≥ 1) of a workspace's evidence log. */
export const evidenceNodes = pgTable(
  'evidence_nodes',
  {
    // No foreign key: the log head (which has one) guarantees the workspace; see migration 0003.
    workspaceId: text('workspace_id').notNull(),
    level: smallint('level').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    hash: bytea('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.level, t.idx] })],
);

export type EvidenceNodeRow = typeof evidenceNodes.$inferSelect;
