import { bigserial, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';

export const resultStatuses = ['pass', 'fail', 'error', 'stale', 'not_applicable'] as const;
export type ResultStatus = (typeof resultStatuses)[number];

/**
 * Check results as state changes: a row is written only when (status, reason) changes for a
 * (check, resource); `validTo` is null for the current state and set when it is superseded.
 */
export const checkResults = pgTable('check_results', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  workspaceId: workspaceId(),
  checkId: text('check_id').notNull(),
  resource: text('resource').notNull(),
  status: text('status', { enum: resultStatuses }).notNull(),
  severity: text('severity').notNull(),
  reason: text('reason').notNull(),
  remediation: text('remediation'),
  evidence: jsonb('evidence').$type<string[]>().notNull().default([]),
  details: jsonb('details').$type<Record<string, unknown>>(),
  validFrom: utc('valid_from').notNull(),
  validTo: utc('valid_to'),
  judgedAt: utc('judged_at').notNull(),
  evidenceId: text('evidence_id'),
});

export type CheckResultRow = typeof checkResults.$inferSelect;
