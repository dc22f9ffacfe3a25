/**
 * Ordering and parsing of requirement and control ids, shared by every listing so that `3.1.10`
 * sorts after `3.1.9` and `CC10.1` after `CC9.2`, wherever it is shown.
 */
import { frameworkIds, type FrameworkId, type RequirementRef } from './types.ts';

const chunks = (s: string) => s.split(/(\d+)/).filter((c) => c !== '');

/** Natural order: digit runs compare as numbers, the rest by code point. */
export function compareIds(a: string, b: string): number {
  const x = chunks(a);
  const y = chunks(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    const np = /^\d/.test(p);
    const nq = /^\d/.test(q);
    const d = np && nq ? Number(p) - Number(q) : p < q ? -1 : p > q ? 1 : 0;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Order of frameworks wherever several are listed. */
export const frameworkOrder = (f: string): number => {
  const i = frameworkIds.indexOf(f as FrameworkId);
  return i === -1 ? frameworkIds.length : i;
};

/** `soc2:CC6.2` → { framework: 'soc2', id: 'CC6.2' }; undefined when not of that shape. */
export function parseRef(text: string): RequirementRef | undefined {
  const i = text.indexOf(':');
  if (i <= 0) return undefined;
  const framework = text.slice(0, i);
  if (!frameworkIds.includes(framework as FrameworkId)) return undefined;
  return { framework: framework as FrameworkId, id: text.slice(i + 1) };
}
