/** Code scanning alerts (CodeQL and other SARIF tools) of every repository in the organization. */
import { z } from 'zod';
import { defineResource } from '../../sdk/index.ts';
import { githubPages, orgPath, providerAnswer, type Ctx } from '../api.ts';

export const codeScanningAlertSchema = z.object({
  ref: z.string().describe('owner/repo#number: the key.'),
  repository: z.string().describe('owner/name of the repository.'),
  number: z.number().int().describe('Alert number within the repository.'),
  state: z.string().describe('open, dismissed or fixed.'),
  ruleId: z.string().describe('Id of the rule that found it, e.g. js/sql-injection.'),
  ruleDescription: z.string().describe('What the rule looks for.'),
  severity: z
    .string()
    .describe('Security severity (critical, high, medium, low) for security rules, else the rule severity (error, warning, note).'),
  tool: z.string().describe('The scanning tool, e.g. CodeQL.'),
  path: z.string().nullable().describe('File of the most recent occurrence.'),
  createdAt: z.iso.datetime().describe('When the alert was raised (UTC).'),
  fixedAt: z.iso.datetime().nullable().describe('When it was fixed (UTC).'),
  dismissedAt: z.iso.datetime().nullable().describe('When it was dismissed (UTC).'),
  dismissedReason: z.string().nullable().describe("Why it was dismissed: false positive, won't fix, used in tests."),
  dismissedBy: z.string().nullable().describe('Login of the person who dismissed it.'),
  dismissedComment: z.string().nullable().describe("The dismisser's comment, when they left one."),
  htmlUrl: z.string().describe('Web address of the alert.'),
});

interface ApiCodeScanningAlert {
  number: number;
  state: string;
  created_at: string;
  fixed_at: string | null;
  dismissed_at: string | null;
  dismissed_reason: string | null;
  dismissed_by: { login: string } | null;
  // Webhook-era payloads and older Enterprise Servers leave the comment out.
  dismissed_comment?: string | null;
  html_url: string;
  rule: { id: string; description: string; severity: string; security_severity_level?: string | null };
  tool: { name: string };
  most_recent_instance?: { location?: { path?: string } };
  repository: { full_name: string };
}

export const codeScanningAlerts = defineResource({
  name: 'code-scanning-alerts',
  description: 'Code scanning alerts of every repository in the organization, open and closed.',
  schema: codeScanningAlertSchema,
  primaryKey: 'ref',
  async *list(ctx: Ctx) {
    try {
      for await (const page of githubPages<ApiCodeScanningAlert>(ctx, orgPath(ctx, '/code-scanning/alerts'))) {
        yield page.items.map((a) => ({
          ref: `${a.repository.full_name}#${a.number}`,
          repository: a.repository.full_name,
          number: a.number,
          state: a.state,
          ruleId: a.rule.id,
          ruleDescription: a.rule.description,
          severity: a.rule.security_severity_level ?? a.rule.severity,
          tool: a.tool.name,
          path: a.most_recent_instance?.location?.path ?? null,
          createdAt: a.created_at,
          fixedAt: a.fixed_at,
          dismissedAt: a.dismissed_at,
          dismissedReason: a.dismissed_reason,
          dismissedBy: a.dismissed_by?.login ?? null,
          dismissedComment: a.dismissed_comment || null,
          htmlUrl: a.html_url,
        }));
      }
    } catch (e) {
      const answer = providerAnswer(e);
      // Private repositories need GitHub Advanced Security for code scanning.
      if (answer?.status === 403 && /advanced security|code scanning is not enabled/i.test(answer.message)) {
        ctx.notApplicable('code-scanning-alerts', `code scanning is not available to this organization: ${answer.message}`);
        return;
      }
      throw e;
    }
  },
});
