/**
 * Column helpers shared by every table: ids, the workspace foreign key, UTC timestamps.
 * Timestamps are `timestamptz`, read and written as JS Dates (UTC in storage, ISO 8601 on the wire).
 */
import { text, timestamp } from 'drizzle-orm/pg-core';
import { workspaces } from './workspaces.ts';

export const id = () => text('id').primaryKey();

/** Every tenant-owned row carries its workspace; deleting a workspace deletes its rows. */
export const workspaceId = () =>
  text('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

export const utc = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const createdAt = () => utc('created_at').notNull().defaultNow();
export const updatedAt = () => utc('updated_at').notNull().defaultNow();
