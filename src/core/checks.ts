/**
 * Which checks run in a workspace, with which parameters: the built-in checks (and, later, the
 * user's SQL checks), each with its params merged from vigil.yaml `checks.params.<id>` over the
 * defaults. A wrong or unknown override is a config error naming the check and the field.
 */
import type { z } from 'zod';
import type { AnyCheck } from '../checks/sdk/define.ts';
import { paramsHash, type ResolvedCheck } from '../engine/evaluate.ts';
import { VigilError } from '../lib/errors.ts';

export function resolveChecks(checks: AnyCheck[], overrides: Record<string, Record<string, unknown>>, file = 'vigil.yaml'): ResolvedCheck[] {
  const ids = new Set(checks.map((c) => c.id));
  for (const id of Object.keys(overrides)) {
    if (!ids.has(id)) {
      throw new VigilError('InvalidConfig', `checks.params: there is no check "${id}"`, {
        where: file,
        hint: 'list the checks with `vigil checks`',
      });
    }
  }
  return checks.map((check) => {
    const parsed = (check.params as z.ZodType).safeParse(overrides[check.id] ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new VigilError('InvalidConfig', `checks.params.${check.id}.${issue.path.join('.')}: ${issue.message}`, { where: file });
    }
    return { check, params: parsed.data, paramsHash: paramsHash(parsed.data) };
  });
}
