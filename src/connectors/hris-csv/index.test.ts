import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../../lib/errors.ts';
import { createRunContext, readResource, runTestConnection, type ReadOutcome, type Row } from '../sdk/index.ts';
import { alwaysEmptyFields, assertEveryFieldDescribed, duplicateKeys } from '../sdk/testing/index.ts';
import { hrisCsv } from './index.ts';
import { employeeSchema } from './resources/employees.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'vigil-hris-csv-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let fileNo = 0;
const writeExport = (content: string | Buffer, ext = 'csv') => {
  const path = join(scratch, `export-${++fileNo}.${ext}`);
  writeFileSync(path, content);
  return path;
};

const header = 'email,name,department,manager_email,start_date,termination_date\n';

async function collect(config: Record<string, unknown>): Promise<{ rows: Row[]; outcome: ReadOutcome }> {
  const ctx = createRunContext({ connector: hrisCsv, config });
  const rows: Row[] = [];
  const outcome = await readResource(ctx, hrisCsv.resources[0]!, (page) => void rows.push(...page));
  return { rows, outcome };
}

async function collectError(config: Record<string, unknown>): Promise<{ error: VigilError; pages: number }> {
  const ctx = createRunContext({ connector: hrisCsv, config });
  let pages = 0;
  const error = await readResource(ctx, hrisCsv.resources[0]!, () => void pages++).then(
    (o) => {
      throw new Error(`expected the collection to fail, it ended ${o.status} with ${o.rows} rows`);
    },
    (e: unknown) => e,
  );
  if (!isVigilError(error)) throw error;
  return { error, pages };
}

describe('hris-csv: the schema', () => {
  it('describes every config and row field (the docs page is generated from them)', () => {
    assertEveryFieldDescribed(hrisCsv.configSchema, 'config');
    assertEveryFieldDescribed(employeeSchema, 'employees');
  });
});

describe('hris-csv: reading a CSV export', () => {
  it('collects every employee of a CSV with a BOM, CRLF, quoted commas, quotes and line breaks', async () => {
    const { rows, outcome } = await collect({ path: fixture('employees.csv') });
    expect(outcome).toEqual({ status: 'complete', rows: 4, pages: 1 });
    expect(rows).toEqual([
      { email: 'ada.lopez@example.com', name: 'Ada Lopez', department: 'Engineering', managerEmail: null, startDate: '2021-03-01', terminationDate: null, githubLogin: 'ada-lopez' },
      { email: 'sam.okafor@example.com', name: 'Okafor, Sam', department: 'Sales', managerEmail: 'ada.lopez@example.com', startDate: '2023-06-12', terminationDate: '2025-11-28', githubLogin: null },
      {
        email: 'lee.chen@example.com',
        name: 'Lee "LC" Chen',
        department: 'Research\r\nand Development',
        managerEmail: 'ada.lopez@example.com',
        startDate: '2024-01-08T08:00:00.000Z',
        terminationDate: '2025-12-01T17:30:00.000Z',
        githubLogin: 'leechen',
      },
      { email: 'maria.rossi@example.com', name: 'Maria Rossi', department: 'Finance', managerEmail: 'sam.okafor@example.com', startDate: '2026-02-02', terminationDate: null, githubLogin: null },
    ]);
    for (const r of rows) expect(employeeSchema.safeParse(r).success).toBe(true);
    expect(duplicateKeys(rows, 'email')).toEqual([]);
    expect(alwaysEmptyFields(employeeSchema, rows)).toEqual([]);
  });

  it('reads another layout through the columns mapping and delimiter, leaving unmapped optional columns null', async () => {
    const { rows } = await collect({
      path: fixture('custom-layout.csv'),
      delimiter: ';',
      columns: { email: 'Work Email', name: 'full name', department: 'Team', startDate: 'Hire Date', terminationDate: 'LAST DAY' },
    });
    expect(rows).toEqual([
      { email: 'ada.lopez@example.com', name: 'Ada Lopez', department: 'Engineering', managerEmail: null, startDate: '2021-03-01', terminationDate: null, githubLogin: null },
      { email: 'sam.okafor@example.com', name: 'Sam Okafor', department: 'Sales', managerEmail: null, startDate: '2023-06-12', terminationDate: '2025-11-28', githubLogin: null },
    ]);
  });

  it('reads a UTF-16 export as spreadsheets save it', async () => {
    const text = `${header}zoë.müller@example.com,Zoë Müller,Ops,,2024-05-06,\n`;
    const path = writeExport(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const { rows } = await collect({ path });
    expect(rows.map((r) => [r.email, r.name])).toEqual([['zoë.müller@example.com', 'Zoë Müller']]);
  });

  it('hands a large roster over in pages of 500', async () => {
    const lines = Array.from({ length: 1203 }, (_, k) => `p${k}@example.com,Person ${k},,,2020-01-01,`);
    const { outcome } = await collect({ path: writeExport(header + lines.join('\n')) });
    expect(outcome).toEqual({ status: 'complete', rows: 1203, pages: 3 });
  });
});

describe('hris-csv: reading a JSON export', () => {
  it('collects the list under "employees", with missing keys as null and date-times in UTC', async () => {
    const { rows } = await collect({ path: fixture('employees.json') });
    expect(rows).toEqual([
      { email: 'ada.lopez@example.com', name: 'Ada Lopez', department: 'Engineering', managerEmail: null, startDate: '2021-03-01', terminationDate: null, githubLogin: 'ada-lopez' },
      { email: 'sam.okafor@example.com', name: 'Sam Okafor', department: 'Sales', managerEmail: 'ada.lopez@example.com', startDate: '2023-06-12', terminationDate: '2025-11-28T18:00:00.000Z', githubLogin: null },
    ]);
  });

  it('honours format: json for a file not named .json', async () => {
    const path = writeExport('[{"email": "a@example.com", "name": "A", "start_date": "2022-01-01"}]', 'txt');
    expect((await collect({ path, format: 'json' })).rows).toHaveLength(1);
  });
});

describe('hris-csv: a malformed file is refused with the line, and nothing is collected', () => {
  const cases: { name: string; content: string; ext?: string; line: number | undefined; message: string }[] = [
    {
      name: 'an invalid date',
      content: `${header}a@example.com,A,,,2024-01-01,\nb@example.com,B,,,2024-13-01,\n`,
      line: 3,
      message: 'line 3: "start_date": "2024-13-01" is not a day of the calendar',
    },
    {
      name: 'a day-first date',
      content: `${header}a@example.com,A,,,2024-01-01,31/01/2025\n`,
      line: 2,
      message: 'line 2: "termination_date": "31/01/2025" is not an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])',
    },
    { name: 'a missing email', content: `${header}a@example.com,A,,,2024-01-01,\n,B,,,2024-01-01,\n`, line: 3, message: 'line 3: "email" is empty' },
    { name: 'a bad email', content: `${header}not-an-email,A,,,2024-01-01,\n`, line: 2, message: 'line 2: "email" "not-an-email" is not an email address' },
    {
      name: 'a termination before the start',
      content: `${header}a@example.com,A,,,2024-01-01,2023-12-31\n`,
      line: 2,
      message: 'line 2: "termination_date" 2023-12-31 is before "start_date" 2024-01-01',
    },
    {
      name: 'the same person twice',
      content: `${header}a@example.com,A,,,2024-01-01,\nb@example.com,B,,,2024-01-01,\nA@Example.com,A again,,,2024-01-01,\n`,
      line: 4,
      message: 'line 4: a@example.com is listed twice (first on line 2); one line per person',
    },
    {
      name: 'a row with an extra field',
      content: `${header}a@example.com,Lopez, Ada,,,2024-01-01,\n`,
      line: 2,
      message: 'line 2: 7 fields where the header has 6 (an unquoted "," in a value?)',
    },
    {
      name: 'an unclosed quote',
      content: `${header}a@example.com,"Ada,,,2024-01-01,\nb@example.com,B,,,2024-01-01,\n`,
      line: 2,
      message: 'line 2: a quoted field is never closed (a missing " before the end of the file)',
    },
    {
      name: 'a header without a required column',
      content: 'email,full_name,start_date\na@example.com,A,2024-01-01\n',
      line: 1,
      message: 'line 1: the header lacks the required columns "name", "termination_date" (found: email, full_name, start_date)',
    },
    { name: 'a header only', content: header, line: undefined, message: 'the file lists no employees; an HR export is never empty, so it is refused rather than read as "everyone left"' },
    { name: 'an empty file', content: '', line: undefined, message: 'the file is empty: it needs a header line and one line per employee' },
    {
      name: 'a JSON syntax error',
      content: '[\n {"email": "a@example.com", "name": "A", "start_date": "2024-01-01"},\n {"email": "b@example.com" "name": "B"}\n]',
      ext: 'json',
      line: 3,
      message: `line 3: expected ',' or '}' after a property value but found '"'`,
    },
    {
      name: 'a JSON value of the wrong type',
      content: '[\n {"email": "a@example.com",\n  "name": "A", "start_date": "2024-01-01"},\n {"email": "b@example.com", "name": "B", "start_date": 20240101}\n]',
      ext: 'json',
      line: 4,
      message: 'line 4: "start_date" must be a string or null, not number',
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}`, async () => {
      const path = writeExport(c.content, c.ext);
      const { error, pages } = await collectError({ path });
      expect(error._tag).toBe('InvalidInput');
      expect(error.message).toBe(c.message);
      expect(error.where).toBe(c.line === undefined ? path : `${path}:${c.line}`);
      expect(error.hint).toContain('nothing was read from this file');
      expect(pages).toBe(0);
    });
  }
});

describe('hris-csv: the connection test', () => {
  it('passes when the file is readable and its header has the required columns, naming them', async () => {
    const ctx = createRunContext({ connector: hrisCsv, config: { path: fixture('employees.csv') } });
    const info = await runTestConnection(ctx);
    expect(info.summary).toBe(`${fixture('employees.csv')} is readable: CSV with 7 columns (email, name, department, manager_email, start_date, termination_date, github_login)`);
  });

  it('fails on a header without the required columns, and on a missing file', async () => {
    const noTermination = writeExport('email,name,start_date\na@example.com,A,2024-01-01\n');
    const e1 = await runTestConnection(createRunContext({ connector: hrisCsv, config: { path: noTermination } })).catch((e: VigilError) => e);
    expect(isVigilError(e1) && e1._tag).toBe('InvalidInput');
    expect((e1 as VigilError).message).toContain('the header lacks the required column "termination_date"');
    const missing = join(scratch, 'nope.csv');
    const e2 = await runTestConnection(createRunContext({ connector: hrisCsv, config: { path: missing } })).catch((e: VigilError) => e);
    expect(isVigilError(e2) && e2._tag).toBe('NotFound');
    expect((e2 as VigilError).where).toBe(missing);
  });

  it.skipIf(process.getuid?.() === 0)('records an unreadable file as a missing permission rather than a failed run', async () => {
    const path = writeExport(`${header}a@example.com,A,,,2024-01-01,\n`);
    chmodSync(path, 0o000);
    const ctx = createRunContext({ connector: hrisCsv, config: { path } });
    const outcome = await readResource(ctx, hrisCsv.resources[0]!, () => {});
    expect(outcome.status).toBe('permission_missing');
    expect(ctx.gaps()[0]).toMatchObject({ kind: 'permission_missing', what: 'employees' });
  });

  it('refuses a config without a path, naming the field', () => {
    expect(() => createRunContext({ connector: hrisCsv, config: {} })).toThrow(/path/);
  });
});
