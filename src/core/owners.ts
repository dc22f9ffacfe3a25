/**
 * Who owns a failure: the first `findings.ownerRules` entry that matches it, else the owner of the
 * first of the check's controls that has one, else that control's owner role. Nobody is a valid
 * answer only when the check names no known control.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { controls } from '../db/schema/controls.ts';
import type { VigilConfig } from './config/schema.ts';
import type { OwnerQuery } from './findings.ts';

type Rule = VigilConfig['findings']['ownerRules'][number];

export function matchesRule(rule: Rule, q: OwnerQuery): boolean {
  if (rule.check && rule.check !== q.checkId) return false;
  if (rule.control && !q.controls.includes(rule.control)) return false;
  if (rule.source && rule.source !== q.source) return false;
  if (rule.resource && !q.resource.startsWith(rule.resource)) return false;
  for (const [k, v] of Object.entries(rule.attributes ?? {})) {
    if (q.details?.[k] !== v) return false;
  }
  return true;
}

export function createOwnerResolver(workspaceId: string, rules: Rule[]) {
  return async (q: OwnerQuery, tx: Executor): Promise<string | null> => {
    const rule = rules.find((r) => matchesRule(r, q));
    if (rule) return rule.owner;
    if (!q.controls.length) return null;
    const rows = await tx
      .select({ id: controls.id, owner: controls.owner, ownerRole: controls.ownerRole })
      .from(controls)
      .where(and(eq(controls.workspaceId, workspaceId), inArray(controls.id, q.controls)));
    for (const id of q.controls) {
      const c = rows.find((r) => r.id === id);
      if (c?.owner) return c.owner;
    }
    const first = q.controls.map((id) => rows.find((r) => r.id === id)).find(Boolean);
    return first?.ownerRole ?? null;
  };
}
