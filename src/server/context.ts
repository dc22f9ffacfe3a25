/**
 * What every route can reach: the open App, the account services, the live-event hub and the
 * metrics, plus the Hono variables set per request.
 */
import type { App } from '../core/app.ts';
import type { AccountService, ApiToken, User } from '../core/accounts.ts';
import type { AuditPeriodService } from '../core/audit-periods.ts';
import type { SessionRow } from '../db/schema/sessions.ts';
import type { EventHub } from './events.ts';
import type { Metrics } from './metrics.ts';
import type { ControlsQuery } from './queries/controls.ts';
import type { EvidenceQueryService } from './queries/evidence.ts';
import type { FindingsQuery } from './queries/findings.ts';
import type { ResultsQuery } from './queries/results.ts';
import type { ReadCache } from './queries/read-cache.ts';
import type { OidcClient } from './auth/oidc.ts';

export interface Principal {
  user: User;
  via: 'session' | 'token';
  /** What the credential may do: a session has its user's role; an API token may be read-only. */
  scope: 'read' | 'write';
  session?: SessionRow;
  token?: ApiToken;
}

export interface ServerOptions {
  /** Check every JSON response against its documented schema (tests turn this on). */
  validateResponses?: boolean;
  /** How often the live-event hub polls for changes (default 2000 ms). */
  eventsPollMs?: number;
  /** Folder of the built dashboard (default web/dist in the package). */
  dashboardDir?: string;
  /** Trust X-Forwarded-For for the client address (behind a reverse proxy). */
  trustProxy?: boolean;
}

export interface ServerContext {
  app: App;
  workspaceId: string;
  accounts: AccountService;
  periods: AuditPeriodService;
  events: EventHub;
  metrics: Metrics;
  queries: { findings: FindingsQuery; results: ResultsQuery; controls: ControlsQuery; evidence: EvidenceQueryService };
  /** Answers kept until what they show changes (the overview, the findings summary). */
  reads: ReadCache;
  /** Sign-in with OpenID Connect, when server.oidc is configured. */
  oidc: OidcClient | undefined;
  options: ServerOptions;
}

/** Variables a request carries through Hono's context. */
export interface Env {
  Variables: {
    requestId: string;
    principal: Principal | undefined;
    /** Set by sign-in and setup: who acted, for the user.action record, when no principal came in. */
    actor: User | undefined;
  };
}
