import { bigint, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';
import { bytea } from './_bytea.ts';

/**
 * The evidence log's tree, stored sparsely (migration 0013, src/evidence/tiles.ts): tile
 * (level L, idx i) holds the hashes of the nodes at tree level 8·L with indexes [256·i, 256·i + 256),
 * concatenated, 32 bytes each; the right-most tile of a level is partial and grows.
 */
export const evidenceTiles = pgTable(
  'evidence_tiles',
  {
    // No foreign key: the log head (which has one) guarantees the workspace; see migration 0003.
    workspaceId: text('workspace_id').notNull(),
    level: smallint('level').notNull(),
    idx: bigint('idx', { mode: 'number' }).notNull(),
    hashes: bytea('hashes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.level, t.idx] })],
);

export type EvidenceTileRow = typeof evidenceTiles.$inferSelect;
