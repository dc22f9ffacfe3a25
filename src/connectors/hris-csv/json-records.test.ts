import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonRecords } from './json-records.ts';

const errorOf = (text: string): JsonSyntaxError => {
  try {
    parseJsonRecords(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a JsonSyntaxError');
};

describe('parseJsonRecords', () => {
  it('gives each element of a top-level array with the line its object starts on', () => {
    const text = '[\n  {"email": "a@x.io",\n   "tags": [1, 2]},\n\n  {"email": "b@x.io"}\n]';
    expect(parseJsonRecords(text)).toEqual([
      { line: 2, value: { email: 'a@x.io', tags: [1, 2] } },
      { line: 5, value: { email: 'b@x.io' } },
    ]);
  });

  it('reads the list under "employees" in an object, ignoring other arrays before it', () => {
    const text = '{\n "fields": [{"id": "x"}, {"id": "y"}],\n "employees": [\n  {"email": "a@x.io"}\n ]\n}';
    expect(parseJsonRecords(text)).toEqual([{ line: 4, value: { email: 'a@x.io' } }]);
  });

  it('reports a syntax error with its line, also where JSON.parse gives no position', () => {
    expect(errorOf('[\n {"a": 1},\n {"a" 2}\n]')).toMatchObject({ line: 3, reason: "expected ':' after a property name but found '2'" });
    expect(errorOf('[\n {"a": }\n]')).toMatchObject({ line: 2, reason: "expected a value (object, array, string, number, true, false or null) but found '}'" });
    expect(errorOf('[\n {"a": "unterminated\n}]')).toMatchObject({ line: 2, reason: 'a line break or control character inside a string' });
    expect(errorOf('[1,\n2,\n')).toMatchObject({ line: 3, reason: 'the file ends where a value (object, array, string, number, true, false or null) was expected (is it cut short?)' });
    expect(errorOf('[]\n[]')).toMatchObject({ line: 2, reason: "unexpected '[' after the end of the JSON document" });
  });

  it('keeps the lines of the last "employees" when the key is given twice, as JSON.parse keeps its value', () => {
    const text = '{"employees": [{"email": "old@x.io"}],\n "employees": [\n  {"email": "a@x.io"},\n  {"email": "b@x.io"}]}';
    expect(parseJsonRecords(text)).toEqual([
      { line: 3, value: { email: 'a@x.io' } },
      { line: 4, value: { email: 'b@x.io' } },
    ]);
  });

  it('refuses a document that is not a list of records', () => {
    expect(errorOf('{"people": []}').reason).toBe('expected a list of employee objects, or an object with the list under "employees"');
    expect(errorOf('"text"').line).toBe(1);
  });
});
