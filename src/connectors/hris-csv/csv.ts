/**
 * CSV as RFC 4180 writes it, and as HR systems and spreadsheets export it: fields separated by a
 * delimiter, records by CRLF, LF or CR, a field in double quotes may hold the delimiter, line
 * breaks and doubled quotes. Every record carries the physical line it starts on, so an error in a
 * file of thousands of rows names the line a person can open.
 *
 * Strict on purpose: a stray quote inside an unquoted field or text after a closing quote is an
 * error, not a guess, because a misread termination date is worse than a rejected file.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export interface ParseCsvOptions {
  /** One character (default `,`). */
  delimiter?: string;
  /** Stop after this many records (the header check reads one). */
  maxRecords?: number;
}

const QUOTE = 34; // "
const CR = 13;
const LF = 10;

/** Parse CSV text (without a byte-order mark) into records; blank lines are skipped. */
export function parseCsv(text: string, options: ParseCsvOptions = {}): CsvRecord[] {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new Error(`parseCsv: the delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const delim = delimiter.charCodeAt(0);
  const max = options.maxRecords ?? Infinity;
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;

  // Consume one line break at i (CRLF counts once) and return whether there was one.
  const lineBreak = (): boolean => {
    const c = text.charCodeAt(i);
    if (c === CR) {
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      return true;
    }
    if (c === LF) {
      i++;
      line++;
      return true;
    }
    return false;
  };

  while (i < n && records.length < max) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        const opened = line;
        i++;
        let out = '';
        let from = i;
        for (;;) {
          if (i >= n) throw new CsvSyntaxError(opened, 'a quoted field is never closed (a missing " before the end of the file)');
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            if (text.charCodeAt(i + 1) === QUOTE) {
              out += text.slice(from, i + 1);
              i += 2;
              from = i;
              continue;
            }
            out += text.slice(from, i);
            i++;
            break;
          }
          // A break inside quotes is part of the value (kept as written) but still a new line.
          if (c === CR || c === LF) lineBreak();
          else i++;
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== delim && next !== CR && next !== LF) {
          throw new CsvSyntaxError(line, `unexpected ${JSON.stringify(text[i])} after a closing quote (a quote inside a field must be doubled: "")`);
        }
        value = out;
      } else {
        const from = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === delim || c === CR || c === LF) break;
          if (c === QUOTE) {
            throw new CsvSyntaxError(line, 'a quote inside an unquoted field; quote the whole field and double the quote inside it ("")');
          }
          i++;
        }
        value = text.slice(from, i);
      }
      fields.push(value);
      if (i < n && text.charCodeAt(i) === delim) {
        i++;
        continue;
      }
      lineBreak();
      break;
    }
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank) records.push({ line: start, fields });
  }
  return records;
}
