/**
 * Admin role assignments: every administrator role each user holds, assigned directly or through
 * a group — the population of privileged access. One request per user that is not DEPROVISIONED.
 */
import { z } from 'zod';
import { isVigilError } from '../../../lib/errors.ts';
import { defineResource, type RunContext } from '../../sdk/index.ts';
import { mapLimit, oktaList, type ApiRoleAssignment, type ApiUser } from '../api.ts';
import type { OktaConfig } from '../config.ts';
import { listCurrentUsers } from './users.ts';

export const adminRoleSchema = z.object({
  id: z.string().describe('Id of the role assignment (or of the custom role binding).'),
  userId: z.string().describe('Id of the user who holds the role (see the users resource).'),
  userLogin: z.string().describe("The user's Okta username, for reading the row without a join."),
  type: z
    .string()
    .describe('Role type: SUPER_ADMIN, ORG_ADMIN, APP_ADMIN, USER_ADMIN, HELP_DESK_ADMIN, READ_ONLY_ADMIN, GROUP_MEMBERSHIP_ADMIN, API_ACCESS_MANAGEMENT_ADMIN, REPORT_ADMIN, MOBILE_ADMIN, CUSTOM, …'),
  label: z.string().describe('Role name as shown in the Admin Console, e.g. "Super Administrator".'),
  status: z.string().describe('Assignment status (ACTIVE when the role is in force).'),
  assignmentType: z.string().describe('USER when assigned to the user directly, GROUP when held through a group.'),
  customRoleId: z.string().nullable().describe('For a CUSTOM role: the id of the custom role; null for standard roles.'),
  resourceSet: z.string().nullable().describe('For a CUSTOM role: the resource set it applies to; null for standard roles.'),
  created: z.iso.datetime().describe('When the role was assigned (UTC).'),
  lastUpdated: z.iso.datetime().describe('When the assignment last changed (UTC).'),
});

async function rolesOf(ctx: RunContext<OktaConfig>, user: ApiUser): Promise<z.output<typeof adminRoleSchema>[]> {
  let roles: ApiRoleAssignment[];
  try {
    roles = await oktaList<ApiRoleAssignment>(ctx, `/api/v1/users/${encodeURIComponent(user.id)}/roles`);
  } catch (e) {
    // Deleted since the listing: a race, not a failure.
    if (isVigilError(e) && e._tag === 'NotFound') return [];
    throw e;
  }
  return roles.map((r) => ({
    id: r.id,
    userId: user.id,
    userLogin: user.profile.login,
    type: r.type,
    label: r.label,
    status: r.status,
    assignmentType: r.assignmentType,
    customRoleId: r.role ?? null,
    resourceSet: r['resource-set'] ?? null,
    created: r.created,
    lastUpdated: r.lastUpdated,
  }));
}

export const adminRoles = defineResource({
  name: 'admin-roles',
  description: 'Every administrator role held by a user that is not DEPROVISIONED, directly or through a group.',
  schema: adminRoleSchema,
  primaryKey: ['userId', 'id'],
  async *list(ctx: RunContext<OktaConfig>) {
    for await (const page of listCurrentUsers(ctx)) {
      const rows = (await mapLimit(page, ctx.config.concurrency, (u) => rolesOf(ctx, u))).flat();
      if (rows.length) yield rows;
    }
  },
});
