/**
 * Reading judgements back: the current result of every (check, resource), with the controls the
 * check tests and whether a failure's finding is muted — what `vigil check` prints and CI gates on.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { checkResults } from '../db/schema/check-results.ts';
import { findings } from '../db/schema/findings.ts';
import type { ResolvedCheck } from '../engine/evaluate.ts';
import { severities, type Severity } from './config/schema.ts';

export interface CurrentResult {
  check: string;
  title: string;
  controls: string[];
  resource: string;
  status: string;
  severity: string;
  reason: string;
  remediation: string | null;
  evidence: string[];
  since: string;
  muted: boolean;
  finding: string | null;
}

export async function currentResults(db: Database, workspaceId: string, checks: ResolvedCheck[], filter: { control?: string } = {}): Promise<CurrentResult[]> {
  const rows = await db.orm
    .select({ r: checkResults, findingId: findings.id, findingStatus: findings.status })
    .from(checkResults)
    .leftJoin(
      findings,
      and(eq(findings.workspaceId, checkResults.workspaceId), eq(findings.checkId, checkResults.checkId), eq(findings.resource, checkResults.resource)),
    )
    .where(and(eq(checkResults.workspaceId, workspaceId), isNull(checkResults.validTo)))
    .orderBy(checkResults.checkId, checkResults.resource);
  const byId = new Map(checks.map((c) => [c.check.id, c.check]));
  return rows
    .filter(({ r }) => byId.has(r.checkId))
    .filter(({ r }) => !filter.control || byId.get(r.checkId)!.controls.includes(filter.control))
    .map(({ r, findingId, findingStatus }) => {
      const check = byId.get(r.checkId)!;
      return {
        check: r.checkId,
        title: check.title,
        controls: check.controls,
        resource: r.resource,
        status: r.status,
        severity: r.severity,
        reason: r.reason,
        remediation: r.remediation,
        evidence: r.evidence,
        since: r.validFrom.toISOString(),
        muted: r.status === 'fail' && findingStatus === 'muted',
        finding: r.status === 'fail' ? findingId : null,
      };
    });
}

const rank = (s: string) => severities.length - severities.indexOf(s as Severity);

/** Is `severity` at or above `threshold`? (critical > high > medium > low > info) */
export const atOrAbove = (severity: string, threshold: Severity) => rank(severity) >= rank(threshold);
