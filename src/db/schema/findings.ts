import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';

export const findingStatuses = ['open', 'acknowledged', 'resolved', 'muted'] as const;
export type FindingStatus = (typeof findingStatuses)[number];

/** A failure that needs work; one row per (check, resource), reopened on regression. */
export const findings = pgTable('findings', {
  id: text('id').primaryKey(),
  workspaceId: workspaceId(),
  checkId: text('check_id').notNull(),
  resource: text('resource').notNull(),
  controls: text('controls').array().notNull().default([]),
  source: text('source'),
  severity: text('severity').notNull(),
  status: text('status', { enum: findingStatuses }).notNull(),
  owner: text('owner'),
  title: text('title').notNull(),
  reason: text('reason').notNull(),
  remediation: text('remediation'),
  openedAt: utc('opened_at').notNull(),
  dueAt: utc('due_at').notNull(),
  resolvedAt: utc('resolved_at'),
  reopenedCount: integer('reopened_count').notNull().default(0),
  muteReason: text('mute_reason'),
  muteApprover: text('mute_approver'),
  muteExpiresAt: utc('mute_expires_at'),
  alertedAtRisk: utc('alerted_at_risk'),
  alertedBreach: utc('alerted_breach'),
  updatedAt: utc('updated_at').notNull(),
});

export type FindingRow = typeof findings.$inferSelect;
