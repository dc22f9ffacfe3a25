/**
 * The records of a JSON export with the line each one starts on: a top-level array of objects, or
 * an object with the array under `employees` (the shape BambooHR-style report exports use). The
 * reading and the lines come from the shared JSON reader (connectors/sdk/json-text.ts): one
 * JSON.parse, and one walk over the text for the records' lines.
 */
import { FileProblem, parseJsonDocument } from '../sdk/json-text.ts';

/** A problem in the export, with its line: the shared reader's FileProblem. */
export { FileProblem as JsonSyntaxError } from '../sdk/json-text.ts';

export interface JsonRecord {
  /** 1-based line where the record's `{` is. */
  line: number;
  value: unknown;
}

/** The key of the record array when the top level is an object. */
export const RECORDS_KEY = 'employees';

export function parseJsonRecords(text: string): JsonRecord[] {
  const doc = parseJsonDocument(text);
  const root = doc.value;
  let list: unknown[];
  let lines: number[];
  if (Array.isArray(root)) {
    list = root;
    lines = doc.elementLines([]);
  } else if (root && typeof root === 'object' && Array.isArray((root as Record<string, unknown>)[RECORDS_KEY])) {
    list = (root as Record<string, unknown[]>)[RECORDS_KEY]!;
    // A key given twice is parsed as its last occurrence: keep the lines of that one.
    lines = doc.elementLines([RECORDS_KEY]).slice(-list.length);
  } else {
    throw new FileProblem(1, `expected a list of employee objects, or an object with the list under "${RECORDS_KEY}"`);
  }
  return list.map((value, k) => ({ line: lines[k] ?? 1, value }));
}
