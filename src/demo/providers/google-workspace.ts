/**
 * The demo's simulated Google Workspace: the Admin SDK Directory API users list and the Reports API
 * admin audit log, with Google's page tokens and error bodies, behind a token endpoint that takes
 * the service-account JWT the connector signs (RS256) and hands out access tokens — rendered from
 * the org model as of the clock's "now".
 *
 * Derivations (beyond org.ts and okta-model.ts):
 * - Okta provisions everyone in HR into Google when it activates them (five minutes later), and
 *   suspends the Google account when it deactivates the Okta one. The orphan Okta account has no
 *   HR record, so no Google account.
 * - Sign-in to Google goes through Okta (SAML), so a Google account's last sign-in is the Okta one.
 * - 2-Step Verification: enrolled by everyone whose Okta account has MFA; the planted Okta accounts
 *   without MFA skipped the Google enrolment too (`plantedGoogle`). 2SV is enforced for the
 *   Engineering, Security and Executive units only, which is how those people could skip it.
 * - Okta super admins are Google super admins from their Okta grant; the Okta Help Desk admin is a
 *   Google delegated (help desk) admin from the same moment.
 * - The admin audit log holds those facts as the events Google records: CREATE_USER,
 *   SUSPEND_USER, GRANT_ADMIN_PRIVILEGE and ASSIGN_ROLE, by the provisioning admin or the granter.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { DAY_MS } from '../../lib/clock.ts';
import type { Clock } from '../../lib/clock.ts';
import { DEMO_DOMAIN, type DemoOrg, type Person } from '../org/org.ts';
import type { DemoProvider } from './index.ts';
import { digest, lastLoginAt, oktaModel, type DemoAccount } from './okta-model.ts';

export const DEMO_GOOGLE_CLIENT_EMAIL = 'vigil-demo@demo-corp-vigil.iam.gserviceaccount.com';
/** The admin the demo's service account acts as (not listed among users: a simplification). */
export const DEMO_GOOGLE_SUBJECT = `vigil-reader@${DEMO_DOMAIN}`;
export const DEMO_GOOGLE_CUSTOMER = 'C04demo8x2';
/** Who Okta provisions Google accounts as. */
const PROVISIONER = `okta-provisioning@${DEMO_DOMAIN}`;
const SCOPES = new Set(['https://www.googleapis.com/auth/admin.directory.user.readonly', 'https://www.googleapis.com/auth/admin.reports.audit.readonly']);
const USERS_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.readonly';
const REPORTS_SCOPE = 'https://www.googleapis.com/auth/admin.reports.audit.readonly';
/** Google keeps admin audit events for about six months. */
const AUDIT_RETENTION_MS = 180 * DAY_MS;
const ENFORCED_UNITS = new Set(['Engineering', 'Security', 'Executive']);

let demoKey: { privatePem: string; publicKey: KeyObject } | undefined;

/**
 * The demo service account's key, made once per process: the demo's config lives in memory only,
 * so the source and the simulated token endpoint always share it, and no private key is committed.
 */
export function demoGoogleKey(): { privatePem: string; publicKey: KeyObject } {
  if (!demoKey) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    demoKey = { privatePem, publicKey: createPublicKey(createPrivateKey(privatePem)) };
  }
  return demoKey;
}

export interface GoogleAccount {
  id: string;
  email: string;
  person: Person;
  okta: DemoAccount;
  created: Date;
  suspendedAt: Date | null;
  enrolledIn2Sv: boolean;
  enforcedIn2Sv: boolean;
  superAdminFrom: Date | null;
  delegatedAdminFrom: Date | null;
  /** Who granted the admin role (email), or null for the provisioning admin. */
  grantedBy: string | null;
}

/** A Google-style 21-digit numeric id. */
const numericId = (...parts: string[]) => `1${(BigInt(`0x${digest(...parts).slice(0, 20)}`) % 10n ** 20n).toString().padStart(20, '0')}`;
/** A Google-style signed int64 uniqueQualifier. */
const qualifier = (...parts: string[]) => BigInt.asIntN(64, BigInt(`0x${digest(...parts).slice(0, 16)}`)).toString();

const cache = new WeakMap<DemoOrg, GoogleAccount[]>();

/** The Google accounts of the org's people (cached per org: they do not depend on the clock). */
export function googleAccounts(org: DemoOrg): GoogleAccount[] {
  const cached = cache.get(org);
  if (cached) return cached;
  const accounts = oktaModel(org).accounts.flatMap((a): GoogleAccount[] => {
    if (!a.person) return [];
    const role = (type: string) => a.roles.find((r) => r.type === type);
    const grant = role('SUPER_ADMIN') ?? role('HELP_DESK_ADMIN');
    return [
      {
        id: numericId('google-user', a.person.email),
        email: a.person.email,
        person: a.person,
        okta: a,
        created: new Date(a.account.activated.getTime() + 5 * 60_000),
        suspendedAt: a.account.deactivatedAt,
        enrolledIn2Sv: a.account.mfa,
        enforcedIn2Sv: ENFORCED_UNITS.has(a.person.department),
        superAdminFrom: role('SUPER_ADMIN')?.granted ?? null,
        delegatedAdminFrom: role('HELP_DESK_ADMIN')?.granted ?? null,
        grantedBy: grant?.grantedBy?.person?.email ?? null,
      },
    ];
  });
  cache.set(org, accounts);
  return accounts;
}

const existsAt = (a: GoogleAccount, t: Date) => a.created <= t;
const suspendedAt = (a: GoogleAccount, t: Date) => a.suspendedAt !== null && a.suspendedAt <= t;

/**
 * The planted Google failures as of t: people without 2SV whose account exists and is not
 * suspended — exactly what `access.mfa-idp` must fail for Google Workspace.
 */
export function plantedGoogle(org: DemoOrg, t: Date = org.anchor): { kind: 'mfa-missing'; system: 'google-workspace'; account: string }[] {
  return googleAccounts(org)
    .filter((a) => !a.enrolledIn2Sv && existsAt(a, t) && !suspendedAt(a, t))
    .map((a) => ({ kind: 'mfa-missing' as const, system: 'google-workspace' as const, account: a.email }));
}

function userJson(a: GoogleAccount, t: Date) {
  const [givenName, ...rest] = a.person.name.split(' ');
  const suspended = suspendedAt(a, t);
  const lastLogin = lastLoginAt(a.okta, t);
  return {
    kind: 'admin#directory#user',
    id: a.id,
    etag: `"${digest('etag', a.id, String(suspended), String(lastLogin?.getTime())).slice(0, 27)}"`,
    primaryEmail: a.email,
    name: { givenName, familyName: rest.join(' '), fullName: a.person.name },
    isAdmin: a.superAdminFrom !== null && a.superAdminFrom <= t,
    isDelegatedAdmin: a.delegatedAdminFrom !== null && a.delegatedAdminFrom <= t,
    lastLoginTime: (lastLogin ?? new Date(0)).toISOString(),
    creationTime: a.created.toISOString(),
    agreedToTerms: lastLogin !== null,
    suspended,
    ...(suspended ? { suspensionReason: 'ADMIN' } : {}),
    archived: false,
    changePasswordAtNextLogin: false,
    ipWhitelisted: false,
    emails: [{ address: a.email, primary: true }],
    customerId: DEMO_GOOGLE_CUSTOMER,
    orgUnitPath: `/${a.person.department}`,
    isMailboxSetup: true,
    isEnrolledIn2Sv: a.enrolledIn2Sv,
    isEnforcedIn2Sv: a.enforcedIn2Sv,
    includeInGlobalAddressList: !suspended,
  };
}

interface Activity {
  time: Date;
  key: string;
  json: Record<string, unknown>;
}

function activity(time: Date, actor: string, type: string, name: string, parameters: Record<string, string>, key: string): Activity {
  return {
    time,
    key,
    json: {
      kind: 'admin#reports#activity',
      id: { time: time.toISOString(), uniqueQualifier: qualifier('activity', key), applicationName: 'admin', customerId: DEMO_GOOGLE_CUSTOMER },
      etag: `"${digest('activity-etag', key).slice(0, 27)}"`,
      actor: { callerType: 'USER', email: actor, profileId: numericId('google-user', actor) },
      ownerDomain: DEMO_DOMAIN,
      ipAddress: `198.51.100.${parseInt(digest('ip', actor).slice(0, 2), 16) % 200 + 10}`,
      events: [{ type, name, parameters: Object.entries(parameters).map(([n, value]) => ({ name: n, value })) }],
    },
  };
}
const logs = new WeakMap<DemoOrg, Activity[]>();

/** The whole admin audit log up to the org's horizon, newest first (as Google answers). */
export function adminLog(org: DemoOrg): Activity[] {
  const cached = logs.get(org);
  if (cached) return cached;
  const out: Activity[] = [];
  for (const a of googleAccounts(org)) {
    out.push(activity(a.created, PROVISIONER, 'USER_SETTINGS', 'CREATE_USER', { USER_EMAIL: a.email }, `create/${a.id}`));
    if (a.suspendedAt) out.push(activity(a.suspendedAt, PROVISIONER, 'USER_SETTINGS', 'SUSPEND_USER', { USER_EMAIL: a.email }, `suspend/${a.id}`));
    if (a.superAdminFrom) {
      out.push(activity(a.superAdminFrom, a.grantedBy ?? PROVISIONER, 'USER_SETTINGS', 'GRANT_ADMIN_PRIVILEGE', { USER_EMAIL: a.email }, `super/${a.id}`));
    }
    if (a.delegatedAdminFrom) {
      const params = { ROLE_ID: numericId('role', 'help-desk').slice(0, 17), ROLE_NAME: '_HELP_DESK_ADMIN_ROLE', USER_EMAIL: a.email };
      out.push(activity(a.delegatedAdminFrom, a.grantedBy ?? PROVISIONER, 'DELEGATED_ADMIN_SETTINGS', 'ASSIGN_ROLE', params, `helpdesk/${a.id}`));
    }
  }
  out.sort((x, y) => y.time.getTime() - x.time.getTime() || (x.key < y.key ? -1 : 1));
  logs.set(org, out);
  return out;
}

const googleError = (c: Context, code: 400 | 401 | 403 | 404, status: string, reason: string, message: string) =>
  c.json({ error: { code, message, errors: [{ message, domain: 'global', reason }], status } }, code);

const pageTokenOf = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
function offsetOf(token: string | undefined): number | undefined {
  if (token === undefined) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

function maxResultsOf(c: Context, fallback: number, max: number): number | undefined {
  const raw = c.req.query('maxResults');
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : undefined;
}

interface Issued {
  scopes: Set<string>;
  expiresAt: number;
}

function tokenEndpoint(app: Hono, clock: Clock, issued: Map<string, Issued>) {
  app.post('/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const oauthError = (error: string, description: string, status: 400 | 401 = 400) => c.json({ error, error_description: description }, status);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return oauthError('unsupported_grant_type', 'Invalid grant_type.');
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return oauthError('invalid_grant', 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe');
    const [header, claims, signature] = parts as [string, string, string];
    let h: Record<string, unknown>, cl: Record<string, unknown>;
    try {
      h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
      cl = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return oauthError('invalid_grant', 'Invalid JWT: unreadable header or claims.');
    }
    const signed = h.alg === 'RS256' && verify('sha256', Buffer.from(`${header}.${claims}`), demoGoogleKey().publicKey, Buffer.from(signature, 'base64url'));
    if (!signed) return oauthError('invalid_grant', 'Invalid JWT Signature.');
    const self = new URL(c.req.url);
    if (cl.iss !== DEMO_GOOGLE_CLIENT_EMAIL) return oauthError('invalid_client', 'The OAuth client was not found.', 401);
    if (cl.aud !== `${self.origin}${self.pathname}`) return oauthError('invalid_grant', 'Invalid JWT: aud is not this token endpoint.');
    const iat = Number(cl.iat);
    const exp = Number(cl.exp);
    if (!Number.isInteger(iat) || !Number.isInteger(exp) || exp <= iat || exp - iat > 3600) {
      return oauthError('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.');
    }
    if (cl.sub !== DEMO_GOOGLE_SUBJECT) return oauthError('invalid_grant', 'Invalid email or User ID');
    const scopes = new Set(String(cl.scope ?? '').split(' ').filter(Boolean));
    if (scopes.size === 0 || [...scopes].some((s) => !SCOPES.has(s))) {
      return oauthError('unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.', 401);
    }
    const token = `ya29.demo.${digest('access-token', form.get('assertion')!).slice(0, 40)}`;
    issued.set(token, { scopes, expiresAt: clock.now().getTime() + 3599_000 });
    return c.json({ access_token: token, expires_in: 3599, token_type: 'Bearer' });
  });
}

export const googleWorkspaceProvider: DemoProvider = {
  name: 'google-workspace',
  app(org: DemoOrg, clock: Clock) {
    const app = new Hono();
    const issued = new Map<string, Issued>();
    tokenEndpoint(app, clock, issued);

    const authorized = (c: Context, scope: string) => {
      const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      const grant = token ? issued.get(token) : undefined;
      if (!grant || grant.expiresAt <= clock.now().getTime()) {
        return googleError(c, 401, 'UNAUTHENTICATED', 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
      }
      if (!grant.scopes.has(scope)) return googleError(c, 403, 'PERMISSION_DENIED', 'insufficientPermissions', 'Request had insufficient authentication scopes.');
      return undefined;
    };

    app.get('/admin/directory/v1/users', (c) => {
      const denied = authorized(c, USERS_SCOPE);
      if (denied) return denied;
      const customer = c.req.query('customer');
      if (customer === undefined && c.req.query('domain') === undefined) return googleError(c, 400, 'INVALID_ARGUMENT', 'badRequest', 'Bad Request');
      if (customer !== undefined && customer !== 'my_customer' && customer !== DEMO_GOOGLE_CUSTOMER) return googleError(c, 404, 'NOT_FOUND', 'notFound', 'Resource Not Found: customer');
      const limit = maxResultsOf(c, 100, 500);
      const offset = offsetOf(c.req.query('pageToken'));
      if (limit === undefined || offset === undefined) return googleError(c, 400, 'INVALID_ARGUMENT', 'invalid', 'Invalid Input');
      const now = clock.now();
      const all = googleAccounts(org)
        .filter((a) => existsAt(a, now))
        .sort((x, y) => (x.email < y.email ? -1 : 1));
      const page = all.slice(offset, offset + limit).map((a) => userJson(a, now));
      return c.json({
        kind: 'admin#directory#users',
        etag: `"${digest('users', String(offset), String(now.getTime())).slice(0, 27)}"`,
        ...(page.length ? { users: page } : {}),
        ...(offset + limit < all.length ? { nextPageToken: pageTokenOf(offset + limit) } : {}),
      });
    });

    app.get('/admin/reports/v1/activity/users/:userKey/applications/:application', (c) => {
      const denied = authorized(c, REPORTS_SCOPE);
      if (denied) return denied;
      if (c.req.param('application') !== 'admin') return googleError(c, 400, 'INVALID_ARGUMENT', 'badRequest', 'Bad Request: the demo has the admin application only');
      const userKey = c.req.param('userKey');
      const now = clock.now();
      const time = (name: string) => {
        const raw = c.req.query(name);
        if (raw === undefined) return null;
        const t = Date.parse(raw);
        return Number.isNaN(t) || !/^\d{4}-\d\d-\d\dT/.test(raw) ? undefined : t;
      };
      const start = time('startTime');
      const end = time('endTime');
      const limit = maxResultsOf(c, 1000, 1000);
      const offset = offsetOf(c.req.query('pageToken'));
      if (start === undefined || end === undefined || limit === undefined || offset === undefined || (start !== null && start > now.getTime())) {
        return googleError(c, 400, 'INVALID_ARGUMENT', 'invalid', 'Invalid value for startTime, endTime, maxResults or pageToken');
      }
      const from = Math.max(start ?? 0, now.getTime() - AUDIT_RETENTION_MS);
      const until = Math.min(end ?? Infinity, now.getTime());
      const items = adminLog(org).filter((a) => {
        const t = a.time.getTime();
        const actor = (a.json.actor as { email: string }).email;
        return t >= from && t <= until && (userKey === 'all' || userKey === actor);
      });
      const page = items.slice(offset, offset + limit).map((a) => a.json);
      return c.json({
        kind: 'admin#reports#activities',
        etag: `"${digest('activities', String(offset), String(from)).slice(0, 27)}"`,
        ...(page.length ? { items: page } : {}),
        ...(offset + limit < items.length ? { nextPageToken: pageTokenOf(offset + limit) } : {}),
      });
    });

    app.notFound((c) => googleError(c, 404, 'NOT_FOUND', 'notFound', `The demo Google Workspace has no ${c.req.method} ${new URL(c.req.url).pathname}`));
    return app;
  },
  source: (baseUrl) => ({
    name: 'google-workspace',
    type: 'google-workspace',
    schedule: 'PT1H',
    config: {
      baseUrl,
      clientEmail: DEMO_GOOGLE_CLIENT_EMAIL,
      privateKey: demoGoogleKey().privatePem,
      subject: DEMO_GOOGLE_SUBJECT,
      tokenUrl: `${baseUrl}/token`,
    },
  }),
};
