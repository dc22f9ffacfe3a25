/**
 * Findings: a failure that needs work. One row per (check, resource): opened when a result turns
 * to fail, resolved when it passes again or the resource is gone, reopened (with its history) on
 * regression. Owners get a due date from the SLA of the severity. A mute needs a reason, an
 * approver and an expiry, and is never a pass; an expired mute reopens. Every transition is a
 * finding_events row and an evidence record, and the alerts it triggers are enqueued in the same
 * transaction.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../db/client.ts';
import { findingEvents } from '../db/schema/finding-events.ts';
import { findings, type FindingRow, type FindingStatus } from '../db/schema/findings.ts';
import type { Clock } from '../lib/clock.ts';
import { addDuration } from '../lib/duration.ts';
import { conflict, invalidInput, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import type { ResultChange } from '../engine/results.ts';
import type { ResolvedCheck } from '../engine/evaluate.ts';
import type { Severity, VigilConfig } from './config/schema.ts';
import type { AlertRaiser } from './ports.ts';
import type { EvidenceLog } from '../evidence/log.ts';
import type { FindingAlertPayload } from '../notify/alerts.ts';

export interface OwnerQuery {
  checkId: string;
  controls: string[];
  resource: string;
  source?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

type Sla = VigilConfig['findings']['sla'];

export interface FindingDeps {
  db: Database;
  clock: Clock;
  evidence: Pick<EvidenceLog, 'append'>;
  alerts: AlertRaiser;
  /** The remediation SLA per severity: fixed, or read per workspace when a finding opens (Settings may override vigil.yaml). */
  sla: Sla | ((workspaceId: string, tx: Executor) => Promise<Sla>);
  resolveOwner(q: OwnerQuery, tx: Executor): Promise<string | null>;
}

export interface FindingFilter {
  status?: FindingStatus[];
  owner?: string;
  severity?: Severity[];
  checkId?: string;
  control?: string;
  source?: string;
}

const ACTIVE: FindingStatus[] = ['open', 'acknowledged', 'muted'];

export function createFindingService(deps: FindingDeps) {
  const { db, clock, evidence, alerts } = deps;

  const slaOf = async (workspaceId: string, tx: Executor): Promise<Sla> => (typeof deps.sla === 'function' ? deps.sla(workspaceId, tx) : deps.sla);
  const dueFrom = (sla: Sla, severity: string, from: Date) => addDuration(from, sla[(severity as Severity) in sla ? (severity as Severity) : 'medium']);

  async function record(
    tx: Executor,
    workspaceId: string,
    f: FindingRow,
    action: string,
    actor: string,
    from: FindingStatus | null,
    to: FindingStatus | null,
    at: Date,
    note?: string,
  ) {
    const [appended] = await evidence.append(
      workspaceId,
      [
        {
          kind: 'finding.transition',
          source: 'vigil',
          subject: `finding/${f.id}`,
          effectiveAt: at,
          content: { finding: f.id, check: f.checkId, resource: f.resource, action, actor, from, to, note: note ?? null },
        },
      ],
      tx,
    );
    await tx.insert(findingEvents).values({
      workspaceId,
      findingId: f.id,
      at,
      actor,
      action,
      fromStatus: from,
      toStatus: to,
      note: note ?? null,
      evidenceId: appended?.id ?? null,
    });
  }

  async function byId(tx: Executor, workspaceId: string, id: string): Promise<FindingRow> {
    const [f] = await tx
      .select()
      .from(findings)
      .where(and(eq(findings.workspaceId, workspaceId), eq(findings.id, id)))
      .for('update');
    if (!f) throw notFound(`no finding ${id} in this workspace`, { hint: 'list them with `vigil findings`' });
    return f;
  }

  return {
    /** Apply one check's result changes to findings; called inside the evaluation's transaction. */
    async syncFromChanges(tx: Executor, workspaceId: string, resolved: ResolvedCheck, changes: ResultChange[], now: Date) {
      const { check } = resolved;
      const touched = changes.filter((c) => c.resource !== '*');
      if (!touched.length) return;
      let sla: Sla | undefined;
      const due = async (severity: string) => dueFrom((sla ??= await slaOf(workspaceId, tx)), severity, now);
      const existing = new Map(
        (
          await tx
            .select()
            .from(findings)
            .where(
              and(
                eq(findings.workspaceId, workspaceId),
                eq(findings.checkId, check.id),
                inArray(
                  findings.resource,
                  touched.map((c) => c.resource),
                ),
              ),
            )
        ).map((f) => [f.resource, f]),
      );
      for (const c of touched) {
        const f = existing.get(c.resource);
        const after = c.after;
        if (after?.status === 'fail') {
          if (!f) {
            const owner = await deps.resolveOwner(
              { checkId: check.id, controls: check.controls, resource: c.resource, source: after.source, details: after.details },
              tx,
            );
            const row: FindingRow = {
              id: newId('fnd', now.getTime()),
              workspaceId,
              checkId: check.id,
              resource: c.resource,
              controls: check.controls,
              source: after.source ?? null,
              severity: after.severity,
              status: 'open',
              owner,
              title: check.title,
              reason: after.reason,
              remediation: after.remediation ?? null,
              openedAt: now,
              dueAt: await due(after.severity),
              resolvedAt: null,
              reopenedCount: 0,
              muteReason: null,
              muteApprover: null,
              muteExpiresAt: null,
              alertedAtRisk: null,
              alertedBreach: null,
              updatedAt: now,
            };
            await tx.insert(findings).values(row);
            await record(tx, workspaceId, row, 'opened', 'vigil', null, 'open', now, after.reason);
            await alerts.raise(workspaceId, { kind: 'finding.opened', payload: findingPayload(row) }, tx);
          } else if (f.status === 'resolved') {
            const row: FindingRow = {
              ...f,
              status: 'open',
              severity: after.severity,
              reason: after.reason,
              remediation: after.remediation ?? null,
              openedAt: now,
              dueAt: await due(after.severity),
              resolvedAt: null,
              reopenedCount: f.reopenedCount + 1,
              alertedAtRisk: null,
              alertedBreach: null,
              updatedAt: now,
            };
            await tx.update(findings).set(row).where(eq(findings.id, f.id));
            await record(tx, workspaceId, row, 'reopened', 'vigil', 'resolved', 'open', now, after.reason);
            await alerts.raise(
              workspaceId,
              {
                kind: 'finding.reopened',
                payload: { ...findingPayload(row), reopenedAt: now.toISOString(), previouslyResolvedAt: f.resolvedAt?.toISOString() ?? null, reopenedCount: row.reopenedCount },
              },
              tx,
            );
          } else if (f.reason !== after.reason || f.severity !== after.severity) {
            await tx
              .update(findings)
              .set({ reason: after.reason, severity: after.severity, remediation: after.remediation ?? null, updatedAt: now })
              .where(eq(findings.id, f.id));
          }
        } else if (after === undefined || after.status === 'pass' || after.status === 'not_applicable') {
          if (f && f.status !== 'resolved') {
            const note = after ? after.reason : 'the resource is no longer present';
            await tx
              .update(findings)
              .set({ status: 'resolved', resolvedAt: now, updatedAt: now, muteReason: null, muteApprover: null, muteExpiresAt: null })
              .where(eq(findings.id, f.id));
            await record(tx, workspaceId, f, 'resolved', 'vigil', f.status, 'resolved', now, note);
          }
        }
        // stale and error say nothing about the resource itself: findings stay as they are.
      }
    },

    async list(workspaceId: string, filter: FindingFilter = {}, page: { limit?: number; offset?: number } = {}) {
      const conds: SQL[] = [eq(findings.workspaceId, workspaceId)];
      if (filter.status?.length) conds.push(inArray(findings.status, filter.status));
      // Owners are email addresses: matched without regard to case, as the API's work queue does.
      if (filter.owner) conds.push(sql`lower(${findings.owner}) = ${filter.owner.toLowerCase()}`);
      if (filter.severity?.length) conds.push(inArray(findings.severity, filter.severity));
      if (filter.checkId) conds.push(eq(findings.checkId, filter.checkId));
      if (filter.source) conds.push(eq(findings.source, filter.source));
      if (filter.control) conds.push(sql`${filter.control} = ANY(${findings.controls})`);
      return db.orm
        .select()
        .from(findings)
        .where(and(...conds))
        .orderBy(asc(findings.dueAt), asc(findings.id))
        .limit(page.limit ?? 1000)
        .offset(page.offset ?? 0);
    },

    async get(workspaceId: string, id: string): Promise<FindingRow> {
      const [f] = await db.orm.select().from(findings).where(and(eq(findings.workspaceId, workspaceId), eq(findings.id, id)));
      if (!f) throw notFound(`no finding ${id} in this workspace`, { hint: 'list them with `vigil findings`' });
      return f;
    },

    async history(workspaceId: string, id: string) {
      return db.orm
        .select()
        .from(findingEvents)
        .where(and(eq(findingEvents.workspaceId, workspaceId), eq(findingEvents.findingId, id)))
        .orderBy(asc(findingEvents.at), asc(findingEvents.id));
    },

    async acknowledge(workspaceId: string, id: string, actor: string, note?: string) {
      return db.orm.transaction(async (tx) => {
        const f = await byId(tx, workspaceId, id);
        if (f.status !== 'open') throw conflict(`finding ${id} is ${f.status}; only an open finding can be acknowledged`);
        const now = clock.now();
        await tx.update(findings).set({ status: 'acknowledged', updatedAt: now }).where(eq(findings.id, id));
        await record(tx, workspaceId, f, 'acknowledged', actor, 'open', 'acknowledged', now, note);
        return { ...f, status: 'acknowledged' as const, updatedAt: now };
      });
    },

    async assign(workspaceId: string, id: string, owner: string, actor: string) {
      if (!owner.trim()) throw invalidInput('an owner is required', { where: '--owner' });
      return db.orm.transaction(async (tx) => {
        const f = await byId(tx, workspaceId, id);
        const now = clock.now();
        await tx.update(findings).set({ owner, updatedAt: now }).where(eq(findings.id, id));
        await record(tx, workspaceId, f, 'assigned', actor, f.status, f.status, now, `owner ${f.owner ?? '(none)'} → ${owner}`);
        return { ...f, owner, updatedAt: now };
      });
    },

    async mute(workspaceId: string, id: string, m: { reason: string; approver: string; expiresAt: Date }, actor: string) {
      if (!m.reason.trim()) throw invalidInput('a mute needs a reason', { where: '--reason' });
      if (!m.approver.trim()) throw invalidInput('a mute needs an approver', { where: '--approver' });
      const now = clock.now();
      if (!(m.expiresAt > now)) throw invalidInput('a mute must expire in the future', { where: '--until' });
      if (m.expiresAt > addDuration(now, 'P1Y')) {
        throw invalidInput('a mute may last at most one year; accept the risk again when it expires', { where: '--until' });
      }
      return db.orm.transaction(async (tx) => {
        const f = await byId(tx, workspaceId, id);
        if (f.status === 'resolved') throw conflict(`finding ${id} is resolved; there is nothing to mute`);
        await tx
          .update(findings)
          .set({ status: 'muted', muteReason: m.reason, muteApprover: m.approver, muteExpiresAt: m.expiresAt, updatedAt: now })
          .where(eq(findings.id, id));
        await record(
          tx,
          workspaceId,
          f,
          'muted',
          actor,
          f.status,
          'muted',
          now,
          `${m.reason} (approved by ${m.approver}, until ${m.expiresAt.toISOString()})`,
        );
        return { ...f, status: 'muted' as const, muteReason: m.reason, muteApprover: m.approver, muteExpiresAt: m.expiresAt };
      });
    },

    /**
     * Time-driven transitions: expired mutes reopen; alerts for mutes about to expire, SLAs at
     * risk (a share of the time elapsed) and SLAs breached — each alert once per finding cycle.
     */
    async sweep(workspaceId: string, opts: { atRiskShare: number; muteWarning: string }) {
      const now = clock.now();
      const counts = { unmuted: 0, atRisk: 0, breached: 0, muteExpiring: 0 };
      await db.orm.transaction(async (tx) => {
        const active = await tx
          .select()
          .from(findings)
          .where(and(eq(findings.workspaceId, workspaceId), inArray(findings.status, ACTIVE)))
          .for('update');
        for (const f of active) {
          if (f.status === 'muted' && f.muteExpiresAt && f.muteExpiresAt <= now) {
            await tx
              .update(findings)
              .set({ status: 'open', muteReason: null, muteApprover: null, muteExpiresAt: null, updatedAt: now })
              .where(eq(findings.id, f.id));
            await record(tx, workspaceId, f, 'mute_expired', 'vigil', 'muted', 'open', now, f.muteReason ?? undefined);
            await alerts.raise(
              workspaceId,
              { kind: 'finding.reopened', payload: { ...findingPayload(f), reopenedAt: now.toISOString(), previouslyResolvedAt: null, reopenedCount: f.reopenedCount + 1 } },
              tx,
            );
            counts.unmuted++;
            continue;
          }
          if (f.status === 'muted' && f.muteExpiresAt && addDuration(now, opts.muteWarning) >= f.muteExpiresAt) {
            await alerts.raise(
              workspaceId,
              {
                kind: 'mute.expiring',
                payload: { ...findingPayload(f), mute: { reason: f.muteReason ?? '', approver: f.muteApprover ?? '', expiresAt: f.muteExpiresAt.toISOString() } },
              },
              tx,
            );
            counts.muteExpiring++;
          }
          if (f.status === 'muted') continue;
          const total = f.dueAt.getTime() - f.openedAt.getTime();
          const elapsed = now.getTime() - f.openedAt.getTime();
          if (now >= f.dueAt && !f.alertedBreach) {
            await tx.update(findings).set({ alertedBreach: now, alertedAtRisk: f.alertedAtRisk ?? now }).where(eq(findings.id, f.id));
            await alerts.raise(workspaceId, { kind: 'finding.sla_breached', payload: findingPayload(f) }, tx);
            counts.breached++;
          } else if (now < f.dueAt && total > 0 && elapsed / total >= opts.atRiskShare && !f.alertedAtRisk) {
            await tx.update(findings).set({ alertedAtRisk: now }).where(eq(findings.id, f.id));
            await alerts.raise(
              workspaceId,
              { kind: 'finding.sla_at_risk', payload: { ...findingPayload(f), elapsedShare: Math.min(1, elapsed / total) } },
              tx,
            );
            counts.atRisk++;
          }
        }
      });
      return counts;
    },
  };
}

export type FindingService = ReturnType<typeof createFindingService>;

export function findingPayload(f: FindingRow): FindingAlertPayload {
  return {
    findingId: f.id,
    check: f.checkId,
    title: f.title,
    resource: f.resource,
    controls: f.controls,
    source: f.source,
    severity: f.severity as Severity,
    owner: f.owner,
    reason: f.reason,
    remediation: f.remediation,
    openedAt: f.openedAt.toISOString(),
    dueAt: f.dueAt.toISOString(),
  };
}

/** A finding as JSON for people and scripts (CLI `--json`, the API): ISO times, the mute folded in. */
export function findingView(f: FindingRow) {
  return {
    id: f.id,
    check: f.checkId,
    title: f.title,
    resource: f.resource,
    controls: f.controls,
    source: f.source,
    severity: f.severity,
    status: f.status,
    owner: f.owner,
    reason: f.reason,
    remediation: f.remediation,
    openedAt: f.openedAt.toISOString(),
    dueAt: f.dueAt.toISOString(),
    resolvedAt: f.resolvedAt?.toISOString() ?? null,
    reopenedCount: f.reopenedCount,
    mute: f.muteReason ? { reason: f.muteReason, approver: f.muteApprover, expiresAt: f.muteExpiresAt?.toISOString() ?? null } : null,
    updatedAt: f.updatedAt.toISOString(),
  };
}
