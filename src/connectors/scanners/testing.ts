/** Test helpers: read a fixture of a format as the import would, and catch the error of a bad one. */
import { readFileSync } from 'node:fs';
import { isVigilError, type VigilError } from '../../lib/errors.ts';
import { readScanFile, scanFormat, type ScanRow } from './index.ts';

export const IMPORTED_AT = new Date('2026-03-10T12:00:00.000Z');

export function fixtureBytes(dirUrl: string, name: string): Buffer {
  return readFileSync(new URL(`./__fixtures__/${name}`, dirUrl));
}

export function readFixture(type: string, dirUrl: string, name: string, target?: string): ScanRow[] {
  return readScanFile(scanFormat(type), fixtureBytes(dirUrl, name), { name, importedAt: IMPORTED_AT, target });
}

export function readText(type: string, text: string, name = 'scan.json', target?: string): ScanRow[] {
  return readScanFile(scanFormat(type), Buffer.from(text), { name, importedAt: IMPORTED_AT, target });
}

/** The InvalidInput a malformed file raises (fails the test when it does not raise one). */
export function rejection(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    if (isVigilError(e) && e._tag === 'InvalidInput') return e;
    throw e;
  }
  throw new Error('expected the file to be rejected');
}
