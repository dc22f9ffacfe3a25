import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { id, utc, workspaceId } from './_helpers.ts';

/** An audit period [startsAt, endsAt): what invited auditors may see. */
export const auditPeriods = pgTable(
  'audit_periods',
  {
    id: id(),
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    startsAt: utc('starts_at').notNull(),
    endsAt: utc('ends_at').notNull(),
    createdBy: text('created_by'),
    createdAt: utc('created_at').notNull(),
  },
  (t) => [index('audit_periods_by_time').on(t.workspaceId, t.startsAt)],
);

export type AuditPeriodRow = typeof auditPeriods.$inferSelect;
