/**
 * Every built-in check. A test fails when a check file under src/checks/<area>/ is not listed here
 * or names a control the library does not have.
 */
import type { AnyCheck } from './sdk/define.ts';

export const builtInChecks: AnyCheck[] = [];

export function getCheck(id: string): AnyCheck | undefined {
  return builtInChecks.find((c) => c.id === id);
}
