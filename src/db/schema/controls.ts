import { index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt, workspaceId } from './_helpers.ts';

export const controlFrequencies = ['continuous', 'daily', 'weekly', 'monthly', 'quarterly', 'annual', 'event-driven'] as const;
export type ControlFrequency = (typeof controlFrequencies)[number];

/** library: shipped with Vigil (possibly overridden by YAML); yaml: defined only in a YAML file. */
export const controlOrigins = ['library', 'yaml'] as const;
export type ControlOrigin = (typeof controlOrigins)[number];

/** The organization's own control, per workspace: the library plus controls as code. */
export const controls = pgTable(
  'controls',
  {
    workspaceId: workspaceId(),
    id: text('id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    area: text('area').notNull(),
    ownerRole: text('owner_role').notNull(),
    owner: text('owner'),
    frequency: text('frequency', { enum: controlFrequencies }).notNull(),
    origin: text('origin', { enum: controlOrigins }).notNull(),
    definedIn: text('defined_in'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index('controls_by_area').on(t.workspaceId, t.area)],
);

export type ControlRow = typeof controls.$inferSelect;
