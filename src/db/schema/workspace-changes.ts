import { bigint, pgTable } from 'drizzle-orm/pg-core';
import { workspaceId } from './_helpers.ts';

/**
 * How many committed transactions have changed what the overview shows, per workspace. Kept by the
 * database itself (deferred triggers on check_results, findings, sources, controls,
 * control_requirements and setting_overrides, migration 0015); nothing writes it directly. The
 * server keeps a computed answer only while this version is unchanged.
 */
export const workspaceChanges = pgTable('workspace_changes', {
  workspaceId: workspaceId().primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
});
