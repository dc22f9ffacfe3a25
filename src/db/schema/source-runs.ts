import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';

/** One row per collection run of a source. */
export const sourceRuns = pgTable('source_runs', {
  id: text('id').primaryKey(),
  workspaceId: workspaceId(),
  source: text('source').notNull(),
  startedAt: utc('started_at').notNull(),
  finishedAt: utc('finished_at'),
  status: text('status', { enum: ['running', 'ok', 'partial', 'failed'] }).notNull(),
  error: text('error'),
  stats: jsonb('stats').$type<Record<string, number>>().notNull().default({}),
});

export type SourceRunRow = typeof sourceRuns.$inferSelect;
