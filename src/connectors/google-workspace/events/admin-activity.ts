/**
 * The Admin console audit log from the Reports API: users created, suspended, deleted, renamed,
 * admin roles assigned, 2SV and security settings changed — who did it, from where, when. Google
 * answers newest first, so the cursor (the time of the newest event read) only moves on the last
 * page: a run that fails half-way starts again from the old cursor, and the engine drops the
 * events it already has by their key. `startTime` is inclusive, so the newest event of the last run
 * comes again each time and is dropped the same way.
 */
import { z } from 'zod';
import { DAY_MS } from '../../../lib/clock.ts';
import { defineEvents, type RunContext } from '../../sdk/index.ts';
import { googlePages } from '../api.ts';
import type { GoogleWorkspaceConfig } from '../config.ts';

export const ADMIN_ACTIVITY_PATH = '/admin/reports/v1/activity/users/all/applications/admin';
/** Google's largest page for activities. */
export const ACTIVITY_PAGE_SIZE = 1000;

const paramValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]);

export const adminActivitySchema = z.object({
  id: z.string().describe('Unique key of the event: the activity’s time and uniqueQualifier, and the event’s position in the activity.'),
  time: z.iso.datetime().describe('When the activity happened (UTC).'),
  uniqueQualifier: z.string().describe('Google’s qualifier that tells apart activities with the same time.'),
  actorEmail: z.string().nullable().describe('Email of the administrator who acted; null for an action by Google or a key-based caller.'),
  actorProfileId: z.string().nullable().describe('Google profile id of the actor.'),
  actorCallerType: z.string().nullable().describe('Kind of actor: USER, or KEY for an API caller identified by an OAuth client key.'),
  ipAddress: z.string().nullable().describe('IP address the administrator acted from, when Google knows it.'),
  eventType: z.string().describe('Group of the event, e.g. USER_SETTINGS, DELEGATED_ADMIN_SETTINGS, SECURITY_SETTINGS.'),
  eventName: z.string().describe('What happened, e.g. CREATE_USER, SUSPEND_USER, DELETE_USER, ASSIGN_ROLE, GRANT_ADMIN_PRIVILEGE, ENFORCE_STRONG_AUTHENTICATION.'),
  parameters: z
    .record(z.string(), paramValue)
    .describe('The event’s parameters by name, e.g. USER_EMAIL (the account acted on), ROLE_NAME, SETTING_NAME, OLD_VALUE, NEW_VALUE.'),
});

export type GoogleAdminActivityRow = z.output<typeof adminActivitySchema>;

interface ApiParameter {
  name: string;
  value?: string;
  intValue?: string;
  boolValue?: boolean;
  multiValue?: string[];
  multiIntValue?: string[];
}

export interface ApiActivity {
  id: { time: string; uniqueQualifier: string; applicationName?: string; customerId?: string };
  actor?: { callerType?: string; email?: string; profileId?: string; key?: string } | null;
  ipAddress?: string;
  events?: { type?: string; name: string; parameters?: ApiParameter[] }[];
}

function valueOf(p: ApiParameter): z.output<typeof paramValue> | undefined {
  if (p.value !== undefined) return p.value;
  // int64 arrives as a decimal string; a number is exact for every realistic count and id here.
  if (p.intValue !== undefined) return Number(p.intValue);
  if (p.boolValue !== undefined) return p.boolValue;
  if (p.multiValue !== undefined) return p.multiValue;
  if (p.multiIntValue !== undefined) return p.multiIntValue.map(Number);
  return undefined;
}

export function toActivityRows(a: ApiActivity): GoogleAdminActivityRow[] {
  return (a.events ?? []).map((e, i) => {
    const parameters: Record<string, z.output<typeof paramValue>> = {};
    for (const p of e.parameters ?? []) {
      const v = valueOf(p);
      if (v !== undefined) parameters[p.name] = v;
    }
    return {
      id: `${a.id.time}/${a.id.uniqueQualifier}/${i}`,
      time: a.id.time,
      uniqueQualifier: a.id.uniqueQualifier,
      actorEmail: a.actor?.email ?? null,
      actorProfileId: a.actor?.profileId ?? null,
      actorCallerType: a.actor?.callerType ?? null,
      ipAddress: a.ipAddress ?? null,
      eventType: e.type ?? 'UNKNOWN',
      eventName: e.name,
      parameters,
    };
  });
}

export const adminActivity = defineEvents({
  name: 'admin-activity',
  description: 'The Admin console audit log (Reports API, application admin): account, role and security-setting changes by administrators.',
  schema: adminActivitySchema,
  key: 'id',
  time: 'time',
  async *list(ctx: RunContext<GoogleWorkspaceConfig>, cursor: string | null) {
    const start = cursor ?? new Date(ctx.clock.now().getTime() - ctx.config.auditLookbackDays * DAY_MS).toISOString();
    const query = {
      startTime: start,
      maxResults: ACTIVITY_PAGE_SIZE,
      // my_customer is implied by the admin's own account; another customer is named explicitly.
      ...(ctx.config.customer === 'my_customer' ? {} : { customerId: ctx.config.customer }),
    };
    let newest = Date.parse(start);
    let previous: GoogleAdminActivityRow[] | undefined;
    for await (const page of googlePages<ApiActivity>(ctx, ADMIN_ACTIVITY_PATH, 'items', query)) {
      // Hold each page back by one, so the last page can carry the new cursor.
      if (previous) yield { rows: previous, cursor: start };
      previous = page.flatMap(toActivityRows);
      for (const r of previous) newest = Math.max(newest, Date.parse(r.time));
    }
    yield { rows: previous ?? [], cursor: new Date(newest).toISOString() };
  },
});
