import { bigint, index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { utc } from './_helpers.ts';
import { bytea } from './_bytea.ts';

/** One row per leaf of the evidence log; the columns are what the leaf hash commits to. */
export const evidenceRecords = pgTable(
  'evidence_records',
  {
    // No foreign key: the log head (which has one) guarantees the workspace; see migration 0003.
    workspaceId: text('workspace_id').notNull(),
    leafIndex: bigint('leaf_index', { mode: 'number' }).notNull(),
    id: text('id').notNull().unique(),
    kind: text('kind').notNull(),
    source: text('source').notNull(),
    subject: text('subject').notNull(),
    collectedAt: utc('collected_at').notNull(),
    effectiveAt: utc('effective_at').notNull(),
    contentHash: bytea('content_hash').notNull(),
    /** Canonical JSON text of the content, exactly as hashed; null once expired. */
    content: text('content'),
    attachments: jsonb('attachments').$type<{ sha256: string; size: number; name: string; mediaType: string }[]>().notNull().default([]),
    leafHash: bytea('leaf_hash').notNull(),
    expiredAt: utc('expired_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.leafIndex] }),
    index('evidence_records_effective_idx').on(t.workspaceId, t.effectiveAt),
    index('evidence_records_subject_idx').on(t.workspaceId, t.subject),
    index('evidence_records_live_idx').on(t.workspaceId, t.effectiveAt).where(sql`expired_at IS NULL`),
    // A control's newest check results, per check (migration 0014).
    index('evidence_records_by_check').on(t.workspaceId, sql`split_part(${t.subject}, '/', 1)`, t.leafIndex).where(sql`kind = 'check.result'`),
  ],
);

export type EvidenceRecordRow = typeof evidenceRecords.$inferSelect;
