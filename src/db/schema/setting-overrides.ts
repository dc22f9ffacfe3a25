import { jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { updatedAt, workspaceId } from './_helpers.ts';

export const settingSections = ['findings.sla', 'alerts', 'checks.params'] as const;
export type SettingSection = (typeof settingSections)[number];

/**
 * One value of vigil.yaml overridden for a workspace through the API (src/core/settings.ts):
 * `findings.sla/<severity>` (a duration), `alerts/slaAtRisk` (a share), or
 * `checks.params/<check id>` (an object of the params overridden). No row: vigil.yaml or the default.
 */
export const settingOverrides = pgTable(
  'setting_overrides',
  {
    workspaceId: workspaceId(),
    section: text('section', { enum: settingSections }).notNull(),
    name: text('name').notNull(),
    value: jsonb('value').$type<unknown>().notNull(),
    updatedBy: text('updated_by'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.section, t.name] })],
);

export type SettingOverrideRow = typeof settingOverrides.$inferSelect;
