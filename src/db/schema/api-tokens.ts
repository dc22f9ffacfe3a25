import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { id, utc, workspaceId } from './_helpers.ts';
import { users } from './users.ts';

export const tokenScopes = ['read', 'write'] as const;
export type TokenScope = (typeof tokenScopes)[number];

/** An API token: shown once, stored as SHA-256, scoped, revocable, optionally expiring. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    workspaceId: workspaceId(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    scope: text('scope', { enum: tokenScopes }).notNull(),
    createdAt: utc('created_at').notNull(),
    expiresAt: utc('expires_at'),
    lastUsedAt: utc('last_used_at'),
    revokedAt: utc('revoked_at'),
  },
  (t) => [index('api_tokens_by_user').on(t.workspaceId, t.userId)],
);

export type ApiTokenRow = typeof apiTokens.$inferSelect;
