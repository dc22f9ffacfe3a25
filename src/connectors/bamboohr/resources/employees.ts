/**
 * Employees: every person in BambooHR, former employees and future hires included — the roster the
 * joiner, leaver and orphan-account checks compare identity-provider accounts with.
 *
 * Read from List Employees (`GET /employees`), which BambooHR documents as the roster endpoint:
 * every employee whatever the status, cursor-paginated through `_links.next`. The directory
 * endpoint would miss former employees (the leavers are the point), and the custom-report endpoint
 * is deprecated.
 */
import { z } from 'zod';
import { defineResource, paginateNextUrl, type RunContext } from '../../sdk/index.ts';
import type { BambooHrConfig } from '../config.ts';

/** The optional fields asked for beyond BambooHR's default set (id, names, job title, status). */
export const EMPLOYEE_FIELDS = ['workEmail', 'departmentName', 'reportsToId', 'hireDate', 'terminationDate'] as const;
export const PAGE_LIMIT = 500;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const employeeSchema = z.object({
  id: z.string().describe('BambooHR employee id (internal, stable; not the editable Employee #).'),
  email: z.string().nullable().describe('Work email, lower-cased: how the person is matched to identity-provider accounts; null when HR has none.'),
  name: z.string().describe('First and last name.'),
  jobTitle: z.string().nullable().describe('Current job title.'),
  department: z.string().nullable().describe('Current department.'),
  managerId: z.string().nullable().describe('Employee id of the person this employee reports to.'),
  managerEmail: z.string().nullable().describe("The manager's work email, lower-cased, when the manager is in the roster."),
  status: z.enum(['Active', 'Inactive']).describe('BambooHR status: Active, or Inactive for former employees and hires who have not started yet.'),
  startDate: isoDate.nullable().describe('Hire date (YYYY-MM-DD): the first day of employment.'),
  terminationDate: isoDate
    .nullable()
    .describe('Termination date (YYYY-MM-DD), the last day of employment; null while employed. Checks count it from the end of that day, UTC.'),
});

export type EmployeeRow = z.output<typeof employeeSchema>;

/** One employee as List Employees returns it (the fields asked for, plus the default set). */
interface ApiEmployee {
  employeeId: string;
  firstName: string | null;
  lastName: string | null;
  jobTitleName: string | null;
  status: string;
  workEmail?: string | null;
  departmentName?: string | null;
  reportsToId?: string | null;
  hireDate?: string | null;
  terminationDate?: string | null;
  /** Requested fields the key's user may not see (their values are null). */
  _restrictedFields?: string[];
}

interface ApiEmployeePage {
  data: ApiEmployee[];
  meta?: { total?: number; page?: { limit?: number; nextCursor?: string | null } };
  _links?: { next?: { href?: string } };
}

const text = (v: string | null | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
// BambooHR writes an unset date as "0000-00-00" in some accounts.
const day = (v: string | null | undefined) => {
  const t = text(v);
  return t === null || t === '0000-00-00' ? null : t;
};

function toRow(e: ApiEmployee, emailById: Map<string, string>): EmployeeRow {
  const managerId = text(e.reportsToId);
  return {
    id: e.employeeId,
    email: text(e.workEmail)?.toLowerCase() ?? null,
    name: [text(e.firstName), text(e.lastName)].filter((p) => p !== null).join(' '),
    jobTitle: text(e.jobTitleName),
    department: text(e.departmentName),
    managerId,
    managerEmail: managerId === null ? null : (emailById.get(managerId) ?? null),
    status: e.status as EmployeeRow['status'],
    startDate: day(e.hireDate),
    terminationDate: day(e.terminationDate),
  };
}

export const employees = defineResource({
  name: 'employees',
  description: 'Every employee in BambooHR (active, former and future hires) with work email, department, manager, hire and termination dates.',
  schema: employeeSchema,
  primaryKey: 'id',
  async *list(ctx: RunContext<BambooHrConfig>) {
    const pages: ApiEmployee[][] = [];
    const pagination = paginateNextUrl(ctx.http, 'employees', {
      query: { fields: EMPLOYEE_FIELDS.join(','), 'page[limit]': PAGE_LIMIT },
      items: (body) => (body as ApiEmployeePage).data,
      // BambooHR documents `_links.next` as a ready-made URL carrying the cursor.
      nextUrl: (body) => (body as ApiEmployeePage)._links?.next?.href,
    });
    for await (const page of pagination) pages.push(page.items);

    // Managers are named by id; their emails are known only once the whole roster is in.
    const all = pages.flat();
    const emailById = new Map(all.flatMap((e) => (text(e.workEmail) ? [[e.employeeId, text(e.workEmail)!.toLowerCase()] as const] : [])));
    const withheld = new Map<string, number>();
    for (const e of all) for (const f of e._restrictedFields ?? []) if ((EMPLOYEE_FIELDS as readonly string[]).includes(f)) withheld.set(f, (withheld.get(f) ?? 0) + 1);
    if (withheld.size) {
      const list = [...withheld].map(([f, n]) => `${f} (${n} of ${all.length} employees)`).join(', ');
      ctx.permissionMissing(
        'employees',
        `BambooHR withheld ${list} from this API key; create the key as a user whose access level can view these fields for every employee`,
      );
    }
    for (const page of pages) yield page.map((e) => toRow(e, emailById));
  },
});
