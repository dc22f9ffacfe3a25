import { describe, expect, it } from 'vitest';
import { FileProblem, decodeText, lineAt, parseJsonDocument, parseJsonLines } from './json-text.ts';

const problem = (fn: () => unknown): FileProblem => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FileProblem) return e;
    throw e;
  }
  throw new Error('expected a FileProblem');
};

describe('scanner files as text', () => {
  it('counts LF, CRLF and lone CR as line ends', () => {
    const text = 'a\nb\r\nc\rd';
    expect([0, 2, 5, 7].map((i) => lineAt(text, i))).toEqual([1, 2, 3, 4]);
  });

  it('reads UTF-8 with and without a byte-order mark, and UTF-16 with its mark', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe('{}');
    expect(decodeText(Buffer.from('{"é":1}', 'utf8'))).toBe('{"é":1}');
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')]))).toBe('{"a":1}');
  });

  it('refuses bytes that are not text with the line of the first bad byte (a gzip upload, say)', () => {
    const p = problem(() => decodeText(Buffer.concat([Buffer.from('{\n"a":\n'), Buffer.from([0x1f, 0x8b, 0x08, 0xff])])));
    expect(p.line).toBe(3);
    expect(p.reason).toMatch(/^byte 9 is not UTF-8 text/);
  });
});

describe('JSON documents with line numbers', () => {
  it.each([
    ['a trailing comma in an object', '{\n  "a": 1,\n}', 3, "expected a property name in double quotes but found '}'"],
    ['a missing comma between elements', '[\n1,\n2\n3]', 4, "expected ',' or ']' after an array element but found '3'"],
    ['a bare word', '{\n "a": tru\n}', 2, 'expected a value (object, array, string, number, true, false or null)'],
    ['a file cut short', '{\n "Results": [\n  {"Target": "x"', 3, "the file ends where ',' or '}' after a property value was expected (is it cut short?)"],
    ['an unterminated string', '{\n "a": "b\n}', 2, 'a line break or control character inside a string'],
    ['content after the document', '{}\n{}', 2, "unexpected '{' after the end of the JSON document"],
    ['an empty file', '  \n', 1, 'the file is empty'],
  ])('places %s on its line', (_what, text, line, reason) => {
    const p = problem(() => parseJsonDocument(text));
    expect([p.line, p.reason]).toEqual([line, expect.stringContaining(reason)]);
  });

  it('finds the line where a value starts, or its nearest ancestor when the value is missing', () => {
    const doc = parseJsonDocument('{\n  "runs": [\n    {\n      "tool": {}\n    },\n    {\n      "results": [1,\n 2]\n    }\n  ]\n}');
    expect(doc.lineOf([])).toBe(1);
    expect(doc.lineOf(['runs', 0, 'tool'])).toBe(4);
    expect(doc.lineOf(['runs', 1, 'results', 1])).toBe(8);
    expect(doc.lineOf(['runs', 1, 'tool', 'driver'])).toBe(6);
  });

  it('reads JSON Lines record by record, with each record on its own line', () => {
    const doc = parseJsonLines('{"a":1}\n\n{"a":2}\r\n{"a":3}');
    expect(doc.value).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(doc.lineOf([2, 'a'])).toBe(4);
    expect(problem(() => parseJsonLines('{"a":1}\n{"a":}\n')).line).toBe(2);
  });

  it('gives the line of every element of an array in one pass, nested or at the top', () => {
    const doc = parseJsonDocument('{"a": 1,\n "list": [\n  {"x": [1,\n 2]},\n  "two",\n\n  3]}');
    expect(doc.elementLines(['list'])).toEqual([3, 5, 7]);
    expect(parseJsonDocument('[1,\n2,\r\n3]').elementLines([])).toEqual([1, 2, 3]);
    expect(doc.elementLines(['missing'])).toEqual([]);
  });
});
