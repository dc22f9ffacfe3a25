/**
 * Reading an HR export into employee rows. The whole file is read and checked before a single row
 * is handed over: a malformed file is refused with the line and the reason, and nothing from it is
 * collected — so a half-exported file can never make the engine think people have left.
 */
import { readFile } from 'node:fs/promises';
import { VigilError } from '../../lib/errors.ts';
import { requiredColumns, type ColumnField, type HrisCsvConfig } from './config.ts';
import { CsvSyntaxError, parseCsv } from './csv.ts';
import { parseHrDate } from './dates.ts';
import { JsonSyntaxError, parseJsonRecords } from './json-records.ts';
import type { EmployeeRow } from './resources/employees.ts';

/** One record of the file with the value of each mapped column (null: absent or empty). */
interface RawRecord {
  line: number;
  values: Record<ColumnField, string | null>;
}

export interface Roster {
  format: 'csv' | 'json';
  /** The columns found (CSV header) or the properties of the first record (JSON). */
  columns: string[];
  employees: EmployeeRow[];
}

const fields = ['email', 'name', 'department', 'managerEmail', 'startDate', 'terminationDate', 'githubLogin'] as const satisfies readonly ColumnField[];

// GitHub's own rule for user names: letters, digits and single inner hyphens, at most 39.
const GITHUB_LOGIN = /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/i;
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@[^\s@"(),:;<>[\\\]]+\.[^\s@"(),:;<>[\\\]]+$/;

const hint = 'fix the export (or the `columns` mapping of this source) and collect again; nothing was read from this file, so the employees from the last good file are kept';

function malformed(path: string, line: number | undefined, reason: string): VigilError {
  return new VigilError('InvalidInput', line === undefined ? reason : `line ${line}: ${reason}`, {
    where: line === undefined ? path : `${path}:${line}`,
    hint,
    details: { path, ...(line === undefined ? {} : { line }) },
  });
}

export function formatOf(config: Pick<HrisCsvConfig, 'format' | 'path'>): 'csv' | 'json' {
  if (config.format !== 'auto') return config.format;
  return /\.json$/i.test(config.path) ? 'json' : 'csv';
}

/** The file's text: UTF-8 (with or without a byte-order mark) or UTF-16 with its mark, as spreadsheets save it. */
export async function readExport(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new VigilError('NotFound', 'the HR export file does not exist', { where: path, hint: 'check `path` in the source config, and that the export job writes there', cause: e });
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new VigilError('PermissionDenied', 'Vigil may not read the HR export file', {
        where: path,
        hint: 'give the user Vigil runs as read access to the file',
        details: { providerMessage: `${code}: permission to read ${path} denied` },
        cause: e,
      });
    }
    if (code === 'EISDIR') throw new VigilError('InvalidConfig', '`path` names a folder, not a file', { where: path, hint: 'point `path` at the export file itself' });
    throw new VigilError('Unreachable', `could not read the HR export file: ${(e as Error).message}`, { where: path, cause: e });
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const normalizeKey = (s: string) => s.trim().toLowerCase();

function csvRecords(text: string, config: HrisCsvConfig, maxRecords?: number): { columns: string[]; records: RawRecord[] } {
  const rows = parseCsv(text, { delimiter: config.delimiter, ...(maxRecords === undefined ? {} : { maxRecords }) });
  const header = rows[0];
  if (!header) throw malformed(config.path, undefined, 'the file is empty: it needs a header line and one line per employee');
  const names = header.fields.map(normalizeKey);
  const seen = new Map<string, number>();
  names.forEach((n, k) => {
    if (n !== '' && seen.has(n)) throw malformed(config.path, header.line, `the header names the column "${header.fields[k]!.trim()}" twice`);
    seen.set(n, k);
  });
  const missing = requiredColumns.filter((f) => !seen.has(normalizeKey(config.columns[f])));
  if (missing.length) {
    throw malformed(
      config.path,
      header.line,
      `the header lacks the required column${missing.length > 1 ? 's' : ''} ${missing.map((f) => `"${config.columns[f]}"`).join(', ')} (found: ${header.fields.map((f) => f.trim()).join(', ')})`,
    );
  }
  const index = Object.fromEntries(fields.map((f) => [f, seen.get(normalizeKey(config.columns[f]))])) as Record<ColumnField, number | undefined>;
  const records = rows.slice(1).map((row) => {
    if (row.fields.length !== header.fields.length) {
      throw malformed(config.path, row.line, `${row.fields.length} fields where the header has ${header.fields.length} (an unquoted "${config.delimiter}" in a value?)`);
    }
    const values = {} as Record<ColumnField, string | null>;
    for (const f of fields) {
      const k = index[f];
      const v = k === undefined ? '' : row.fields[k]!.trim();
      values[f] = v === '' ? null : v;
    }
    return { line: row.line, values };
  });
  return { columns: header.fields.map((f) => f.trim()), records };
}

function jsonRecords(text: string, config: HrisCsvConfig): { columns: string[]; records: RawRecord[] } {
  const items = parseJsonRecords(text);
  const records = items.map(({ line, value }) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed(config.path, line, 'each employee must be a JSON object');
    const byKey = new Map(Object.entries(value).map(([k, v]) => [normalizeKey(k), v]));
    const values = {} as Record<ColumnField, string | null>;
    for (const f of fields) {
      const v = byKey.get(normalizeKey(config.columns[f]));
      if (v !== undefined && v !== null && typeof v !== 'string') {
        throw malformed(config.path, line, `"${config.columns[f]}" must be a string or null, not ${Array.isArray(v) ? 'an array' : typeof v}`);
      }
      values[f] = typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
    }
    return { line, values };
  });
  const first = items[0]?.value;
  return { columns: first && typeof first === 'object' ? Object.keys(first) : [], records };
}

function toEmployee(config: HrisCsvConfig, { line, values: v }: RawRecord): EmployeeRow {
  const column = (f: ColumnField) => `"${config.columns[f]}"`;
  const required = (f: ColumnField): string => {
    const value = v[f];
    if (value === null) throw malformed(config.path, line, `${column(f)} is empty`);
    return value;
  };
  const email = (f: ColumnField, value: string): string => {
    const lower = value.toLowerCase();
    if (!EMAIL.test(lower)) throw malformed(config.path, line, `${column(f)} "${value}" is not an email address`);
    return lower;
  };
  const date = (f: ColumnField, value: string): string => {
    const parsed = parseHrDate(value);
    if (!parsed.ok) throw malformed(config.path, line, `${column(f)}: ${parsed.reason}`);
    return parsed.value;
  };
  const startDate = date('startDate', required('startDate'));
  const terminationDate = v.terminationDate === null ? null : date('terminationDate', v.terminationDate);
  // Compare days: a termination on the first day is possible, one before it is a typo.
  if (terminationDate !== null && terminationDate.slice(0, 10) < startDate.slice(0, 10)) {
    throw malformed(config.path, line, `${column('terminationDate')} ${terminationDate} is before ${column('startDate')} ${startDate}`);
  }
  if (v.githubLogin !== null && !GITHUB_LOGIN.test(v.githubLogin)) {
    throw malformed(config.path, line, `${column('githubLogin')} "${v.githubLogin}" is not a GitHub username`);
  }
  return {
    email: email('email', required('email')),
    name: required('name'),
    department: v.department,
    managerEmail: v.managerEmail === null ? null : email('managerEmail', v.managerEmail),
    startDate,
    terminationDate,
    githubLogin: v.githubLogin,
  };
}

/** Read, parse and check the whole export; throws a VigilError naming the file and line. */
export async function loadRoster(config: HrisCsvConfig): Promise<Roster> {
  const text = await readExport(config.path);
  const format = formatOf(config);
  let parsed: { columns: string[]; records: RawRecord[] };
  try {
    parsed = format === 'json' ? jsonRecords(text, config) : csvRecords(text, config);
  } catch (e) {
    if (e instanceof CsvSyntaxError || e instanceof JsonSyntaxError) throw malformed(config.path, e.line, e.reason);
    throw e;
  }
  if (parsed.records.length === 0) {
    throw malformed(config.path, undefined, 'the file lists no employees; an HR export is never empty, so it is refused rather than read as "everyone left"');
  }
  const byEmail = new Map<string, number>();
  const employees = parsed.records.map((r) => {
    const row = toEmployee(config, r);
    const first = byEmail.get(row.email);
    if (first !== undefined) throw malformed(config.path, r.line, `${row.email} is listed twice (first on line ${first}); one line per person`);
    byEmail.set(row.email, r.line);
    return row;
  });
  return { format, columns: parsed.columns, employees };
}

/** Read just enough to prove the file is readable and has the required columns. */
export async function checkExport(config: HrisCsvConfig): Promise<{ format: 'csv' | 'json'; columns: string[] }> {
  const text = await readExport(config.path);
  const format = formatOf(config);
  try {
    if (format === 'csv') return { format, columns: csvRecords(text, config, 1).columns };
    const { columns, records } = jsonRecords(text, config);
    const first = records[0];
    if (!first) throw malformed(config.path, undefined, 'the file lists no employees');
    const absent = (['email', 'name', 'startDate'] as const).filter((f) => first.values[f] === null);
    if (absent.length) throw malformed(config.path, first.line, `the first employee has no ${absent.map((f) => `"${config.columns[f]}"`).join(', ')}`);
    return { format, columns };
  } catch (e) {
    if (e instanceof CsvSyntaxError || e instanceof JsonSyntaxError) throw malformed(config.path, e.line, e.reason);
    throw e;
  }
}
