/**
 * GitHub (github.com and GitHub Enterprise Server): who is in the organization and whether they
 * use two-factor, how default branches are protected, every change merged into them with its
 * reviews and checks, commits that bypassed pull requests, security alerts, and the audit log.
 */
import { bearerAuth, defineConnector } from '../sdk/index.ts';
import { githubGet, orgPath } from './api.ts';
import { configSchema } from './config.ts';
import { auditLog } from './events/audit-log.ts';
import { branchProtections } from './resources/branch-protections.ts';
import { codeScanningAlerts } from './resources/code-scanning-alerts.ts';
import { defaultBranchCommits } from './resources/default-branch-commits.ts';
import { dependabotAlerts } from './resources/dependabot-alerts.ts';
import { members } from './resources/members.ts';
import { organization, type ApiOrganization } from './resources/organization.ts';
import { outsideCollaborators } from './resources/outside-collaborators.ts';
import { pullRequests } from './resources/pull-requests.ts';
import { repositories } from './resources/repositories.ts';

export const github = defineConnector({
  id: 'github',
  title: 'GitHub',
  description:
    'Organization members (role, two-factor, SAML identity), outside collaborators, repositories, default-branch protection, merged pull requests with reviews and checks, default-branch commits, Dependabot and code scanning alerts, and the audit log — from github.com or GitHub Enterprise Server.',
  configSchema,
  auth: {
    description:
      "A token sent as `Authorization: Bearer <token>`: an organization owner's personal access token, a fine-grained token, or a GitHub App installation token.",
    permissions: [
      'classic PAT: read:org, repo, security_events (and read:audit_log for the audit log); the token owner must be an organization owner to see two-factor status, branch protection and the audit log',
      'fine-grained token / GitHub App: Organization — Members: read, Administration: read; Repository — Metadata, Administration, Contents, Pull requests, Checks, Commit statuses, Dependabot alerts, Code scanning alerts: read',
    ],
    create: (config) => bearerAuth(config.token),
  },
  // GitHub's secondary limit allows about 900 REST requests a minute; stay below it.
  http: { rateLimit: { requestsPerSecond: 12, burst: 12 } },
  async testConnection(ctx) {
    const org = await githubGet<ApiOrganization>(ctx, orgPath(ctx));
    const plan = org.plan?.name;
    return {
      summary: `connected to the GitHub organization ${org.login}${plan ? ` (plan ${plan})` : ''}`,
      details: { organization: org.login, id: org.id, ...(plan ? { plan } : {}), ownerView: org.two_factor_requirement_enabled !== undefined && org.two_factor_requirement_enabled !== null },
    };
  },
  resources: [organization, members, outsideCollaborators, repositories, branchProtections, pullRequests, defaultBranchCommits, dependabotAlerts, codeScanningAlerts],
  events: [auditLog],
  notApplicable: [
    { status: 404, reason: 'the organization audit log API is only available on GitHub Enterprise Cloud', appliesTo: ['audit-log'] },
    { status: 404, reason: 'this GitHub (an older Enterprise Server?) has no organization-wide Dependabot alerts API', appliesTo: ['dependabot-alerts'] },
    { status: 404, reason: 'this GitHub (an older Enterprise Server?) has no organization-wide code scanning alerts API', appliesTo: ['code-scanning-alerts'] },
  ],
});

export default github;
