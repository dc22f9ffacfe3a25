/**
 * Audit periods and the auditors invited to them. An auditor sees only what falls inside the
 * periods they are invited to (see src/server/auth/scope.ts); admins define the periods.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { auditPeriodAuditors } from '../db/schema/audit-period-auditors.ts';
import { auditPeriods, type AuditPeriodRow } from '../db/schema/audit-periods.ts';
import { users } from '../db/schema/users.ts';
import type { Clock } from '../lib/clock.ts';
import { invalidInput, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';

export interface AuditPeriod extends AuditPeriodRow {
  auditors: { id: string; email: string; name: string }[];
}

export interface PeriodInput {
  name: string;
  startsAt: Date;
  endsAt: Date;
  auditorIds: string[];
}

/** Two years: a Type II window is 3–12 months; more is almost certainly a typo. */
const MAX_PERIOD_MS = 2 * 366 * 86_400_000;

export function createAuditPeriodService({ db, clock }: { db: Database; clock: Clock }, workspaceId: string) {
  const orm = db.orm;

  async function checkAuditors(ids: string[]): Promise<void> {
    if (!ids.length) return;
    const found = await orm
      .select({ id: users.id, role: users.role, email: users.email })
      .from(users)
      .where(and(eq(users.workspaceId, workspaceId), inArray(users.id, ids)));
    for (const id of ids) {
      const u = found.find((f) => f.id === id);
      if (!u) throw invalidInput(`no user ${id} in this workspace`, { where: 'auditorIds' });
      if (u.role !== 'auditor') throw invalidInput(`${u.email} is a ${u.role}, not an auditor; only auditors are invited to periods`, { where: 'auditorIds' });
    }
  }

  function checkWindow(startsAt: Date, endsAt: Date): void {
    if (!(endsAt > startsAt)) throw invalidInput('an audit period must end after it starts', { where: 'endsAt' });
    if (endsAt.getTime() - startsAt.getTime() > MAX_PERIOD_MS) throw invalidInput('an audit period may last at most two years', { where: 'endsAt' });
  }

  async function withAuditors(rows: AuditPeriodRow[]): Promise<AuditPeriod[]> {
    if (!rows.length) return [];
    const links = await orm
      .select({ periodId: auditPeriodAuditors.periodId, id: users.id, email: users.email, name: users.name })
      .from(auditPeriodAuditors)
      .innerJoin(users, eq(users.id, auditPeriodAuditors.userId))
      .where(and(eq(auditPeriodAuditors.workspaceId, workspaceId), inArray(auditPeriodAuditors.periodId, rows.map((r) => r.id))))
      .orderBy(asc(users.email));
    return rows.map((r) => ({ ...r, auditors: links.filter((l) => l.periodId === r.id).map(({ id, email, name }) => ({ id, email, name })) }));
  }

  async function setAuditorRows(periodId: string, ids: string[], invitedBy: string) {
    await orm.delete(auditPeriodAuditors).where(and(eq(auditPeriodAuditors.workspaceId, workspaceId), eq(auditPeriodAuditors.periodId, periodId)));
    const now = clock.now();
    const unique = [...new Set(ids)];
    if (unique.length) await orm.insert(auditPeriodAuditors).values(unique.map((userId) => ({ workspaceId, periodId, userId, invitedAt: now, invitedBy })));
  }

  return {
    /** Every period, or only those `auditorId` is invited to; newest first. */
    async list(filter: { auditorId?: string } = {}): Promise<AuditPeriod[]> {
      const base = orm.select({ p: auditPeriods }).from(auditPeriods);
      const rows = filter.auditorId
        ? await base
            .innerJoin(auditPeriodAuditors, eq(auditPeriodAuditors.periodId, auditPeriods.id))
            .where(and(eq(auditPeriods.workspaceId, workspaceId), eq(auditPeriodAuditors.userId, filter.auditorId)))
            .orderBy(asc(auditPeriods.startsAt), asc(auditPeriods.id))
        : await base.where(eq(auditPeriods.workspaceId, workspaceId)).orderBy(asc(auditPeriods.startsAt), asc(auditPeriods.id));
      return withAuditors(rows.map((r) => r.p).reverse());
    },

    async get(id: string): Promise<AuditPeriod> {
      const [row] = await orm.select().from(auditPeriods).where(and(eq(auditPeriods.workspaceId, workspaceId), eq(auditPeriods.id, id)));
      if (!row) throw notFound(`no audit period ${id}`);
      return (await withAuditors([row]))[0]!;
    },

    async create(input: PeriodInput, createdBy: string): Promise<AuditPeriod> {
      checkWindow(input.startsAt, input.endsAt);
      const name = input.name.trim();
      if (!name) throw invalidInput('an audit period needs a name', { where: 'name' });
      await checkAuditors(input.auditorIds);
      const now = clock.now();
      const id = newId('aud', now.getTime());
      await orm.insert(auditPeriods).values({ id, workspaceId, name, startsAt: input.startsAt, endsAt: input.endsAt, createdBy, createdAt: now });
      await setAuditorRows(id, input.auditorIds, createdBy);
      return this.get(id);
    },

    /** Replace the auditors invited to a period. */
    async setAuditors(id: string, auditorIds: string[], invitedBy: string): Promise<AuditPeriod> {
      await this.get(id);
      await checkAuditors(auditorIds);
      await setAuditorRows(id, auditorIds, invitedBy);
      return this.get(id);
    },

    async remove(id: string): Promise<void> {
      await this.get(id);
      await orm.delete(auditPeriods).where(and(eq(auditPeriods.workspaceId, workspaceId), eq(auditPeriods.id, id)));
    },

    /** The windows an auditor may see: [startsAt, endsAt) of each period they are invited to. */
    async windowsOf(userId: string): Promise<{ id: string; from: Date; to: Date }[]> {
      const rows = await orm
        .select({ id: auditPeriods.id, from: auditPeriods.startsAt, to: auditPeriods.endsAt })
        .from(auditPeriods)
        .innerJoin(auditPeriodAuditors, eq(auditPeriodAuditors.periodId, auditPeriods.id))
        .where(and(eq(auditPeriods.workspaceId, workspaceId), eq(auditPeriodAuditors.userId, userId)))
        .orderBy(asc(auditPeriods.startsAt));
      return rows;
    },
  };
}

export type AuditPeriodService = ReturnType<typeof createAuditPeriodService>;
