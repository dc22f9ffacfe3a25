import { pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt, utc, workspaceId } from './_helpers.ts';

export const userRoles = ['admin', 'member', 'auditor', 'viewer'] as const;
export type UserRole = (typeof userRoles)[number];

/** A person who signs in to Vigil, with one role in one workspace. */
export const users = pgTable(
  'users',
  {
    id: id(),
    workspaceId: workspaceId(),
    /** Lower-cased. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: userRoles }).notNull(),
    /** scrypt hash; null until the user sets a password through a one-time link. */
    passwordHash: text('password_hash'),
    disabledAt: utc('disabled_at'),
    lastSignInAt: utc('last_sign_in_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique().on(t.workspaceId, t.email)],
);

export type UserRow = typeof users.$inferSelect;
