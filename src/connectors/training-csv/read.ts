/**
 * Reading a training or acknowledgement export into records. As with the HR export (whose CSV,
 * JSON and date parsers this reuses), the whole file is read and checked before a row is handed
 * over: a malformed file is refused with the line and the reason, and nothing from it is collected,
 * so a half-written export can never read as "nobody was trained".
 */
import { readFile } from 'node:fs/promises';
import { VigilError } from '../../lib/errors.ts';
import { CsvSyntaxError, parseCsv } from '../hris-csv/csv.ts';
import { parseHrDate } from '../hris-csv/dates.ts';
import { JsonSyntaxError, parseJsonRecords } from '../hris-csv/json-records.ts';

export interface ExportFile<F extends string> {
  path: string;
  format: 'auto' | 'csv' | 'json';
  delimiter: string;
  columns: Record<F, string>;
}

export interface RawRecord<F extends string> {
  line: number;
  values: Record<F, string | null>;
}

const hint = 'fix the export (or the `columns` mapping of this source) and collect again; nothing was read from this file, so the records from the last good file are kept';

export function malformed(path: string, line: number | undefined, reason: string): VigilError {
  return new VigilError('InvalidInput', line === undefined ? reason : `line ${line}: ${reason}`, {
    where: line === undefined ? path : `${path}:${line}`,
    hint,
    details: { path, ...(line === undefined ? {} : { line }) },
  });
}

/** A resource whose file the source does not configure: matched by the connector's not-applicable rule. */
export const notConfigured = (what: string) =>
  new VigilError('NotFound', `no ${what} file is configured for this source`, { details: { providerCode: 'not_configured' } });

async function readText(path: string, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VigilError('NotFound', `the ${what} file does not exist`, { where: path, hint: 'check `path` in the source config, and that the export job writes there', cause: e });
    if (code === 'EACCES' || code === 'EPERM') {
      throw new VigilError('PermissionDenied', `Vigil may not read the ${what} file`, {
        where: path,
        hint: 'give the user Vigil runs as read access to the file',
        details: { providerMessage: `${code}: permission to read ${path} denied` },
        cause: e,
      });
    }
    if (code === 'EISDIR') throw new VigilError('InvalidConfig', '`path` names a folder, not a file', { where: path, hint: 'point `path` at the export file itself' });
    throw new VigilError('Unreachable', `could not read the ${what} file: ${(e as Error).message}`, { where: path, cause: e });
  }
  // UTF-8 with or without a byte-order mark, or UTF-16 with its mark, as spreadsheets save it.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const key = (s: string) => s.trim().toLowerCase();

function csvRecords<F extends string>(text: string, file: ExportFile<F>, required: readonly F[]): RawRecord<F>[] {
  const rows = parseCsv(text, { delimiter: file.delimiter });
  const header = rows[0];
  if (!header) throw malformed(file.path, undefined, 'the file is empty: it needs a header line and one line per record');
  const index = new Map(header.fields.map((f, k) => [key(f), k]));
  const missing = required.filter((f) => !index.has(key(file.columns[f])));
  if (missing.length) {
    throw malformed(file.path, header.line, `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((f) => `"${file.columns[f]}"`).join(', ')} (found: ${header.fields.map((f) => f.trim()).join(', ')})`);
  }
  const fields = Object.keys(file.columns) as F[];
  return rows.slice(1).map((row) => {
    if (row.fields.length !== header.fields.length) {
      throw malformed(file.path, row.line, `${row.fields.length} fields where the header has ${header.fields.length} (an unquoted "${file.delimiter}" in a value?)`);
    }
    const values = {} as Record<F, string | null>;
    for (const f of fields) {
      const k = index.get(key(file.columns[f]));
      const v = k === undefined ? '' : row.fields[k]!.trim();
      values[f] = v === '' ? null : v;
    }
    return { line: row.line, values };
  });
}

function jsonRecords<F extends string>(text: string, file: ExportFile<F>): RawRecord<F>[] {
  // The shared JSON reader also accepts an HR-shaped object; a training export is a plain list.
  if (!text.trimStart().startsWith('[')) throw malformed(file.path, 1, 'expected a JSON list of records ([{…}, …])');
  const fields = Object.keys(file.columns) as F[];
  return parseJsonRecords(text).map(({ line, value }) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed(file.path, line, 'each record must be a JSON object');
    const byKey = new Map(Object.entries(value).map(([k, v]) => [key(k), v]));
    const values = {} as Record<F, string | null>;
    for (const f of fields) {
      const v = byKey.get(key(file.columns[f]));
      if (v !== undefined && v !== null && typeof v !== 'string') throw malformed(file.path, line, `"${file.columns[f]}" must be a string or null, not ${Array.isArray(v) ? 'an array' : typeof v}`);
      values[f] = typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
    }
    return { line, values };
  });
}

/** Every record of the file, with its line; `required` columns must be in a CSV header. */
export async function readRecords<F extends string>(file: ExportFile<F>, required: readonly F[], what: string): Promise<RawRecord<F>[]> {
  const text = await readText(file.path, what);
  const json = file.format === 'json' || (file.format === 'auto' && /\.json$/i.test(file.path));
  let records: RawRecord<F>[];
  try {
    records = json ? jsonRecords(text, file) : csvRecords(text, file, required);
  } catch (e) {
    if (e instanceof CsvSyntaxError || e instanceof JsonSyntaxError) throw malformed(file.path, e.line, e.reason);
    throw e;
  }
  if (records.length === 0) throw malformed(file.path, undefined, `the file lists no ${what}; an empty export is refused rather than read as "nobody did it"`);
  return records;
}

// The HR reader's rule for an address: something@something.something, no spaces or specials.
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@[^\s@"(),:;<>[\\\]]+\.[^\s@"(),:;<>[\\\]]+$/;

/** Checks shared by both exports: a required value, an email, a date. */
export function fieldReader<F extends string>(file: ExportFile<F>, r: RawRecord<F>) {
  const name = (f: F) => `"${file.columns[f]}"`;
  return {
    required(f: F): string {
      const v = r.values[f];
      if (v === null) throw malformed(file.path, r.line, `${name(f)} is empty`);
      return v;
    },
    email(f: F): string {
      const v = this.required(f).toLowerCase();
      if (!EMAIL.test(v)) throw malformed(file.path, r.line, `${name(f)} "${r.values[f]}" is not an email address`);
      return v;
    },
    date(f: F, value: string): string {
      const parsed = parseHrDate(value);
      if (!parsed.ok) throw malformed(file.path, r.line, `${name(f)}: ${parsed.reason}`);
      return parsed.value;
    },
  };
}
