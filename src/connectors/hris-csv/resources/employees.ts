/**
 * Employees: one row per person in the HR export, former employees included — the roster the
 * joiner, leaver and orphan-account checks compare identity-provider accounts with.
 */
import { z } from 'zod';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import type { HrisCsvConfig } from '../config.ts';
import { NORMALIZED_DATE } from '../dates.ts';
import { loadRoster } from '../roster.ts';

const hrDate = z.string().regex(NORMALIZED_DATE, 'an ISO 8601 date (YYYY-MM-DD) or a UTC date-time');

export const employeeSchema = z.object({
  email: z.string().describe('Work email, lower-cased: the key, and how the person is matched to identity-provider accounts.'),
  name: z.string().min(1).describe('Full name as HR records it.'),
  department: z.string().nullable().describe('Department; null when the export has no such column or the value is empty.'),
  managerEmail: z.string().nullable().describe("The manager's work email, lower-cased; null when not given."),
  startDate: hrDate.describe('First day of employment: an ISO 8601 date (YYYY-MM-DD) as in the file, or a UTC date-time when the file gives a time.'),
  terminationDate: hrDate
    .nullable()
    .describe('Termination: a date (the last day of employment) or a UTC date-time when the file gives a time; null while employed. Checks count a date-only termination from the end of that day, UTC.'),
  githubLogin: z.string().nullable().describe("The person's GitHub username when the export has one; the leaver check uses it to find their organization membership."),
});

export type EmployeeRow = z.output<typeof employeeSchema>;

/** Rows handed over per page; the file is read whole first, so this only bounds each write. */
const PAGE = 500;

export const employees = defineResource({
  name: 'employees',
  description: 'Every person in the HR export (current, future and former employees), keyed by lower-cased work email.',
  schema: employeeSchema,
  primaryKey: 'email',
  async *list(ctx: RunContext<HrisCsvConfig>) {
    const { employees: rows } = await loadRoster(ctx.config);
    ctx.log.info(`read ${rows.length} employees from ${ctx.config.path}`);
    for (let k = 0; k < rows.length; k += PAGE) yield rows.slice(k, k + PAGE);
  },
});
