/**
 * Test data for the HR-driven access checks (tests only): a fresh workspace, and stored rows shaped
 * exactly as the connectors write them — each builder validates its row against the connector's own
 * schema, so a connector changing its fields fails these tests instead of silently blinding a check.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { employeeSchema as bambooSchema } from '../../connectors/bamboohr/resources/employees.ts';
import { auditLogEventSchema } from '../../connectors/github/events/audit-log.ts';
import { memberSchema } from '../../connectors/github/resources/members.ts';
import { employeeSchema as csvSchema } from '../../connectors/hris-csv/resources/employees.ts';
import { systemLogEventSchema } from '../../connectors/okta/events/system-log.ts';
import { userSchema as oktaSchema } from '../../connectors/okta/resources/users.ts';
import { cloudtrailEventSchema } from '../../connectors/aws/events/cloudtrail-events.ts';
import { accessKeySchema } from '../../connectors/aws/resources/iam-access-keys.ts';
import { iamUserSchema } from '../../connectors/aws/resources/iam-users.ts';
import { createTestDb, type TestDb } from '../../db/testing.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { events } from '../../db/schema/events.ts';
import { resources } from '../../db/schema/resources.ts';
import { createInputReader } from '../sdk/inputs.ts';
import type { AnyCheck, CheckResult } from '../sdk/define.ts';

export type CsvEmployee = z.input<typeof csvSchema>;
export type BambooEmployee = z.input<typeof bambooSchema>;
export type OktaUser = z.input<typeof oktaSchema>;
export type GithubMember = z.input<typeof memberSchema>;

export function csvEmployee(e: Partial<CsvEmployee> & Pick<CsvEmployee, 'email' | 'startDate'>): CsvEmployee {
  return csvSchema.parse({ name: e.email.split('@')[0], department: null, managerEmail: null, terminationDate: null, githubLogin: null, ...e });
}

export function bambooEmployee(e: Partial<BambooEmployee> & Pick<BambooEmployee, 'id' | 'startDate'>): BambooEmployee {
  return bambooSchema.parse({ email: null, name: `Employee ${e.id}`, jobTitle: null, department: null, managerId: null, managerEmail: null, status: 'Active', terminationDate: null, ...e });
}

export function oktaUser(u: Partial<OktaUser> & Pick<OktaUser, 'id' | 'login' | 'created'>): OktaUser {
  const status = u.status ?? 'ACTIVE';
  const statusChanged = u.statusChanged ?? null;
  return oktaSchema.parse({
    email: u.login,
    firstName: null,
    lastName: null,
    department: null,
    status,
    activated: u.created,
    statusChanged,
    deactivated: status === 'DEPROVISIONED' ? statusChanged : null,
    lastLogin: null,
    lastUpdated: statusChanged ?? u.created,
    passwordChanged: null,
    ...u,
  });
}

export function githubMember(m: Partial<GithubMember> & Pick<GithubMember, 'login' | 'id'>): GithubMember {
  return memberSchema.parse({ role: 'member', twoFactorEnabled: true, email: null, siteAdmin: false, ...m });
}

/** An Okta System Log lifecycle event (`user.lifecycle.suspend`, …) on a user, by an admin. */
export function oktaLifecycleEvent(uuid: string, eventType: string, userId: string, published: string): Record<string, unknown> {
  return systemLogEventSchema.parse({
    uuid,
    published,
    eventType,
    legacyEventType: null,
    displayMessage: null,
    severity: 'INFO',
    outcomeResult: 'SUCCESS',
    outcomeReason: null,
    actorId: '00u-admin',
    actorType: 'User',
    actorAlternateId: 'it-admin@acme.test',
    actorDisplayName: 'IT Admin',
    clientIpAddress: null,
    clientUserAgent: null,
    targets: [{ id: userId, type: 'User', alternateId: null, displayName: null }],
    transactionId: null,
    debugData: null,
  });
}

export type IamUser = z.input<typeof iamUserSchema>;
export type IamAccessKey = z.input<typeof accessKeySchema>;

export function iamUser(u: Partial<IamUser> & Pick<IamUser, 'userName'>): IamUser {
  return iamUserSchema.parse({
    arn: `arn:aws:iam::123456789012:user/${u.userName}`,
    userId: `AIDA${u.userName.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
    path: '/',
    createDate: '2024-01-08T10:00:00.000Z',
    passwordLastUsed: null,
    permissionsBoundaryArn: null,
    consolePassword: false,
    tags: {},
    ...u,
  });
}

export function iamAccessKey(k: Partial<IamAccessKey> & Pick<IamAccessKey, 'accessKeyId' | 'userName'>): IamAccessKey {
  return accessKeySchema.parse({ status: 'Active', createDate: '2026-03-01T10:00:00.000Z', lastUsedDate: null, lastUsedService: null, lastUsedRegion: null, lastUseKnown: true, ...k });
}

/** A successful CloudTrail IAM event (DeleteLoginProfile, UpdateAccessKey, …) with its request parameters, by an admin. */
export function cloudtrailIamEvent(eventId: string, eventName: string, eventTime: string, requestParameters: Record<string, unknown>): Record<string, unknown> {
  return cloudtrailEventSchema.parse({
    eventId,
    eventTime,
    eventName,
    eventSource: 'iam.amazonaws.com',
    region: 'us-east-1',
    username: 'it-admin',
    userIdentityType: 'IAMUser',
    userArn: 'arn:aws:iam::123456789012:user/it-admin',
    sourceIpAddress: '198.51.100.7',
    readOnly: false,
    errorCode: null,
    mfaUsed: true,
    resources: [],
    cloudTrailEvent: { eventVersion: '1.08', eventName, eventSource: 'iam.amazonaws.com', eventTime, requestParameters, responseElements: null },
  });
}

/** When a stored row was first seen, last changed, and (for one no longer collected) removed. */
export interface RowTimes {
  firstSeenAt?: string;
  changedAt?: string;
  deletedAt?: string;
}

export interface Seeded {
  db: TestDb;
  workspaceId: string;
  /** Store rows of `type` from `source`, keyed by `key`; evidence ids are `ev-<type>-<key>`. */
  put(type: string, source: string, key: string, rows: Record<string, unknown>[], times?: RowTimes): Promise<void>;
  /** Store events of `stream` from `source`, keyed by `key`, happening at `time`. */
  putEvents(stream: string, source: string, key: string, time: string, rows: Record<string, unknown>[]): Promise<void>;
  /** Store a GitHub audit-log `org.remove_member` event for `login` at `at`. */
  githubRemoval(login: string, at: string): Promise<void>;
  run(check: AnyCheck, now: string, params?: Record<string, unknown>): Promise<CheckResult[]>;
  close(): Promise<void>;
}

/** A workspace with nothing stored; pass `db` to add another workspace to an open database (closing it is then the caller's). */
export async function seed(options: { db?: TestDb; slug?: string } = {}): Promise<Seeded> {
  const db = options.db ?? (await createTestDb());
  const slug = options.slug ?? 'acme';
  const ws = await createWorkspaceRepo(db.orm).ensure(slug, slug);
  const at = new Date('2026-01-01T00:00:00Z');
  let removals = 0;
  return {
    db,
    workspaceId: ws.id,
    async put(type, source, key, rows, times = {}) {
      if (rows.length === 0) return;
      const changedAt = times.changedAt ? new Date(times.changedAt) : at;
      await db.orm.insert(resources).values(
        rows.map((data) => {
          const k = String(data[key]);
          return {
            workspaceId: ws.id,
            source,
            type,
            key: k,
            data,
            dataHash: createHash('sha256').update(JSON.stringify(data)).digest('hex'),
            firstSeenAt: times.firstSeenAt ? new Date(times.firstSeenAt) : changedAt,
            lastSeenAt: changedAt,
            changedAt,
            ...(times.deletedAt ? { deletedAt: new Date(times.deletedAt) } : {}),
            evidenceId: `ev-${type}-${k}`,
          };
        }),
      );
    },
    async putEvents(stream, source, key, time, rows) {
      if (rows.length === 0) return;
      await db.orm.insert(events).values(
        rows.map((data) => ({
          workspaceId: ws.id,
          source,
          stream,
          key: String(data[key]),
          occurredAt: new Date(String(data[time])),
          collectedAt: new Date(String(data[time])),
          data,
          evidenceId: `ev-${stream}-${String(data[key])}`,
        })),
      );
    },
    async githubRemoval(login, when) {
      const id = `audit-${++removals}`;
      const data = auditLogEventSchema.parse({ id, action: 'org.remove_member', actor: 'it-admin', user: login, repo: null, createdAt: when, countryCode: null, details: {} });
      await db.orm.insert(events).values({ workspaceId: ws.id, source: 'github', stream: 'github.audit-log', key: id, occurredAt: new Date(when), collectedAt: new Date(when), data, evidenceId: `ev-${id}` });
    },
    run: (check, now, params = {}) => check.evaluate({ workspaceId: ws.id, params: check.params.parse(params), now: new Date(now), inputs: createInputReader(db.orm, ws.id) }),
    close: () => (options.db ? Promise.resolve() : db.close()),
  };
}
