/**
 * What an auditor may see: only what falls inside the audit periods they are invited to. A Scope
 * of `null` means unrestricted (every other role); otherwise it lists the windows [from, to).
 * A record is visible when its time is inside a window; a state (a result, a finding) when its
 * interval overlaps one.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Principal, ServerContext } from '../context.ts';

export type Scope = { windows: { from: Date; to: Date }[] } | null;

export async function scopeOf(ctx: ServerContext, principal: Principal | undefined): Promise<Scope> {
  if (!principal || principal.user.role !== 'auditor') return null;
  return { windows: (await ctx.periods.windowsOf(principal.user.id)).map((w) => ({ from: w.from, to: w.to })) };
}

const iso = (d: Date) => d.toISOString();

/** SQL: the instant `at` lies inside one of the windows. */
export function atInScope(at: SQL, scope: Scope): SQL {
  if (!scope) return sql`TRUE`;
  if (!scope.windows.length) return sql`FALSE`;
  return sql`(${sql.join(
    scope.windows.map((w) => sql`(${at} >= ${iso(w.from)}::timestamptz AND ${at} < ${iso(w.to)}::timestamptz)`),
    sql` OR `,
  )})`;
}

/** SQL: the interval [start, end) — end NULL meaning "still so" — overlaps one of the windows. */
export function intervalInScope(start: SQL, end: SQL, scope: Scope): SQL {
  if (!scope) return sql`TRUE`;
  if (!scope.windows.length) return sql`FALSE`;
  return sql`(${sql.join(
    scope.windows.map((w) => sql`(${start} < ${iso(w.to)}::timestamptz AND coalesce(${end}, 'infinity'::timestamptz) > ${iso(w.from)}::timestamptz)`),
    sql` OR `,
  )})`;
}

export function instantVisible(at: Date, scope: Scope): boolean {
  return !scope || scope.windows.some((w) => at >= w.from && at < w.to);
}

export function intervalVisible(start: Date, end: Date | null, scope: Scope): boolean {
  return !scope || scope.windows.some((w) => start < w.to && (end === null || end > w.from));
}

/** Is [from, to) inside one window? (An auditor's timeline or export must stay inside a period.) */
export function rangeInside(from: Date, to: Date, scope: Scope): boolean {
  return !scope || scope.windows.some((w) => from >= w.from && to <= w.to);
}
