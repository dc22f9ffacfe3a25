/** The organization itself: its plan and whether it requires two-factor authentication of members. */
import { z } from 'zod';
import { defineResource } from '../../sdk/index.ts';
import { githubGet, orgPath, type Ctx } from '../api.ts';

export const organizationSchema = z.object({
  login: z.string().describe('Organization login, as in https://github.com/<login>.'),
  id: z.number().int().describe('GitHub organization id.'),
  name: z.string().nullable().describe('Display name, when set.'),
  plan: z.string().nullable().describe('Billing plan (free, team, enterprise, …); null when the token is not an owner.'),
  twoFactorRequirementEnabled: z
    .boolean()
    .nullable()
    .describe('Whether the organization requires two-factor authentication of members and outside collaborators; null when the token is not an owner and GitHub hides it.'),
  createdAt: z.iso.datetime().describe('When the organization was created (UTC).'),
  htmlUrl: z.string().describe('Web address of the organization.'),
});

export interface ApiOrganization {
  login: string;
  id: number;
  name?: string | null;
  html_url: string;
  created_at: string;
  two_factor_requirement_enabled?: boolean | null;
  plan?: { name: string } | null;
}

export const organization = defineResource({
  name: 'organization',
  description: 'The organization: plan and the two-factor requirement setting (one row).',
  schema: organizationSchema,
  primaryKey: 'login',
  async *list(ctx: Ctx) {
    const o = await githubGet<ApiOrganization>(ctx, orgPath(ctx));
    yield {
      login: o.login,
      id: o.id,
      name: o.name ?? null,
      plan: o.plan?.name ?? null,
      twoFactorRequirementEnabled: o.two_factor_requirement_enabled ?? null,
      createdAt: o.created_at,
      htmlUrl: o.html_url,
    };
  },
});
