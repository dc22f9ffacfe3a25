/**
 * Files as text and JSON (scanner results, HR and training exports), with the line of every problem. JSON.parse says neither where a
 * value starts nor, on some errors, where the error is ("Unexpected end of JSON input"), so when
 * it fails a small validating walk over the text finds the position; and when a value has the
 * wrong shape, the same walk finds the line where that value (or its nearest ancestor) starts.
 * The walk runs only on the error path: a good file costs one JSON.parse.
 */

export type JsonPath = readonly PropertyKey[];

/** A parsed file that can say on which line any of its values starts. */
export interface JsonDocument {
  value: unknown;
  /** 1-based line of the value at `path`, or of its deepest ancestor present in the text. */
  lineOf(path: JsonPath): number;
  /** 1-based line of each element of the array at `path`, in one pass over the text. */
  elementLines(path: JsonPath): number[];
}

/** A problem in a file: what is wrong and on which line. */
export class FileProblem extends Error {
  override name = 'FileProblem';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/** 1-based line of a character offset; LF, CRLF and a lone CR each end a line. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

/**
 * The file's text: UTF-8 with or without a byte-order mark, or UTF-16 with its mark (as some
 * Windows tools save JSON). Anything else is refused with the line of the first byte that is not
 * text, so a compressed or binary upload says so rather than failing as "invalid JSON".
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    const bad = Math.max(start, firstInvalidUtf8(bytes, start));
    let line = 1;
    for (let i = start; i < bad; i++) if (bytes[i] === 10) line++;
    throw new FileProblem(line, `byte ${bad + 1} is not UTF-8 text: is this a compressed or binary file rather than the scanner's JSON output?`);
  }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (lead bytes and continuations). */
function firstInvalidUtf8(b: Uint8Array, from: number): number {
  let i = from;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (need === 0 || i + need >= b.length) return i;
    for (let k = 1; k <= need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return from;
}

/** Parse a whole-file JSON document; a syntax error is a FileProblem with its line. */
export function parseJsonDocument(text: string): JsonDocument {
  if (text.trim() === '') throw new FileProblem(1, 'the file is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const found = walk(text, undefined);
    const at = found.error ?? { offset: text.length, reason: (e as Error).message };
    throw new FileProblem(lineAt(text, at.offset), at.reason);
  }
  return {
    value,
    lineOf: (path) => lineAt(text, walk(text, path).offset ?? 0),
    elementLines: (path) => {
      const starts: number[] = [];
      walk(text, path, starts);
      return linesOf(text, starts);
    },
  };
}

/** 1-based lines of ascending offsets, in one pass. */
function linesOf(text: string, offsets: number[]): number[] {
  const out: number[] = [];
  let line = 1;
  let i = 0;
  for (const offset of offsets) {
    for (; i < offset && i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
    }
    out.push(line);
  }
  return out;
}

/**
 * JSON Lines: one JSON value per non-blank line (OCSF producers write findings this way). The
 * value is the array of records; `lineOf([i, …])` answers within record i's own line.
 */
export function parseJsonLines(text: string): JsonDocument {
  const lines = text.split(/\r\n|\n|\r/);
  const records: unknown[] = [];
  const lineNumbers: number[] = [];
  const texts: string[] = [];
  lines.forEach((lineText, i) => {
    if (lineText.trim() === '') return;
    try {
      records.push(JSON.parse(lineText));
    } catch (e) {
      const found = walk(lineText, undefined);
      throw new FileProblem(i + 1, found.error?.reason ?? (e as Error).message);
    }
    lineNumbers.push(i + 1);
    texts.push(lineText);
  });
  if (!records.length) throw new FileProblem(1, 'the file is empty');
  return {
    value: records,
    lineOf: (path) => {
      const index = typeof path[0] === 'number' ? path[0] : 0;
      return lineNumbers[index] ?? lineNumbers[0]!;
    },
    elementLines: (path) => (path.length === 0 ? [...lineNumbers] : []),
  };
}

// ---- The walk: validate JSON text, or find where the value at a path starts ----

interface WalkResult {
  /** Offset of the value at the path asked for (or of its deepest ancestor). */
  offset?: number;
  error?: { offset: number; reason: string };
}

class Stop {
  constructor(readonly result: WalkResult) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Walk the text. With `target`, stop at the value at that path (its offset); with `elements` too,
 * walk on and collect the offset of each element of the array at that path instead.
 */
function walk(text: string, target: JsonPath | undefined, elements?: number[]): WalkResult {
  const n = text.length;
  let i = 0;
  let deepest = 0;
  const fail = (offset: number, reason: string): never => {
    throw new Stop({ error: { offset: Math.min(offset, n), reason } });
  };
  const show = (c: string) => (c.charCodeAt(0) < 0x20 ? JSON.stringify(c) : `'${c}'`);
  const expected = (what: string): never => fail(i, i >= n ? `the file ends where ${what} was expected (is it cut short?)` : `expected ${what} but found ${show(text[i]!)}`);
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const onPath = (depth: number, key: PropertyKey, parentOnPath: boolean) => parentOnPath && target !== undefined && depth < target.length && target[depth] === key;

  const string = (): void => {
    const from = i++;
    for (;;) {
      if (i >= n) fail(from, 'a string is never closed');
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
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
      if (c < 0x20) fail(i, 'a line break or control character inside a string');
      i++;
    }
  };

  // `onTarget`: this value is the target path's prefix of length `depth`.
  const value = (depth: number, onTarget: boolean): void => {
    if (depth > 512) fail(i, 'nested deeper than 512 levels');
    ws();
    if (onTarget) {
      deepest = i;
      if (target && depth === target.length && !elements) throw new Stop({ offset: i });
    }
    const collect = elements !== undefined && onTarget && target !== undefined && depth === target.length;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') expected('a property name in double quotes');
        const keyStart = i;
        string();
        const key = JSON.parse(text.slice(keyStart, i)) as string;
        ws();
        if (text[i] !== ':') expected("':' after a property name");
        i++;
        value(depth + 1, onPath(depth, key, onTarget));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        expected("',' or '}' after a property value");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        if (collect) {
          ws();
          elements.push(i);
        }
        value(depth + 1, onPath(depth, index, onTarget));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        expected("',' or ']' after an array element");
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    expected('a value (object, array, string, number, true, false or null)');
  };

  try {
    value(0, true);
    ws();
    if (i < n) fail(i, `unexpected ${show(text[i]!)} after the end of the JSON document`);
    return { offset: deepest };
  } catch (e) {
    if (e instanceof Stop) return e.result.error ? e.result : { offset: e.result.offset ?? deepest };
    throw e;
  }
}
