/**
 * Test helpers for evaluations (imported by tests only).
 */
import type { Database } from '../db/client.ts';

/**
 * The results restated at `at`: a new state opened then whose status is the same as the state it
 * closed, so only its words changed. As `<check> <resource>: <reason before> → <reason after>`.
 */
export async function restated(db: Database, workspaceId: string, at: Date): Promise<string[]> {
  const rows = await db.query<{ check_id: string; resource: string; before: string; after: string }>(
    `SELECT n.check_id, n.resource, o.reason AS before, n.reason AS after
     FROM check_results n
     JOIN check_results o ON o.workspace_id = n.workspace_id AND o.check_id = n.check_id AND o.resource = n.resource AND o.valid_to = n.valid_from
     WHERE n.workspace_id = $1 AND n.valid_from = $2 AND o.status = n.status AND o.severity = n.severity
     ORDER BY n.check_id, n.resource`,
    [workspaceId, at],
  );
  return rows.map((r) => `${r.check_id} ${r.resource}: ${r.before} → ${r.after}`);
}
