import { bigserial, pgTable, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';
import { findings } from './findings.ts';

/** The history of a finding: every transition, who made it and why. */
export const findingEvents = pgTable('finding_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  workspaceId: workspaceId(),
  findingId: text('finding_id')
    .notNull()
    .references(() => findings.id, { onDelete: 'cascade' }),
  at: utc('at').notNull(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status'),
  note: text('note'),
  evidenceId: text('evidence_id'),
});
