import { jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt, workspaceId } from './_helpers.ts';

/** A rule of a stored channel: alerts.rules without the channel, which is the row itself. */
export interface StoredChannelRule {
  kinds: string[];
  minSeverity?: string | undefined;
  owners?: string[] | undefined;
}

/**
 * An alert channel added through the API: its settings as in alerts.channels, each secret field
 * sealed (AES-256-GCM, src/core/secret-box.ts), and the rules saying which alerts it receives.
 */
export const alertChannelConfigs = pgTable(
  'alert_channel_configs',
  {
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    type: text('type', { enum: ['webhook', 'slack', 'email'] }).notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    rules: jsonb('rules').$type<StoredChannelRule[]>().notNull().default([]),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name] })],
);

export type AlertChannelConfigRow = typeof alertChannelConfigs.$inferSelect;
