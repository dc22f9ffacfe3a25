import { boolean, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';

export interface MissingRead {
  what: string;
  message: string;
  kind: 'permission' | 'not_applicable' | 'error';
}

/** A configured source and its health: last success, last error, what it could not read. */
export const sources = pgTable(
  'sources',
  {
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    schedule: text('schedule'),
    enabled: boolean('enabled').notNull().default(true),
    status: text('status', { enum: ['never_run', 'ok', 'partial', 'failing'] }).notNull().default('never_run'),
    lastRunAt: utc('last_run_at'),
    lastSuccessAt: utc('last_success_at'),
    lastErrorAt: utc('last_error_at'),
    lastError: text('last_error'),
    lastErrorTag: text('last_error_tag'),
    missing: jsonb('missing').$type<MissingRead[]>().notNull().default([]),
    provides: text('provides').array().notNull().default([]),
    updatedAt: utc('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name] })],
);

export type SourceRow = typeof sources.$inferSelect;
