import { bigserial, boolean, index, pgTable, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';

/** Recent sign-in attempts, for rate limiting per account and per address. */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceId(),
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    at: utc('at').notNull(),
    ok: boolean('ok').notNull(),
  },
  (t) => [
    index('sign_in_attempts_by_email').on(t.workspaceId, t.email, t.at),
    index('sign_in_attempts_by_ip').on(t.workspaceId, t.ip, t.at),
    index('sign_in_attempts_by_time').on(t.at),
  ],
);
