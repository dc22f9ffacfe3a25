/** Groups and their members: who holds which access, for access reviews and role-based grants. */
import { z } from 'zod';
import { isVigilError } from '../../../lib/errors.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import { oktaPages, type ApiGroup, type ApiUser } from '../api.ts';
import type { OktaConfig } from '../config.ts';

export const groupSchema = z.object({
  id: z.string().describe('Okta group id (00g…).'),
  name: z.string().describe('Group name (profile.name).'),
  description: z.string().nullable().describe('Group description (profile.description), when set.'),
  type: z.string().describe('OKTA_GROUP (managed in Okta), APP_GROUP (imported from a directory or app) or BUILT_IN (Everyone).'),
  created: z.iso.datetime().describe('When the group was created (UTC).'),
  lastUpdated: z.iso.datetime().describe("When the group's profile last changed (UTC)."),
  lastMembershipUpdated: z.iso.datetime().describe('When a member was last added or removed (UTC).'),
  memberIds: z.array(z.string()).describe('Ids of the users in the group (see the users resource).'),
  memberCount: z.number().int().describe('How many users are in the group.'),
});

/** Member ids, or undefined when the group was deleted since the listing (a race, not a failure). */
async function membersOf(ctx: RunContext<OktaConfig>, group: ApiGroup): Promise<string[] | undefined> {
  const ids: string[] = [];
  try {
    for await (const members of oktaPages<ApiUser>(ctx, `/api/v1/groups/${encodeURIComponent(group.id)}/users`, { limit: ctx.config.pageSize })) {
      ids.push(...members.map((m) => m.id));
    }
  } catch (e) {
    if (isVigilError(e) && e._tag === 'NotFound') return undefined;
    throw e;
  }
  return ids;
}

export const groups = defineResource({
  name: 'groups',
  description: 'Every group in the Okta org with the ids of its members.',
  schema: groupSchema,
  primaryKey: 'id',
  async *list(ctx: RunContext<OktaConfig>) {
    for await (const page of oktaPages<ApiGroup>(ctx, '/api/v1/groups', { limit: ctx.config.pageSize })) {
      const rows = [];
      for (const g of page) {
        const memberIds = await membersOf(ctx, g);
        if (!memberIds) continue;
        rows.push({
          id: g.id,
          name: g.profile.name,
          description: g.profile.description ?? null,
          type: g.type,
          created: g.created,
          lastUpdated: g.lastUpdated,
          lastMembershipUpdated: g.lastMembershipUpdated,
          memberIds,
          memberCount: memberIds.length,
        });
      }
      yield rows;
    }
  },
});
