import { bigint, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, utc, workspaceId } from './_helpers.ts';
import { bytea } from './_bytea.ts';

export interface WitnessDelivery {
  witness: string;
  ok: boolean;
  attempts: number;
  error?: string;
  at: string;
}

/** Signed checkpoints of a workspace's evidence log, as C2SP signed notes. */
export const evidenceCheckpoints = pgTable(
  'evidence_checkpoints',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceId(),
    treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
    rootHash: bytea('root_hash').notNull(),
    signedAt: utc('signed_at').notNull(),
    note: text('note').notNull(),
    recordId: text('record_id'),
    witnesses: jsonb('witnesses').$type<WitnessDelivery[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [
    index('evidence_checkpoints_size_idx').on(t.workspaceId, t.treeSize),
    index('evidence_checkpoints_time_idx').on(t.workspaceId, t.signedAt),
  ],
);

export type EvidenceCheckpointRow = typeof evidenceCheckpoints.$inferSelect;
