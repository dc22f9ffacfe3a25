import { foreignKey, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { controls } from './controls.ts';

/** direct: the control is evidence for the requirement; supporting: it helps, but does not suffice alone. */
export const linkStrengths = ['direct', 'supporting'] as const;
export type LinkStrength = (typeof linkStrengths)[number];

/** A control's link to one framework requirement (e.g. soc2 CC6.2), direct or supporting. */
export const controlRequirements = pgTable(
  'control_requirements',
  {
    workspaceId: text('workspace_id').notNull(),
    controlId: text('control_id').notNull(),
    framework: text('framework').notNull(),
    requirementId: text('requirement_id').notNull(),
    strength: text('strength', { enum: linkStrengths }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.controlId, t.framework, t.requirementId] }),
    foreignKey({ columns: [t.workspaceId, t.controlId], foreignColumns: [controls.workspaceId, controls.id] }).onDelete('cascade'),
    index('control_requirements_by_requirement').on(t.workspaceId, t.framework, t.requirementId),
  ],
);

export type ControlRequirementRow = typeof controlRequirements.$inferSelect;
