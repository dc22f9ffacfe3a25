import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { id, utc, workspaceId } from './_helpers.ts';
import { users } from './users.ts';

/** A signed-in browser: the cookie's token and its CSRF token, both stored as SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    workspaceId: workspaceId(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    csrfHash: text('csrf_hash').notNull(),
    createdAt: utc('created_at').notNull(),
    lastSeenAt: utc('last_seen_at').notNull(),
    expiresAt: utc('expires_at').notNull(),
    revokedAt: utc('revoked_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_by_user').on(t.userId)],
);

export type SessionRow = typeof sessions.$inferSelect;
