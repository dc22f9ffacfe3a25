/** Dependabot alerts of every repository in the organization: vulnerable dependencies and their fate. */
import { z } from 'zod';
import { defineResource } from '../../sdk/index.ts';
import { githubPages, orgPath, providerAnswer, type Ctx } from '../api.ts';

export const dependabotAlertSchema = z.object({
  ref: z.string().describe('owner/repo#number: the key.'),
  repository: z.string().describe('owner/name of the repository.'),
  number: z.number().int().describe('Alert number within the repository.'),
  state: z.string().describe('open, fixed, dismissed or auto_dismissed.'),
  severity: z.string().describe('Advisory severity: critical, high, medium or low.'),
  packageName: z.string().describe('The vulnerable package.'),
  ecosystem: z.string().describe('Package ecosystem (npm, pip, maven, …).'),
  manifestPath: z.string().describe('The manifest that declares the dependency.'),
  ghsaId: z.string().describe('GitHub Security Advisory id (GHSA-…).'),
  cveId: z.string().nullable().describe('CVE id, when the advisory has one.'),
  summary: z.string().describe('Advisory summary.'),
  createdAt: z.iso.datetime().describe('When the alert was raised (UTC): the start of the remediation SLA.'),
  fixedAt: z.iso.datetime().nullable().describe('When it was fixed (UTC).'),
  dismissedAt: z.iso.datetime().nullable().describe('When it was dismissed (UTC).'),
  dismissedReason: z.string().nullable().describe('Why it was dismissed: fix_started, inaccurate, no_bandwidth, not_used, tolerable_risk.'),
  dismissedBy: z.string().nullable().describe('Login of the person who dismissed it.'),
  dismissedComment: z.string().nullable().describe("The dismisser's comment, when they left one."),
  autoDismissedAt: z.iso.datetime().nullable().describe('When an auto-triage rule dismissed it (UTC; state auto_dismissed).'),
  htmlUrl: z.string().describe('Web address of the alert.'),
});

interface ApiDependabotAlert {
  number: number;
  state: string;
  dependency: { package: { ecosystem: string; name: string }; manifest_path: string };
  security_advisory: { ghsa_id: string; cve_id: string | null; summary: string; severity: string };
  security_vulnerability?: { severity: string };
  created_at: string;
  fixed_at: string | null;
  dismissed_at: string | null;
  dismissed_reason: string | null;
  dismissed_by: { login: string } | null;
  dismissed_comment: string | null;
  auto_dismissed_at?: string | null;
  html_url: string;
  repository: { full_name: string };
}

export const dependabotAlerts = defineResource({
  name: 'dependabot-alerts',
  description: 'Dependabot alerts of every repository in the organization, open and closed.',
  schema: dependabotAlertSchema,
  primaryKey: 'ref',
  async *list(ctx: Ctx) {
    try {
      for await (const page of githubPages<ApiDependabotAlert>(ctx, orgPath(ctx, '/dependabot/alerts'))) {
        yield page.items.map((a) => ({
          ref: `${a.repository.full_name}#${a.number}`,
          repository: a.repository.full_name,
          number: a.number,
          state: a.state,
          severity: a.security_vulnerability?.severity ?? a.security_advisory.severity,
          packageName: a.dependency.package.name,
          ecosystem: a.dependency.package.ecosystem,
          manifestPath: a.dependency.manifest_path,
          ghsaId: a.security_advisory.ghsa_id,
          cveId: a.security_advisory.cve_id,
          summary: a.security_advisory.summary,
          createdAt: a.created_at,
          fixedAt: a.fixed_at,
          dismissedAt: a.dismissed_at,
          dismissedReason: a.dismissed_reason,
          dismissedBy: a.dismissed_by?.login ?? null,
          dismissedComment: a.dismissed_comment || null,
          autoDismissedAt: a.auto_dismissed_at ?? null,
          htmlUrl: a.html_url,
        }));
      }
    } catch (e) {
      const answer = providerAnswer(e);
      if (answer?.status === 403 && /dependabot alerts are (disabled|not enabled)/i.test(answer.message)) {
        ctx.notApplicable('dependabot-alerts', `Dependabot alerts are off for this organization: ${answer.message}`);
        return;
      }
      throw e;
    }
  },
});
