import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from './csv.ts';

const syntaxError = (fn: () => unknown): CsvSyntaxError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CsvSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a CsvSyntaxError');
};

describe('parseCsv', () => {
  it('splits records on CRLF, LF and lone CR, numbering each by the line it starts on', () => {
    expect(parseCsv('a,b\r\nc,d\ne,f\rg,h')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
      { line: 3, fields: ['e', 'f'] },
      { line: 4, fields: ['g', 'h'] },
    ]);
  });

  it('keeps delimiters, doubled quotes and line breaks inside quoted fields, and counts those lines', () => {
    const records = parseCsv('name,dept\n"Okafor, Sam","R&D\r\nLab ""2"""\nnext,row\n');
    expect(records).toEqual([
      { line: 1, fields: ['name', 'dept'] },
      { line: 2, fields: ['Okafor, Sam', 'R&D\r\nLab "2"'] },
      { line: 4, fields: ['next', 'row'] },
    ]);
  });

  it('keeps empty fields, including a trailing one, and skips blank lines', () => {
    expect(parseCsv('a,,c,\n\n\r\n,\n')).toEqual([
      { line: 1, fields: ['a', '', 'c', ''] },
      { line: 4, fields: ['', ''] },
    ]);
  });

  it('reads another delimiter', () => {
    expect(parseCsv('a;"b;c";x\ty', { delimiter: ';' })).toEqual([{ line: 1, fields: ['a', 'b;c', 'x\ty'] }]);
    expect(parseCsv('a\t"b,c"', { delimiter: '\t' })).toEqual([{ line: 1, fields: ['a', 'b,c'] }]);
  });

  it('stops after maxRecords', () => {
    expect(parseCsv('h1,h2\n1,2\n"unclosed', { maxRecords: 1 })).toEqual([{ line: 1, fields: ['h1', 'h2'] }]);
  });

  it('rejects a quoted field that is never closed, naming the line where it opened', () => {
    const e = syntaxError(() => parseCsv('a,b\n1,"two\nthree\nfour'));
    expect(e.line).toBe(2);
    expect(e.message).toBe('line 2: a quoted field is never closed (a missing " before the end of the file)');
  });

  it('rejects text after a closing quote and a bare quote inside an unquoted field', () => {
    expect(syntaxError(() => parseCsv('a,b\n"x"y,z')).message).toBe('line 2: unexpected "y" after a closing quote (a quote inside a field must be doubled: "")');
    const bare = syntaxError(() => parseCsv('a,b\n1,2\n3,say "hi"'));
    expect(bare.line).toBe(3);
    expect(bare.reason).toContain('a quote inside an unquoted field');
  });

  it('reads a field that is only a doubled quote, and an empty quoted field', () => {
    expect(parseCsv('"""",""\r\nx,y')).toEqual([
      { line: 1, fields: ['"', ''] },
      { line: 2, fields: ['x', 'y'] },
    ]);
  });
});
