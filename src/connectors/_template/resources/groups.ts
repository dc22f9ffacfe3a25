/** Groups and their members: who holds which access, for access reviews. */
import { z } from 'zod';
import { defineResource, paginateCursor, type RunContext } from '../../sdk/index.ts';
import type { AcmePeopleConfig } from '../config.ts';

export const groupSchema = z.object({
  id: z.string().describe('Acme People group id (grp_…).'),
  name: z.string().describe('Group name as shown in Acme People.'),
  memberIds: z.array(z.string()).describe('Ids of the users in the group (see the users resource).'),
});

interface ApiGroupsPage {
  groups: { id: string; name: string; member_ids: string[] }[];
  next_cursor: string | null;
}

export const groups = defineResource({
  name: 'groups',
  description: 'Every group in the directory with its members.',
  schema: groupSchema,
  primaryKey: 'id',
  async *list(ctx: RunContext<AcmePeopleConfig>) {
    const pages = paginateCursor(ctx.http, '/v1/groups', {
      query: { page_size: 50 },
      cursorParam: 'cursor',
      items: (b) => (b as ApiGroupsPage).groups,
      nextCursor: (b) => (b as ApiGroupsPage).next_cursor,
    });
    for await (const page of pages) yield page.items.map((g) => ({ id: g.id, name: g.name, memberIds: g.member_ids }));
  },
});
