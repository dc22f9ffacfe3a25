/**
 * The demo company's HR systems: BambooHR's REST API (Get Company Information, List Employees with
 * its `_links.next` cursor pagination and Basic auth), and the same roster as a CSV export file
 * for the `hris-csv` connector.
 *
 * HR knows things before they happen elsewhere, as real HR does: a hire is entered when the offer
 * is signed (six weeks before the start date) and a termination when notice is given (two weeks
 * before the last day) — so identity accounts created a few days before the start date have an HR
 * record, and only what HR had entered by the clock's "now" is served.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Hono } from 'hono';
import { DAY_MS, type Clock } from '../../lib/clock.ts';
import type { DemoOrg, Person } from '../org/org.ts';
import type { DemoProvider } from './index.ts';

/** How long before the start date HR has the hire on file. */
export const HIRE_ENTERED_BEFORE_START_MS = 42 * DAY_MS;
/** How long before the last day HR has the termination on file. */
export const TERMINATION_ENTERED_BEFORE_MS = 14 * DAY_MS;

export const DEMO_BAMBOOHR_API_KEY = 'demo-bamboohr-key-0c1d2e3f';
/** Where the export goes inside the demo's data folder. */
export const DEMO_HR_CSV_FILE = join('demo', 'hr-export.csv');

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const bambooId = (p: Person) => String(Number(p.employeeId.replace(/\D/g, '')));

/** A person as HR had them on file at some moment (hrRecordsAt leaves out hires not yet entered). */
export interface HrRecord {
  person: Person;
  /** Null until the termination was entered. */
  terminationDate: Date | null;
  active: boolean;
}

export function hrRecordsAt(org: DemoOrg, now: Date): HrRecord[] {
  const t = now.getTime();
  return org.people
    .filter((p) => p.startDate.getTime() - HIRE_ENTERED_BEFORE_START_MS <= t)
    .map((person) => {
      const term = person.terminationDate;
      const terminationDate = term && term.getTime() - TERMINATION_ENTERED_BEFORE_MS <= t ? term : null;
      // The last day is worked: the person is a former employee from the end of it.
      const left = terminationDate !== null && terminationDate.getTime() + DAY_MS <= t;
      return { person, terminationDate, active: person.startDate.getTime() <= t && !left };
    });
}

// ---- The CSV export ----

// RFC 4180: quote a field only when it holds a comma, a quote or a line break; lines end in CRLF.
const csvLine = (values: readonly (string | null | undefined)[]) =>
  `${values.map((v) => (/[",\r\n]/.test(v ?? '') ? `"${(v ?? '').replace(/"/g, '""')}"` : (v ?? ''))).join(',')}\r\n`;

export const HR_CSV_HEADER = ['email', 'name', 'department', 'manager_email', 'start_date', 'termination_date', 'github_login'] as const;

export function renderDemoHrCsv(org: DemoOrg, now: Date): string {
  const lines = hrRecordsAt(org, now).map(({ person: p, terminationDate }) =>
    csvLine([p.email, p.name, p.department, p.managerEmail, isoDay(p.startDate), terminationDate && isoDay(terminationDate), p.github?.login]),
  );
  return csvLine(HR_CSV_HEADER) + lines.join('');
}

/**
 * Write the roster as HR had it at the clock's "now" to `path`. The file is renamed into place, so
 * a collection reading it meanwhile sees the old or the new export, never half of one. The demo
 * server calls it (through the provider's `prepare`) before anything collects; call it again for a
 * fresher export, as a nightly HR export job would.
 */
export function writeDemoHrCsv(org: DemoOrg, clock: Clock, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, renderDemoHrCsv(org, clock.now()));
  renameSync(tmp, path);
}

/**
 * The CSV export as a source. `prepare` writes it to `<dataDir>/demo/hr-export.csv` (or `path` when
 * given) and the source points there; `GET /export.csv` serves the live export for a person to read.
 */
export function createHrCsvDemoProvider(path?: string): DemoProvider {
  let written = path ?? resolve(DEMO_HR_CSV_FILE);
  return {
    name: 'hr-export',
    prepare(org, clock, dataDir) {
      written = path ?? resolve(dataDir, DEMO_HR_CSV_FILE);
      writeDemoHrCsv(org, clock, written);
    },
    app(org, clock) {
      const app = new Hono();
      app.get('/export.csv', (c) => c.body(renderDemoHrCsv(org, clock.now()), 200, { 'content-type': 'text/csv; charset=utf-8' }));
      return app;
    },
    source: () => ({ name: 'hr-export', type: 'hris-csv', schedule: 'PT1H', config: { path: written } }),
  };
}

export const hrCsvDemoProvider = createHrCsvDemoProvider();

// ---- BambooHR ----

/** The optional List Employees fields the demo knows; others are ignored, as BambooHR ignores unknown ones. */
const optionalFields: Record<string, (r: HrRecord, byEmail: Map<string, Person>) => string | null> = {
  workEmail: (r) => r.person.email,
  departmentName: (r) => r.person.department,
  reportsToId: (r, byEmail) => {
    const manager = r.person.managerEmail ? byEmail.get(r.person.managerEmail) : undefined;
    return manager ? bambooId(manager) : null;
  },
  reportsToName: (r, byEmail) => (r.person.managerEmail ? (byEmail.get(r.person.managerEmail)?.name ?? null) : null),
  hireDate: (r) => isoDay(r.person.startDate),
  terminationDate: (r) => (r.terminationDate ? isoDay(r.terminationDate) : null),
};

const bambooError = (code: string, message: string) => ({ error: { code, message } });

function authorized(header: string | undefined): boolean {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  return decoded.slice(0, decoded.indexOf(':')) === DEMO_BAMBOOHR_API_KEY;
}

const encodeCursor = (id: string) => Buffer.from(JSON.stringify({ id })).toString('base64url');
function decodeCursor(cursor: string): number | undefined {
  try {
    const id = Number((JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown }).id);
    return Number.isInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

export const bamboohrDemoProvider: DemoProvider = {
  name: 'bamboohr',
  app(org, clock) {
    const app = new Hono();
    app.use('*', async (c, next) => {
      if (!authorized(c.req.header('authorization'))) return c.json(bambooError('Unauthorized', 'The API key is missing or invalid'), 401);
      await next();
    });
    app.get('/api/v1/company_information', (c) =>
      c.json({
        legalName: 'Demo Corp, Inc.',
        displayName: 'Demo Corp',
        address: { line1: '1 Example Way', line2: null, city: 'Springfield', state: 'OR', zip: '97477', country: 'United States' },
        phone: '+1 541 555 0100',
      }),
    );
    app.get('/api/v1/employees', (c) => {
      const limitText = c.req.query('page[limit]') ?? '250';
      const limit = Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 2500) return c.json(bambooError('BadRequest', `page[limit] must be 1 to 2500, got "${limitText}"`), 400);
      const after = c.req.query('page[after]');
      const afterId = after === undefined ? 0 : decodeCursor(after);
      if (afterId === undefined) return c.json(bambooError('BadPage', 'The page cursor is malformed'), 400);
      const wanted = (c.req.query('fields') ?? '').split(',').map((f) => f.trim()).filter((f) => f in optionalFields);

      const records = hrRecordsAt(org, clock.now()).sort((a, b) => Number(bambooId(a.person)) - Number(bambooId(b.person)));
      const byEmail = new Map(org.people.map((p) => [p.email, p]));
      const rest = records.filter((r) => Number(bambooId(r.person)) > afterId);
      const page = rest.slice(0, limit);
      const data = page.map((r) => {
        const [firstName, ...last] = r.person.name.split(' ');
        return {
          employeeId: bambooId(r.person),
          firstName: firstName ?? '',
          lastName: last.join(' '),
          preferredName: null,
          photoUrl: `https://images.demo-corp.example/photos/${bambooId(r.person)}.jpg`,
          jobTitleName: r.person.title,
          status: r.active ? 'Active' : 'Inactive',
          ...Object.fromEntries(wanted.map((f) => [f, optionalFields[f]!(r, byEmail)])),
        };
      });
      const self = new URL(c.req.url);
      const link = (cursor: string | null) => {
        const u = new URL(self);
        u.searchParams.delete('page[before]');
        if (cursor === null) u.searchParams.delete('page[after]');
        else u.searchParams.set('page[after]', cursor);
        return { href: u.toString() };
      };
      const last = page[page.length - 1];
      const nextCursor = rest.length > page.length && last ? encodeCursor(bambooId(last.person)) : null;
      return c.json({
        data,
        meta: { total: records.length, page: { limit, nextCursor, prevCursor: after !== undefined && page[0] ? encodeCursor(bambooId(page[0].person)) : null } },
        _links: { self: { href: self.toString() }, ...(nextCursor ? { next: link(nextCursor) } : {}) },
      });
    });
    return app;
  },
  source: (baseUrl) => ({ name: 'bamboohr', type: 'bamboohr', schedule: 'PT1H', config: { baseUrl: `${baseUrl}/api/v1`, apiKey: DEMO_BAMBOOHR_API_KEY } }),
};
