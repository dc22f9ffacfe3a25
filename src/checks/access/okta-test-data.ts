/**
 * Test data for the Okta identity checks (tests only): a fresh workspace, and stored rows shaped
 * exactly as the Okta connector writes them — every builder validates its row against the
 * connector's own schema, so a connector changing a field fails these tests instead of silently
 * blinding a check.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { systemLogEventSchema } from '../../connectors/okta/events/system-log.ts';
import { adminRoleSchema } from '../../connectors/okta/resources/admin-roles.ts';
import { factorSchema } from '../../connectors/okta/resources/factors.ts';
import { groupSchema } from '../../connectors/okta/resources/groups.ts';
import { userSchema } from '../../connectors/okta/resources/users.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { events } from '../../db/schema/events.ts';
import { resources } from '../../db/schema/resources.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import type { AnyCheck, CheckResult } from '../sdk/define.ts';
import { createInputReader } from '../sdk/inputs.ts';
import { OKTA_ADMIN_ROLES, OKTA_FACTORS, OKTA_GROUPS, OKTA_SYSTEM_LOG, OKTA_USERS } from './okta-rows.ts';

type Input<S extends z.ZodType> = z.input<S>;

export function user(u: Partial<Input<typeof userSchema>> & { id: string; created?: string }): z.output<typeof userSchema> {
  const login = u.login ?? `${u.id}@example.com`;
  const created = u.created ?? '2025-01-01T09:00:00.000Z';
  const status = u.status ?? 'ACTIVE';
  return userSchema.parse({
    login,
    email: login,
    firstName: null,
    lastName: null,
    department: null,
    status,
    created,
    activated: status === 'STAGED' ? null : created,
    statusChanged: null,
    deactivated: null,
    lastLogin: null,
    lastUpdated: created,
    passwordChanged: null,
    ...u,
  });
}

export function factor(userId: string, f: Partial<Input<typeof factorSchema>> = {}): z.output<typeof factorSchema> {
  const factorType = f.factorType ?? 'push';
  return factorSchema.parse({
    id: `fac-${userId}-${factorType}`,
    userId,
    userLogin: `${userId}@example.com`,
    factorType,
    provider: 'OKTA',
    vendorName: 'OKTA',
    status: 'ACTIVE',
    created: '2025-01-01T10:00:00.000Z',
    lastUpdated: '2025-01-01T10:00:00.000Z',
    ...f,
  });
}

export function role(userId: string, r: Partial<Input<typeof adminRoleSchema>> = {}): z.output<typeof adminRoleSchema> {
  const type = r.type ?? 'SUPER_ADMIN';
  return adminRoleSchema.parse({
    id: `ra-${userId}-${type}`,
    userId,
    userLogin: `${userId}@example.com`,
    type,
    label: type === 'SUPER_ADMIN' ? 'Super Administrator' : type,
    status: 'ACTIVE',
    assignmentType: 'USER',
    customRoleId: null,
    resourceSet: null,
    created: '2025-01-02T10:00:00.000Z',
    lastUpdated: '2025-01-02T10:00:00.000Z',
    ...r,
  });
}

export function group(id: string, memberIds: string[]): z.output<typeof groupSchema> {
  return groupSchema.parse({
    id,
    name: `Group ${id}`,
    description: null,
    type: 'OKTA_GROUP',
    created: '2025-01-01T00:00:00.000Z',
    lastUpdated: '2025-01-01T00:00:00.000Z',
    lastMembershipUpdated: '2025-01-01T00:00:00.000Z',
    memberIds,
    memberCount: memberIds.length,
  });
}

let eventSeq = 0;

/** A System Log event; `actor` is a user id (its login is `<id>@example.com`) or `unknown:<typed login>`. */
export function logEvent(e: { eventType: string; published: string; actor: string; outcome?: string; target?: { id: string; type: string; alternateId?: string }; privilege?: string; ip?: string; uuid?: string }) {
  const unknown = e.actor.startsWith('unknown:');
  return systemLogEventSchema.parse({
    uuid: e.uuid ?? `evt-${++eventSeq}`,
    published: e.published,
    eventType: e.eventType,
    legacyEventType: null,
    displayMessage: null,
    severity: 'INFO',
    outcomeResult: e.outcome ?? 'SUCCESS',
    outcomeReason: e.outcome === 'FAILURE' ? 'INVALID_CREDENTIALS' : null,
    actorId: unknown ? 'unknown' : e.actor,
    actorType: 'User',
    actorAlternateId: unknown ? e.actor.slice('unknown:'.length) : `${e.actor}@example.com`,
    actorDisplayName: null,
    clientIpAddress: e.ip ?? '198.51.100.7',
    clientUserAgent: null,
    targets: e.target ? [{ id: e.target.id, type: e.target.type, alternateId: e.target.alternateId ?? `${e.target.id}@example.com`, displayName: null }] : [],
    transactionId: null,
    debugData: e.privilege ? { privilegeGranted: e.privilege } : null,
  });
}

/** Failed sign-ins of `actor` at each of the given times. */
export const failedSignIns = (actor: string, times: string[]) => times.map((published) => logEvent({ eventType: 'user.session.start', published, actor, outcome: 'FAILURE' }));

const keyOf: Record<string, (row: Record<string, unknown>) => string> = {
  [OKTA_USERS]: (r) => String(r.id),
  [OKTA_GROUPS]: (r) => String(r.id),
  [OKTA_FACTORS]: (r) => `${r.userId}/${r.id}`,
  [OKTA_ADMIN_ROLES]: (r) => `${r.userId}/${r.id}`,
};

export interface OktaSeed {
  workspaceId: string;
  /** Store rows of an Okta resource type; evidence ids are `ev:<type>:<key>`. */
  put(type: string, rows: Record<string, unknown>[], source?: string): Promise<void>;
  /** Store System Log events; evidence ids are `ev:<uuid>`. */
  log(rows: Record<string, unknown>[], source?: string): Promise<void>;
  run(check: AnyCheck, now: string, params?: Record<string, unknown>): Promise<CheckResult[]>;
}

export { createTestDb };
export type { TestDb };

let workspaces = 0;

/**
 * A fresh, empty workspace in `db`. Checks read one workspace only, so tests of one file share a
 * database (opening one takes seconds) and each starts from nothing.
 */
export async function seedOkta(db: TestDb): Promise<OktaSeed> {
  const ws = await createWorkspaceRepo(db.orm).ensure(`okta-${process.pid}-${++workspaces}`, 'Okta test');
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    workspaceId: ws.id,
    async put(type, rows, source = 'okta') {
      if (rows.length === 0) return;
      await db.orm.insert(resources).values(
        rows.map((data) => {
          const key = keyOf[type]!(data);
          const dataHash = createHash('sha256').update(JSON.stringify(data)).digest('hex');
          return { workspaceId: ws.id, source, type, key, data, dataHash, firstSeenAt: at, lastSeenAt: at, changedAt: at, evidenceId: `ev:${type}:${key}` };
        }),
      );
    },
    async log(rows, source = 'okta') {
      for (let i = 0; i < rows.length; i += 1000) {
        await db.orm.insert(events).values(
          rows.slice(i, i + 1000).map((data) => ({
            workspaceId: ws.id,
            source,
            stream: OKTA_SYSTEM_LOG,
            key: String(data.uuid),
            occurredAt: new Date(String(data.published)),
            collectedAt: at,
            data,
            evidenceId: `ev:${String(data.uuid)}`,
          })),
        );
      }
    },
    run: (check, now, params = {}) => check.evaluate({ workspaceId: ws.id, params: check.params.parse(params), now: new Date(now), inputs: createInputReader(db.orm, ws.id) }),
  };
}
