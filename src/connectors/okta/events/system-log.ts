/**
 * The System Log: sign-ins (and their failures), lifecycle changes, MFA changes, policy changes and
 * admin-role grants, collected incrementally. Okta documents polling as: ask once with `since` and
 * no `until`, then follow the `next` link for ever — it is always present, and an empty page means
 * "caught up". The cursor is the next link itself (relative to the base URL, so it survives a port
 * or host change of a test server), stored after every page.
 */
import { z } from 'zod';
import { DAY_MS } from '../../../lib/clock.ts';
import { VigilError, isVigilError } from '../../../lib/errors.ts';
import { defineEvents, linkWithRel, type RunContext } from '../../sdk/index.ts';
import { bucketOf } from '../api.ts';
import type { OktaConfig } from '../config.ts';
import { rateLimiterFor } from '../rate-limit.ts';

const actorish = (who: string) => ({
  id: z.string().describe(`Okta id of the ${who}.`),
  type: z.string().describe(`Kind of ${who}: User, AppInstance, PolicyEntity, UserGroup, PublicClientApp, …`),
  alternateId: z.string().nullable().describe(`Human-readable id of the ${who} (a login, an app name).`),
  displayName: z.string().nullable().describe(`Display name of the ${who}.`),
});

export const systemLogEventSchema = z.object({
  uuid: z.string().describe('Unique id of the event.'),
  published: z.iso.datetime().describe('When the event happened (UTC).'),
  eventType: z
    .string()
    .describe('What happened, e.g. user.session.start, user.lifecycle.deactivate, user.mfa.factor.deactivate, user.account.privilege.grant, policy.lifecycle.update.'),
  legacyEventType: z.string().nullable().describe('The older event name Okta still sends, e.g. core.user_auth.login_failed.'),
  displayMessage: z.string().nullable().describe('Okta’s one-line description of the event.'),
  severity: z.string().describe('DEBUG, INFO, WARN or ERROR.'),
  outcomeResult: z.string().nullable().describe('SUCCESS, FAILURE, SKIPPED, ALLOW, DENY, CHALLENGE or UNKNOWN.'),
  outcomeReason: z.string().nullable().describe('Why, for a failure or denial, e.g. INVALID_CREDENTIALS, VERIFICATION_ERROR.'),
  actorId: z.string().describe('Okta id of who acted (for a failed sign-in: the account tried, or "unknown").'),
  actorType: z.string().describe('Kind of actor: User, SystemPrincipal, PublicClientApp, …'),
  actorAlternateId: z.string().nullable().describe("Who acted, readably: a user's login (for a failed sign-in, the username typed)."),
  actorDisplayName: z.string().nullable().describe("The actor's display name."),
  clientIpAddress: z.string().nullable().describe('IP address the request came from, when known.'),
  clientUserAgent: z.string().nullable().describe('Raw User-Agent of the client, when known.'),
  targets: z.array(z.object(actorish('target'))).describe('What the event acted on: the user, group, policy, app or factor.'),
  transactionId: z.string().nullable().describe('Id of the request that caused the event, tying related events together.'),
  debugData: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('Okta’s debugContext.debugData: request details and event-specific facts, e.g. privilegeGranted on an admin-role grant.'),
});

export type OktaLogEventRow = z.output<typeof systemLogEventSchema>;

interface ApiLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  legacyEventType?: string | null;
  displayMessage?: string | null;
  severity: string;
  outcome?: { result?: string | null; reason?: string | null } | null;
  actor: { id: string; type: string; alternateId?: string | null; displayName?: string | null };
  client?: { ipAddress?: string | null; userAgent?: { rawUserAgent?: string | null } | null } | null;
  target?: { id: string; type: string; alternateId?: string | null; displayName?: string | null }[] | null;
  transaction?: { id?: string | null } | null;
  debugContext?: { debugData?: Record<string, unknown> | null } | null;
}

export function toLogRow(e: ApiLogEvent): OktaLogEventRow {
  return {
    uuid: e.uuid,
    published: e.published,
    eventType: e.eventType,
    legacyEventType: e.legacyEventType ?? null,
    displayMessage: e.displayMessage ?? null,
    severity: e.severity,
    outcomeResult: e.outcome?.result ?? null,
    outcomeReason: e.outcome?.reason ?? null,
    actorId: e.actor?.id,
    actorType: e.actor?.type,
    actorAlternateId: e.actor?.alternateId ?? null,
    actorDisplayName: e.actor?.displayName ?? null,
    clientIpAddress: e.client?.ipAddress ?? null,
    clientUserAgent: e.client?.userAgent?.rawUserAgent ?? null,
    targets: (e.target ?? []).map((t) => ({ id: t.id, type: t.type, alternateId: t.alternateId ?? null, displayName: t.displayName ?? null })),
    transactionId: e.transaction?.id ?? null,
    debugData: e.debugContext?.debugData ?? null,
  };
}

const LOGS = '/api/v1/logs';
/** Okta's largest page for the System Log. */
export const LOG_PAGE_SIZE = 1000;
/** Pages per run; a busier log continues on the next run from the stored cursor. */
export const MAX_LOG_PAGES = 5000;

/** The cursor for a URL: relative to the base URL when under it, absolute otherwise. */
function cursorFor(ctx: RunContext<OktaConfig>, url: URL): string {
  const base = ctx.http.baseUrl.href;
  return url.href.startsWith(base) ? url.href.slice(base.length) : url.href;
}

const sinceUrl = (ctx: RunContext<OktaConfig>, since: string) => ctx.http.url(LOGS, { since, limit: LOG_PAGE_SIZE, sortOrder: 'ASCENDING' });

function eventsOf(url: URL, body: unknown): ApiLogEvent[] {
  if (!Array.isArray(body)) {
    throw new VigilError('ProviderError', `GET ${url.pathname}: expected a JSON array of System Log events`, {
      hint: 'the base URL may point at something other than the Okta Management API',
      details: { path: url.pathname },
    });
  }
  return body as ApiLogEvent[];
}

export const systemLog = defineEvents({
  name: 'system-log',
  description: 'The Okta System Log: sign-ins and sign-in failures, lifecycle, MFA, policy and admin-role changes.',
  schema: systemLogEventSchema,
  key: 'uuid',
  time: 'published',
  async *list(ctx: RunContext<OktaConfig>, cursor: string | null) {
    const limiter = rateLimiterFor(ctx);
    const bucket = bucketOf(LOGS);
    const fromLookback = () => sinceUrl(ctx, new Date(ctx.clock.now().getTime() - ctx.config.logLookbackDays * DAY_MS).toISOString());
    let next = cursor ? ctx.http.url(cursor) : fromLookback();
    const seen = new Set<string>();
    for (let pages = 0; pages < MAX_LOG_PAGES; pages++) {
      await limiter.wait(bucket);
      let response;
      try {
        response = await ctx.http.request<unknown>(next);
      } catch (e) {
        // A cursor older than Okta's retention is refused with a 400: start again from the lookback.
        if (pages === 0 && cursor && isVigilError(e) && e.details?.status === 400) {
          ctx.log.warn(`Okta refused the stored System Log cursor (${e.message}); starting again from ${ctx.config.logLookbackDays} days back, so events in between may be missing`);
          next = fromLookback();
          cursor = null;
          pages = -1;
          continue;
        }
        throw e;
      }
      limiter.update(bucket, response.headers);
      const rows = eventsOf(response.url, response.body).map(toLogRow);
      const link = linkWithRel(response.headers.get('link'), 'next');
      const following = link === undefined ? undefined : ctx.http.url(new URL(link, response.url));
      // Without a next link (not Okta's polling behaviour, but possible behind a proxy), resume
      // from the last event's time; the engine drops the repeated events by their uuid.
      const resumeAt = following ?? (rows.length ? sinceUrl(ctx, rows[rows.length - 1]!.published) : next);
      yield { rows, cursor: cursorFor(ctx, resumeAt) };
      if (rows.length === 0 || !following) return;
      seen.add(next.href);
      if (seen.has(following.href)) {
        throw new VigilError('ProviderError', `GET ${LOGS}: Okta returned the same next link for a page with events; stopped to avoid looping`, {
          hint: 'this looks like a provider bug; the next collection resumes from the stored cursor',
        });
      }
      next = following;
    }
    ctx.log.info(`read ${MAX_LOG_PAGES} pages of the System Log in this run; the next run continues from the stored cursor`);
  },
});
