import { pgTable, text } from 'drizzle-orm/pg-core';
import { id, utc, workspaceId } from './_helpers.ts';
import { users } from './users.ts';

export const linkPurposes = ['setup', 'invite'] as const;
export type LinkPurpose = (typeof linkPurposes)[number];

/** A one-time link: first-admin setup (no user yet) or an invitation to set a password. */
export const accountLinks = pgTable('account_links', {
  id: id(),
  workspaceId: workspaceId(),
  purpose: text('purpose', { enum: linkPurposes }).notNull(),
  userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: utc('created_at').notNull(),
  expiresAt: utc('expires_at').notNull(),
  usedAt: utc('used_at'),
  createdBy: text('created_by'),
});

export type AccountLinkRow = typeof accountLinks.$inferSelect;
