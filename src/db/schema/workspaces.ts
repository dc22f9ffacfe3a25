import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** A workspace is one organization (tenant). Every other row belongs to exactly one. */
export const workspaces = pgTable('workspaces', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type WorkspaceRow = typeof workspaces.$inferSelect;
