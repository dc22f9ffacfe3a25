import { index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';
import { auditPeriods } from './audit-periods.ts';
import { users } from './users.ts';

/** Which auditors are invited to which audit period. */
export const auditPeriodAuditors = pgTable(
  'audit_period_auditors',
  {
    workspaceId: workspaceId(),
    periodId: text('period_id')
      .notNull()
      .references(() => auditPeriods.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    invitedAt: utc('invited_at').notNull(),
    invitedBy: text('invited_by'),
  },
  (t) => [primaryKey({ columns: [t.periodId, t.userId] }), index('audit_period_auditors_by_user').on(t.userId)],
);
