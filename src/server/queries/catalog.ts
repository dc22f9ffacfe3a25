/** The running checks as the API sees them: which checks test which control. */
import type { App } from '../../core/app.ts';
import type { ResolvedCheck } from '../../engine/evaluate.ts';

export function checksByControl(app: App): Map<string, ResolvedCheck[]> {
  const out = new Map<string, ResolvedCheck[]>();
  for (const r of app.monitor.checks) {
    for (const c of r.check.controls) out.set(c, [...(out.get(c) ?? []), r]);
  }
  return out;
}

export const checkIdsOf = (app: App, controlId: string): string[] =>
  app.monitor.checks.filter((r) => r.check.controls.includes(controlId)).map((r) => r.check.id);

export const findCheck = (app: App, id: string): ResolvedCheck | undefined => app.monitor.checks.find((r) => r.check.id === id);
