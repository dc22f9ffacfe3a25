/**
 * Audit events: sign-ins, MFA resets and membership changes, collected incrementally. Acme People
 * returns a cursor with every page, also the last one, so the next run resumes exactly there.
 */
import { z } from 'zod';
import { DAY_MS } from '../../../lib/clock.ts';
import { defineEvents, type RunContext } from '../../sdk/index.ts';
import type { AcmePeopleConfig } from '../config.ts';

export const auditEventSchema = z.object({
  id: z.string().describe('Acme People event id (evt_…), unique.'),
  type: z.string().describe('Event type, e.g. user.login, user.mfa.reset, group.member.added.'),
  actorId: z.string().describe('Id of the user who acted.'),
  targetId: z.string().nullable().describe('Id of the user or group acted on, when there is one.'),
  occurredAt: z.iso.datetime().describe('When it happened (UTC).'),
  ip: z.string().nullable().describe('Source IP address of the request, when known.'),
});

interface ApiEventsPage {
  events: { id: string; type: string; actor_id: string; target_id: string | null; occurred_at: string; ip: string | null }[];
  next_cursor: string;
  has_more: boolean;
}

export const auditEvents = defineEvents({
  name: 'audit-events',
  description: 'Directory audit log: sign-ins, MFA changes, group membership changes.',
  schema: auditEventSchema,
  key: 'id',
  time: 'occurredAt',
  async *list(ctx: RunContext<AcmePeopleConfig>, cursor: string | null) {
    const since = new Date(ctx.clock.now().getTime() - ctx.config.auditLookbackDays * DAY_MS).toISOString();
    let query: Record<string, string | number> = cursor ? { cursor, limit: 100 } : { since, limit: 100 };
    for (let more = true; more; ) {
      const page = await ctx.http.get<ApiEventsPage>('/v1/audit-events', { query });
      yield {
        rows: page.events.map((e) => ({ id: e.id, type: e.type, actorId: e.actor_id, targetId: e.target_id, occurredAt: e.occurred_at, ip: e.ip })),
        cursor: page.next_cursor,
      };
      more = page.has_more;
      query = { cursor: page.next_cursor, limit: 100 };
    }
  },
});
