/**
 * The records of a JSON export with the line each one starts on: a top-level array of objects, or
 * an object with the array under `employees` (the shape BambooHR-style report exports use).
 *
 * JSON.parse does not say where an element starts, and on some errors not even where the error is,
 * so a small validating scan runs first: it reports a syntax error with its line, and the start of
 * each record; JSON.parse then builds the values.
 */

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export interface JsonRecord {
  /** 1-based line where the record's `{` is. */
  line: number;
  value: unknown;
}

/** The key of the record array when the top level is an object. */
export const RECORDS_KEY = 'employees';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseJsonRecords(text: string): JsonRecord[] {
  const lineAt = lineIndex(text);
  const fail = (at: number, reason: string): never => {
    throw new JsonSyntaxError(lineAt(Math.min(at, text.length)), reason);
  };
  const n = text.length;
  let i = 0;
  const starts: number[] = [];
  let rootKind: 'array' | 'object' | 'other' = 'other';

  const ws = () => {
    while (i < n) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const show = (c: string) => (c.charCodeAt(0) < 0x20 ? JSON.stringify(c) : `'${c}'`);
  const expected = (what: string): never => fail(i, i >= n ? `the file ends where ${what} was expected` : `expected ${what} but found ${show(text[i]!)}`);

  const string = (): string => {
    const from = i;
    i++; // opening quote
    for (;;) {
      if (i >= n) fail(from, 'a string is never closed');
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return text.slice(from + 1, i - 1);
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(i, 'a \\u escape needs four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(i, `an invalid escape \\${e ?? ''} in a string`);
        continue;
      }
      if (c < 0x20) fail(i, 'a line break or control character inside a string (write it as \\n)');
      i++;
    }
  };

  // `records` marks the array whose elements are the records.
  const value = (depth: number, records: boolean): void => {
    if (depth > 64) fail(i, 'nested deeper than 64 levels');
    ws();
    const c = text[i];
    if (c === '{') {
      if (depth === 0) rootKind = 'object';
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') expected('a property name in double quotes');
        const key = string();
        ws();
        if (text[i] !== ':') expected("':' after a property name");
        i++;
        value(depth + 1, depth === 0 && key === RECORDS_KEY);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        expected("',' or '}'");
      }
    }
    if (c === '[') {
      if (depth === 0) rootKind = 'array';
      const mark = records || depth === 0;
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (mark) starts.push(i);
        value(depth + 1, false);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        expected("',' or ']'");
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    expected('a value');
  };

  value(0, false);
  ws();
  if (i < n) fail(i, `unexpected ${show(text[i]!)} after the end of the JSON value`);

  const parsed: unknown = JSON.parse(text);
  // Set inside value(); TypeScript cannot see assignments made in a closure.
  const kind = rootKind as 'array' | 'object' | 'other';
  let list: unknown[];
  if (kind === 'array') list = parsed as unknown[];
  else if (kind === 'object' && Array.isArray((parsed as Record<string, unknown>)[RECORDS_KEY])) {
    list = (parsed as Record<string, unknown[]>)[RECORDS_KEY]!;
    // A key given twice is parsed as its last occurrence: keep the starts of that one.
    starts.splice(0, starts.length - list.length);
  } else {
    throw new JsonSyntaxError(1, `expected a list of employee objects, or an object with the list under "${RECORDS_KEY}"`);
  }
  return list.map((v, k) => ({ line: lineAt(starts[k]!), value: v }));
}

/** offset → 1-based line, by binary search over line starts. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) starts.push(k + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
