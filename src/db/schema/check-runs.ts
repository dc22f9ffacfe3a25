import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { utc, workspaceId } from './_helpers.ts';

/** When each check last ran, over which version of its inputs, and how it went as a whole. */
export const checkRuns = pgTable(
  'check_runs',
  {
    workspaceId: workspaceId(),
    checkId: text('check_id').notNull(),
    lastRunAt: utc('last_run_at').notNull(),
    inputsVersion: text('inputs_version'),
    paramsHash: text('params_hash'),
    /** Rows written at or after this instant are the ones the next incremental run re-judges. */
    changesSince: utc('changes_since'),
    status: text('status').notNull(),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.checkId] })],
);
