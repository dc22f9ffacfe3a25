/** The database side of /metrics: counts by status, read when Prometheus scrapes. */
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { rowsOf } from '../../db/client.ts';

export interface MetricsSnapshot {
  findings: { severity: string; status: string; n: number }[];
  overdue: { severity: string; n: number }[];
  sources: { status: string; n: number }[];
  results: { status: string; n: number }[];
  evidenceLogSize: number;
}

export async function metricsSnapshot(db: Database, workspaceId: string, now: Date): Promise<MetricsSnapshot> {
  const q = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await db.orm.execute(query));
  const findings = await q<{ severity: string; status: string; n: number }>(
    sql`SELECT severity, status, count(*)::int AS n FROM findings WHERE workspace_id = ${workspaceId} GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const overdue = await q<{ severity: string; n: number }>(
    sql`SELECT severity, count(*)::int AS n FROM findings
        WHERE workspace_id = ${workspaceId} AND status IN ('open', 'acknowledged') AND due_at <= ${now.toISOString()}::timestamptz
        GROUP BY 1 ORDER BY 1`,
  );
  const sources = await q<{ status: string; n: number }>(
    sql`SELECT status, count(*)::int AS n FROM sources WHERE workspace_id = ${workspaceId} AND enabled GROUP BY 1 ORDER BY 1`,
  );
  const results = await q<{ status: string; n: number }>(
    sql`SELECT status, count(*)::int AS n FROM check_results WHERE workspace_id = ${workspaceId} AND valid_to IS NULL GROUP BY 1 ORDER BY 1`,
  );
  const [head] = await q<{ n: string | number }>(sql`SELECT tree_size AS n FROM evidence_log_heads WHERE workspace_id = ${workspaceId}`);
  return { findings, overdue, sources, results, evidenceLogSize: Number(head?.n ?? 0) };
}
