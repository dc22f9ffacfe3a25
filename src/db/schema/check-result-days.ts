import { bigint, date, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { workspaceId } from './_helpers.ts';
import type { ResultStatus } from './check-results.ts';

/**
 * How many closed result intervals of each check touched each UTC day in each status: the
 * timeline's and the trend's days without reading every interval of the period. Kept by the
 * database itself: statement triggers on check_results update it in the same transaction as every
 * write (migration 0014), so nothing writes it directly and it never disagrees with check_results.
 * Open intervals (current results) are not counted here; readers take them from check_results.
 * A count that fell to zero stays as a row with n = 0.
 */
export const checkResultDays = pgTable(
  'check_result_days',
  {
    workspaceId: workspaceId(),
    checkId: text('check_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    status: text('status').$type<ResultStatus>().notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.checkId, t.status, t.day] })],
);
