import { bigint, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { workspaceId } from './_helpers.ts';
import type { ResultStatus } from './check-results.ts';

/**
 * How many current results (valid_to IS NULL) each check has in each status. Kept by the database
 * itself: statement triggers on check_results update it in the same transaction as every write
 * (migration 0011), so nothing writes it directly and it never disagrees with check_results.
 * A count that fell to zero stays as a row with n = 0.
 */
export const checkResultCounts = pgTable(
  'check_result_counts',
  {
    workspaceId: workspaceId(),
    checkId: text('check_id').notNull(),
    status: text('status').$type<ResultStatus>().notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.checkId, t.status] })],
);
