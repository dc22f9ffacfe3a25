/**
 * Evidence search: by control (its manual evidence, subject `control:<id>`, and the judgements of
 * its checks, subject `<check>/<resource>`, each read from its own index), source, kind, subject and effective period, newest
 * first by default, paged by leaf index. For an auditor, only records effective inside their periods.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { evidenceRecords, type EvidenceRecordRow } from '../../db/schema/evidence-records.ts';
import { invalidInput } from '../../lib/errors.ts';
import { atInScope, type Scope } from '../auth/scope.ts';

export interface EvidenceQuery {
  control?: { id: string; checks: string[] } | undefined;
  kind?: string[] | undefined;
  source?: string | undefined;
  subject?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export type EvidenceRow = Omit<EvidenceRecordRow, 'content'>;

const scoped = (scope: Scope) => atInScope(sql`${evidenceRecords.effectiveAt}`, scope);

export function createEvidenceQuery(db: Database, workspaceId: string) {
  const columns = {
    workspaceId: evidenceRecords.workspaceId,
    leafIndex: evidenceRecords.leafIndex,
    id: evidenceRecords.id,
    kind: evidenceRecords.kind,
    source: evidenceRecords.source,
    subject: evidenceRecords.subject,
    collectedAt: evidenceRecords.collectedAt,
    effectiveAt: evidenceRecords.effectiveAt,
    contentHash: evidenceRecords.contentHash,
    attachments: evidenceRecords.attachments,
    leafHash: evidenceRecords.leafHash,
    expiredAt: evidenceRecords.expiredAt,
  };

  return {
    async search(q: EvidenceQuery, scope: Scope): Promise<{ items: EvidenceRow[]; nextCursor: string | null }> {
      const limit = q.limit ?? 50;
      const order = q.order ?? 'desc';
      const where: SQL[] = [eq(evidenceRecords.workspaceId, workspaceId), scoped(scope)];
      if (q.kind?.length) where.push(sql`${evidenceRecords.kind} IN (${sql.join(q.kind.map((k) => sql`${k}`), sql`, `)})`);
      if (q.source) where.push(eq(evidenceRecords.source, q.source));
      if (q.subject) where.push(eq(evidenceRecords.subject, q.subject));
      if (q.from) where.push(sql`${evidenceRecords.effectiveAt} >= ${q.from.toISOString()}::timestamptz`);
      if (q.to) where.push(sql`${evidenceRecords.effectiveAt} < ${q.to.toISOString()}::timestamptz`);
      if (q.cursor !== undefined) {
        if (!/^\d{1,15}$/.test(q.cursor)) throw invalidInput('this cursor is not valid; start again without one', { where: 'query.cursor' });
        where.push(order === 'desc' ? sql`${evidenceRecords.leafIndex} < ${Number(q.cursor)}` : sql`${evidenceRecords.leafIndex} > ${Number(q.cursor)}`);
      }
      if (q.control) {
        // The newest (or oldest) records of each part on its own — the control's manual evidence,
        // then each check's judgements through evidence_records_by_check (migration 0014) — so no
        // part waits on a scan of the workspace's other records; the page is taken from their union.
        // Literals, not parameters, for the kind and the separator: they must match the partial
        // expression index.
        const dir = sql.raw(order === 'desc' ? 'DESC' : 'ASC');
        const part = (cond: SQL) => sql`(SELECT ${evidenceRecords.leafIndex} FROM ${evidenceRecords} WHERE ${and(...where, cond)} ORDER BY ${evidenceRecords.leafIndex} ${dir} LIMIT ${limit + 1})`;
        const parts = [part(sql`${evidenceRecords.subject} = ${`control:${q.control.id}`}`)];
        for (const c of q.control.checks) parts.push(part(sql`${evidenceRecords.kind} = 'check.result' AND split_part(${evidenceRecords.subject}, '/', 1) = ${c}`));
        where.push(sql`${evidenceRecords.leafIndex} IN (${sql.join(parts, sql` UNION ALL `)})`);
      }
      const rows = await db.orm
        .select(columns)
        .from(evidenceRecords)
        .where(and(...where))
        .orderBy(order === 'desc' ? sql`${evidenceRecords.leafIndex} DESC` : sql`${evidenceRecords.leafIndex} ASC`)
        .limit(limit + 1);
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? String(last.leafIndex) : null };
    },

    /** One record with its content (canonical JSON text, null when retention expired it). */
    async get(id: string, scope: Scope): Promise<EvidenceRecordRow | undefined> {
      const [r] = await db.orm
        .select()
        .from(evidenceRecords)
        .where(and(eq(evidenceRecords.workspaceId, workspaceId), eq(evidenceRecords.id, id), scoped(scope)));
      return r;
    },
  };
}

export type EvidenceQueryService = ReturnType<typeof createEvidenceQuery>;
