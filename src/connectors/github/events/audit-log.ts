/**
 * The organization audit log (GitHub Enterprise Cloud only): membership, permission, repository
 * and branch-protection changes. Read oldest first from the stored cursor — the time of the last
 * event seen — asking again from that second on; the engine drops the events it already has by
 * their document id, so the boundary second is never lost.
 */
import { z } from 'zod';
import { DAY_MS } from '../../../lib/clock.ts';
import { VigilError } from '../../../lib/errors.ts';
import { defineEvents } from '../../sdk/index.ts';
import { githubPages, orgPath, type Ctx } from '../api.ts';

export const auditLogEventSchema = z.object({
  id: z.string().describe('The audit log document id (_document_id), unique.'),
  action: z.string().describe('What happened, e.g. org.add_member, org.update_member, protected_branch.destroy, repo.create.'),
  actor: z.string().nullable().describe('Login of who did it; null for actions by GitHub itself.'),
  user: z.string().nullable().describe('Login of the user acted on (added, removed, role changed), when there is one.'),
  repo: z.string().nullable().describe('owner/name of the repository acted on, when there is one.'),
  createdAt: z.iso.datetime().describe('When it happened (UTC).'),
  countryCode: z.string().nullable().describe("Country of the actor's IP address, when GitHub located it."),
  details: z.record(z.string(), z.unknown()).describe('Every other field GitHub recorded for this action (they differ per action).'),
});

interface ApiAuditEntry {
  '@timestamp': number;
  _document_id: string;
  action: string;
  actor?: string | null;
  user?: string | null;
  repo?: string | null;
  created_at?: number;
  actor_location?: { country_code?: string } | null;
  [field: string]: unknown;
}

const known = new Set(['@timestamp', '_document_id', 'action', 'actor', 'user', 'repo', 'created_at', 'actor_location']);

/** GitHub's search qualifiers take whole seconds; `>=` that second re-reads, never skips. */
const toSecond = (iso: string) => `${iso.slice(0, 19)}Z`;

export const auditLog = defineEvents({
  name: 'audit-log',
  description: 'Organization audit log events (GitHub Enterprise Cloud): membership, roles, repositories, branch protection.',
  schema: auditLogEventSchema,
  key: 'id',
  time: 'createdAt',
  async *list(ctx: Ctx, cursor: string | null) {
    if (cursor !== null && Number.isNaN(Date.parse(cursor))) {
      throw new VigilError('Internal', `the stored audit-log cursor "${cursor}" is not a time`, { hint: 'reset the cursor of this source to collect again from the lookback window' });
    }
    const since = cursor ?? new Date(ctx.clock.now().getTime() - ctx.config.auditLogLookbackDays * DAY_MS).toISOString();
    let last = cursor;
    const pages = githubPages<ApiAuditEntry>(ctx, orgPath(ctx, '/audit-log'), { phrase: `created:>=${toSecond(since)}`, order: 'asc', include: 'web' });
    for await (const page of pages) {
      const rows = page.items.map((e, i) => {
        const at = typeof e['@timestamp'] === 'number' ? e['@timestamp'] : e.created_at;
        if (typeof at !== 'number' || !Number.isFinite(at)) {
          throw new VigilError('ProviderError', `GET ${page.response.url.pathname}: audit log entry ${i + 1} has no @timestamp`, {
            hint: 'GitHub may have changed the audit log format; please report it',
          });
        }
        const details: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(e)) if (!known.has(k)) details[k] = v;
        return {
          id: e._document_id,
          action: e.action,
          actor: e.actor ?? null,
          user: e.user ?? null,
          repo: e.repo ?? null,
          createdAt: new Date(at).toISOString(),
          countryCode: e.actor_location?.country_code ?? null,
          details,
        };
      });
      if (rows.length) last = rows.at(-1)!.createdAt;
      yield { rows, cursor: last };
    }
  },
});
