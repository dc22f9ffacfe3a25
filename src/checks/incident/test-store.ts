/**
 * For the incident checks' tests: a fresh workspace per test, rows stored exactly as the collection
 * engine stores the PagerDuty and Jira connectors' output (validated against the connectors' own
 * schemas, keyed by their primary keys), and builders of complete rows to override field by field.
 */
import type { z } from 'zod';
import { jira } from '../../connectors/jira/index.ts';
import { pagerduty } from '../../connectors/pagerduty/index.ts';
import type { AnyConnector } from '../../connectors/sdk/index.ts';
import type { Database } from '../../db/client.ts';
import { createWorkspaceRepo } from '../../db/repositories/workspaces.ts';
import { resources } from '../../db/schema/resources.ts';
import type { CheckDefinition, CheckResult } from '../sdk/define.ts';
import { createInputReader } from '../sdk/inputs.ts';

let counter = 0;

export interface IncidentStore {
  workspaceId: string;
  /** Store a PagerDuty incident row; returns its result id. */
  incident(row: Record<string, unknown>): Promise<string>;
  /** Store a Jira issue row; returns its result id. */
  issue(row: Record<string, unknown>): Promise<string>;
  evaluate<P extends z.ZodType>(check: CheckDefinition<P>, now: Date, params?: Partial<z.input<P>>): Promise<CheckResult[]>;
}

export async function createIncidentStore(db: Database): Promise<IncidentStore> {
  const ws = await createWorkspaceRepo(db.orm).ensure(`incident-checks-${process.pid}-${++counter}`, 'Incident checks');
  const put = async (connector: AnyConnector, source: string, row: Record<string, unknown>) => {
    const resource = connector.resources[0]!;
    const data = resource.schema.parse(row) as Record<string, unknown>;
    const key = String(data[resource.primaryKey as string]);
    const type = `${connector.id}.${resource.name}`;
    const t = new Date('2026-01-01T00:00:00Z');
    await db.orm.insert(resources).values({ workspaceId: ws.id, source, type, key, data, dataHash: key, firstSeenAt: t, lastSeenAt: t, changedAt: t, evidenceId: `ev_${type}_${key}` });
    return `${type}/${key}`;
  };
  return {
    workspaceId: ws.id,
    incident: (row) => put(pagerduty, 'pagerduty', row),
    issue: (row) => put(jira, 'jira', row),
    async evaluate(check, now, params = {}) {
      const results = await check.evaluate({ workspaceId: ws.id, params: check.params.parse(params), now, inputs: createInputReader(db.orm, ws.id) });
      return [...results].sort((a, b) => a.resource.localeCompare(b.resource));
    },
  };
}

const MINUTE = 60_000;
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * MINUTE).toISOString();

/** A resolved P2 incident: triggered at `createdAt`, acknowledged `ackMin` and resolved `resolveMin` minutes later. */
export function pdIncident(o: { id: string; number: number; createdAt: string; ackMin?: number | null; resolveMin?: number | null } & Record<string, unknown>) {
  const { ackMin = 5, resolveMin = 120, ...rest } = o;
  return {
    title: `Incident ${o.number}`,
    status: resolveMin === null ? (ackMin === null ? 'triggered' : 'acknowledged') : 'resolved',
    urgency: 'high',
    priority: 'P2',
    service: 'Checkout API',
    serviceId: 'PSVC001',
    escalationPolicy: 'Platform on-call',
    teams: ['Platform'],
    acknowledgedAt: ackMin === null ? null : plus(o.createdAt, ackMin),
    acknowledgedBy: ackMin === null ? null : 'Alice Moreau',
    resolvedAt: resolveMin === null ? null : plus(o.createdAt, resolveMin),
    resolvedBy: resolveMin === null ? null : 'Alice Moreau',
    timeline: [],
    notes: [],
    htmlUrl: `https://acme.pagerduty.com/incidents/${o.id}`,
    ...rest,
  };
}

/** A Jira issue of `kind`, created at `createdAt`; unresolved unless `resolvedAt` is given. */
export function jiraIssue(o: { key: string; kind: string; createdAt: string } & Record<string, unknown>) {
  const resolved = typeof o.resolvedAt === 'string';
  return {
    id: o.key.replace(/\D/g, ''),
    project: 'OPS',
    issueType: { incident: 'Incident', 'corrective-action': 'Corrective Action', postmortem: 'Post-incident review', exercise: 'Task' }[o.kind] ?? 'Task',
    summary: `Issue ${o.key}`,
    status: resolved ? 'Done' : 'In Progress',
    statusCategory: resolved ? 'done' : 'indeterminate',
    priority: 'High',
    severity: null,
    labels: [],
    assignee: 'Ben Okafor',
    assigneeAccountId: 'acc-ben',
    reporter: 'Alice Moreau',
    updatedAt: o.createdAt,
    resolvedAt: null,
    resolution: resolved ? 'Done' : null,
    dueDate: null,
    statusHistory: [],
    links: [],
    rootCause: null,
    postmortem: null,
    postmortemAt: null,
    pagerdutyIncident: null,
    approvals: [],
    url: `https://acme.atlassian.net/browse/${o.key}`,
    ...o,
  };
}

/** A link as the connector stores it. */
export const link = (key: string, relation = 'relates to') => ({ key, relation, issueType: null, status: null });
