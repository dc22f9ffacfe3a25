/**
 * The role matrix: every route × every role, plus no credentials, a forged or missing CSRF token,
 * an expired and a revoked API token, and another workspace's ids. The expected roles are written
 * out here, independently of the permission table the routes use; a route added without an entry
 * here fails the first test.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRole } from '../core/accounts.ts';
import { routeKey } from './http/route.ts';
import { seed, type Seed } from './seed.testing.ts';
import { createTestServer, PASSWORD, roles, type Credential, type TestServer } from './testing.ts';

type Req = { path: string; body?: unknown; form?: FormData; as?: Credential };
type Builder = (role: UserRole) => Req | Promise<Req>;
interface Entry {
  /** Roles that get through; 'public' for routes that need no sign-in. */
  allow: readonly UserRole[] | 'public';
  req: Builder;
  /** The status a role let through gets, when it is fixed (for public routes: everyone). */
  status?: number;
}

const ALL = ['admin', 'member', 'auditor', 'viewer'] as const;
const OPS = ['admin', 'member', 'viewer'] as const;
const WORK = ['admin', 'member'] as const;
const ADMIN = ['admin'] as const;
const AUDIT = ['admin', 'auditor'] as const;

let t: TestServer;
let s: Seed;
let counter = 0;
const get = (path: string): Builder => () => ({ path });

/** A new user of this role, signed in: for routes that change the account they act on. */
async function freshSession(role: UserRole): Promise<Credential> {
  const accounts = t.server.context.accounts;
  const { invite } = await accounts.create({ email: `${role}${++counter}@example.com`, role }, t.users.admin.id);
  const user = await accounts.acceptInvite(invite.token, { password: PASSWORD });
  const s = await accounts.createSession(user.id, {});
  return { kind: 'session', cookie: s.token, csrf: s.csrfToken };
}

/** A source added through the API, for the routes that change or delete one. */
async function storedSource(): Promise<string> {
  const name = `stored-${++counter}`;
  // Stored only: the routes under test sync the sources themselves.
  await t.app.sourceStore.add(t.app.workspace.id, { name, type: 'hris-csv', config: { path: `${t.dir}/people.csv` } });
  return name;
}

/** An alert channel added through the API, for the routes that change or delete one. */
async function storedChannel(): Promise<string> {
  const name = `chat-${++counter}`;
  await t.app.channelStore.add(t.app.workspace.id, { config: { name, type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/y' }, rules: [] });
  return name;
}

function uploadForm(): FormData {
  const f = new FormData();
  f.set('control', 'TST-01');
  f.set('note', 'screenshot of the policy');
  f.set('file', new File([`evidence ${++counter}`], 'shot.png', { type: 'image/png' }));
  return f;
}

const matrix: Record<string, Entry> = {
  // auth
  'GET /api/v1/auth/session': { allow: 'public', req: get('/api/v1/auth/session') },
  'POST /api/v1/auth/links/inspect': { allow: 'public', req: () => ({ path: '/api/v1/auth/links/inspect', body: { token: s.inviteToken } }) },
  'POST /api/v1/auth/setup': {
    allow: 'public',
    status: 401,
    req: () => ({ path: '/api/v1/auth/setup', body: { token: 'not-a-real-setup-token', email: 'x@example.com', password: PASSWORD } }),
  },
  'POST /api/v1/auth/sign-in': { allow: 'public', req: () => ({ path: '/api/v1/auth/sign-in', body: { email: 'viewer@example.com', password: PASSWORD } }) },
  'POST /api/v1/auth/invitations/accept': {
    allow: 'public',
    req: async () => {
      const { invite } = await t.server.context.accounts.create({ email: `new${++counter}@example.com`, role: 'viewer' }, t.users.admin.id);
      return { path: '/api/v1/auth/invitations/accept', body: { token: invite.token, password: PASSWORD } };
    },
  },
  // OpenID Connect is not configured in this server: both answer 404 with the setting to add.
  'GET /api/v1/auth/oidc/start': { allow: 'public', status: 404, req: get('/api/v1/auth/oidc/start') },
  'GET /api/v1/auth/oidc/callback': { allow: 'public', status: 404, req: get('/api/v1/auth/oidc/callback?code=x&state=y') },
  'POST /api/v1/auth/sign-out': { allow: ALL, req: async (role) => ({ path: '/api/v1/auth/sign-out', as: await t.session(role) }) },
  'POST /api/v1/auth/password': {
    allow: ALL,
    req: async (role) => ({ path: '/api/v1/auth/password', as: await freshSession(role), body: { currentPassword: PASSWORD, newPassword: `${PASSWORD} 2` } }),
  },
  // users
  'GET /api/v1/users': { allow: OPS, req: get('/api/v1/users') },
  'POST /api/v1/users': { allow: ADMIN, req: () => ({ path: '/api/v1/users', body: { email: `u${++counter}@example.com`, role: 'viewer' } }) },
  'PATCH /api/v1/users/:id': { allow: ADMIN, req: () => ({ path: `/api/v1/users/${s.spareUser}`, body: { name: `Spare ${++counter}` } }) },
  'POST /api/v1/users/:id/invitation': { allow: ADMIN, req: () => ({ path: `/api/v1/users/${s.spareUser}/invitation` }) },
  // tokens
  'GET /api/v1/tokens': { allow: ALL, req: get('/api/v1/tokens') },
  'POST /api/v1/tokens': { allow: ALL, req: () => ({ path: '/api/v1/tokens', body: { name: 'script', scope: 'read' } }) },
  'DELETE /api/v1/tokens/:id': {
    allow: ALL,
    req: async (role) => {
      const { record } = await t.server.context.accounts.createToken(t.users[role].id, { name: 'to revoke', scope: 'read' });
      return { path: `/api/v1/tokens/${record.id}` };
    },
  },
  // audit periods
  'GET /api/v1/audit-periods': { allow: AUDIT, req: get('/api/v1/audit-periods') },
  'POST /api/v1/audit-periods': { allow: ADMIN, req: () => ({ path: '/api/v1/audit-periods', body: { name: 'Q3', startsAt: '2026-07-01', endsAt: '2026-10-01' } }) },
  'GET /api/v1/audit-periods/:id': { allow: AUDIT, req: () => ({ path: `/api/v1/audit-periods/${s.period}` }) },
  'PUT /api/v1/audit-periods/:id/auditors': { allow: ADMIN, req: () => ({ path: `/api/v1/audit-periods/${s.period}/auditors`, body: { auditorIds: [t.users.auditor.id] } }) },
  'DELETE /api/v1/audit-periods/:id': {
    allow: ADMIN,
    req: async () => {
      const p = await t.server.context.periods.create({ name: 'spare', startsAt: new Date('2025-01-01'), endsAt: new Date('2025-02-01'), auditorIds: [] }, t.users.admin.id);
      return { path: `/api/v1/audit-periods/${p.id}` };
    },
  },
  'GET /api/v1/audit-periods/:id/bundle': { allow: AUDIT, req: () => ({ path: `/api/v1/audit-periods/${s.period}/bundle` }) },
  // workspace and overview
  'GET /api/v1/workspace': { allow: ALL, req: get('/api/v1/workspace') },
  'GET /api/v1/overview': { allow: ALL, req: get('/api/v1/overview') },
  'GET /api/v1/overview/trend': { allow: ALL, req: get('/api/v1/overview/trend') },
  // controls, checks, results
  'GET /api/v1/controls': { allow: ALL, req: get('/api/v1/controls') },
  'GET /api/v1/controls/:id': { allow: ALL, req: get('/api/v1/controls/TST-01') },
  'GET /api/v1/controls/:id/timeline': { allow: ALL, req: get('/api/v1/controls/TST-01/timeline') },
  'GET /api/v1/checks': { allow: ALL, req: get('/api/v1/checks') },
  'GET /api/v1/checks/:id': { allow: ALL, req: get('/api/v1/checks/test.mfa') },
  'POST /api/v1/checks/evaluate': { allow: ADMIN, req: () => ({ path: '/api/v1/checks/evaluate', body: { checks: ['test.branch'] } }) },
  'GET /api/v1/results': { allow: ALL, req: get('/api/v1/results?control=TST-01') },
  'GET /api/v1/results/history': { allow: ALL, req: get('/api/v1/results/history?check=test.mfa') },
  // findings
  'GET /api/v1/findings': { allow: ALL, req: get('/api/v1/findings?sort=severity') },
  'GET /api/v1/findings/summary': { allow: ALL, req: get('/api/v1/findings/summary') },
  'GET /api/v1/findings/:id': { allow: ALL, req: () => ({ path: `/api/v1/findings/${s.mine}` }) },
  'POST /api/v1/findings/:id/acknowledge': { allow: WORK, req: () => ({ path: `/api/v1/findings/${s.mine}/acknowledge`, body: { note: 'on it' } }) },
  'POST /api/v1/findings/:id/assign': { allow: WORK, req: () => ({ path: `/api/v1/findings/${s.mine}/assign`, body: { owner: 'member@example.com' } }) },
  'POST /api/v1/findings/:id/mute': {
    allow: WORK,
    req: () => ({ path: `/api/v1/findings/${s.mine}/mute`, body: { reason: 'compensating control', approver: 'ciso@example.com', until: '30d' } }),
  },
  'POST /api/v1/findings/bulk': { allow: WORK, req: () => ({ path: '/api/v1/findings/bulk', body: { ids: [s.mine], action: 'assign', owner: 'member@example.com' } }) },
  // sources and connectors
  'GET /api/v1/sources': { allow: OPS, req: get('/api/v1/sources') },
  'POST /api/v1/sources': { allow: ADMIN, status: 201, req: () => ({ path: '/api/v1/sources', body: { name: `people-${++counter}`, type: 'hris-csv', config: { path: `${t.dir}/people.csv` } } }) },
  'PATCH /api/v1/sources/:name': { allow: ADMIN, req: async () => ({ path: `/api/v1/sources/${await storedSource()}`, body: { schedule: 'PT2H' } }) },
  'DELETE /api/v1/sources/:name': { allow: ADMIN, req: async () => ({ path: `/api/v1/sources/${await storedSource()}` }) },
  'GET /api/v1/sources/:name': { allow: OPS, req: get('/api/v1/sources/idp') },
  'POST /api/v1/sources/:name/test': { allow: ADMIN, req: () => ({ path: '/api/v1/sources/hr/test' }) },
  'POST /api/v1/sources/:name/collect': { allow: ADMIN, req: () => ({ path: '/api/v1/sources/hr/collect' }) },
  'GET /api/v1/connectors': { allow: OPS, req: get('/api/v1/connectors') },
  'GET /api/v1/connectors/:type': { allow: OPS, req: get('/api/v1/connectors/okta') },
  'POST /api/v1/connectors/:type/test': { allow: ADMIN, req: () => ({ path: '/api/v1/connectors/hris-csv/test', body: { config: { path: `${t.dir}/people.csv` } } }) },
  // evidence
  'GET /api/v1/evidence': { allow: ALL, req: get('/api/v1/evidence?control=TST-01') },
  'POST /api/v1/evidence': { allow: WORK, req: () => ({ path: '/api/v1/evidence', form: uploadForm() }) },
  'GET /api/v1/evidence/key': { allow: ALL, req: get('/api/v1/evidence/key') },
  'GET /api/v1/evidence/checkpoints': { allow: ALL, req: get('/api/v1/evidence/checkpoints') },
  'POST /api/v1/evidence/checkpoints': { allow: ADMIN, req: () => ({ path: '/api/v1/evidence/checkpoints' }) },
  'GET /api/v1/evidence/:id': { allow: ALL, req: () => ({ path: `/api/v1/evidence/${s.evidence.id}` }) },
  'GET /api/v1/evidence/:id/proof': { allow: ALL, req: () => ({ path: `/api/v1/evidence/${s.evidence.id}/proof` }) },
  'GET /api/v1/evidence/:id/attachments/:sha256': { allow: ALL, req: () => ({ path: `/api/v1/evidence/${s.evidence.id}/attachments/${s.evidence.sha256}` }) },
  'POST /api/v1/imports': {
    allow: ADMIN,
    req: () => {
      const f = new FormData();
      f.set('type', 'trivy');
      f.set('file', new File([readFileSync(fileURLToPath(new URL('../connectors/scanners/trivy/__fixtures__/api-image.week1.json', import.meta.url)))], 'scan.json'));
      return { path: '/api/v1/imports', form: f };
    },
  },
  // frameworks, alerts, settings, events
  'GET /api/v1/frameworks': { allow: ALL, req: get('/api/v1/frameworks') },
  'GET /api/v1/frameworks/:id': { allow: ALL, req: get('/api/v1/frameworks/nist-800-171') },
  'GET /api/v1/frameworks/:id/coverage': { allow: ALL, req: get('/api/v1/frameworks/soc2/coverage') },
  'GET /api/v1/alerts/channels': { allow: OPS, req: get('/api/v1/alerts/channels') },
  'POST /api/v1/alerts/channels': {
    allow: ADMIN,
    status: 201,
    req: () => ({ path: '/api/v1/alerts/channels', body: { config: { name: `hook-${++counter}`, type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' }, rules: [{ kinds: ['source.failing'] }] } }),
  },
  'PATCH /api/v1/alerts/channels/:name': { allow: ADMIN, req: async () => ({ path: `/api/v1/alerts/channels/${await storedChannel()}`, body: { rules: [{ kinds: ['digest'] }] } }) },
  'DELETE /api/v1/alerts/channels/:name': { allow: ADMIN, req: async () => ({ path: `/api/v1/alerts/channels/${await storedChannel()}` }) },
  'GET /api/v1/alerts/deliveries': { allow: OPS, req: get('/api/v1/alerts/deliveries') },
  'GET /api/v1/settings': { allow: ALL, req: get('/api/v1/settings') },
  'PATCH /api/v1/settings': { allow: ADMIN, req: () => ({ path: '/api/v1/settings', body: { findings: { sla: { low: `P${120 + ++counter}D` } } } }) },
  'GET /api/v1/events': { allow: OPS, req: get('/api/v1/events') },
  // system
  'GET /api/v1/health': { allow: 'public', req: get('/api/v1/health') },
  'GET /api/v1/openapi.json': { allow: 'public', req: get('/api/v1/openapi.json') },
  'GET /api/v1/docs': { allow: 'public', req: get('/api/v1/docs') },
  'GET /metrics': { allow: OPS, req: get('/metrics') },
};

beforeAll(async () => {
  t = await createTestServer();
  s = await seed(t);
});
afterAll(async () => {
  await t?.close();
});

const routes = () => t.server.definitions;
const methodOf = (key: string) => key.split(' ')[0]!;

async function call(key: string, req: Req, as: Credential, extra: { csrf?: string | false } = {}) {
  const res = await t.request(methodOf(key), req.path, { as: req.as ?? as, body: req.body, ...(req.form ? { form: req.form } : {}), ...extra });
  // Event streams never end on their own; everything else is read whole.
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) await res.body?.cancel();
  else await res.arrayBuffer();
  return res;
}

describe('the role matrix', () => {
  it('has an entry for every route, and every entry is a route', () => {
    const keys = routes().map(routeKey).sort();
    expect(Object.keys(matrix).sort()).toEqual(keys);
  });

  it('lets each role through exactly the routes the matrix allows it', async () => {
    const failures: string[] = [];
    for (const [key, entry] of Object.entries(matrix)) {
      for (const role of roles) {
        const req = await entry.req(role);
        const res = await call(key, req, t.users[role].session);
        if (entry.allow === 'public') {
          if (res.status !== (entry.status ?? 200)) failures.push(`${key} as ${role}: ${res.status}, expected ${entry.status ?? 200}`);
        } else if (entry.allow.includes(role)) {
          const ok = entry.status === undefined ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === entry.status;
          if (!ok) failures.push(`${key} as ${role}: ${res.status}, expected to be let through${entry.status ? ` with ${entry.status}` : ''}`);
        } else if (res.status !== 403) failures.push(`${key} as ${role}: ${res.status}, expected 403`);
      }
    }
    expect(failures).toEqual([]);
    // Every route × every role, many of them real changes: this grows with the API, and a loaded
    // machine (CI, two cores) needs more than the default 30 s for it.
  }, 120_000);

  it('asks for sign-in on every route but the public ones', async () => {
    const failures: string[] = [];
    for (const [key, entry] of Object.entries(matrix)) {
      const req = await entry.req('viewer');
      const res = await call(key, { ...req, as: { kind: 'none' } }, { kind: 'none' });
      const expected = entry.allow === 'public' ? (entry.status ?? 200) : 401;
      if (res.status !== expected) failures.push(`${key} without credentials: ${res.status}, expected ${expected}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses every change made with a session but a forged or missing CSRF token', async () => {
    const failures: string[] = [];
    for (const [key, entry] of Object.entries(matrix)) {
      if (methodOf(key) === 'GET' || entry.allow === 'public') continue;
      const req = await entry.req('admin');
      const session = req.as ?? t.users.admin.session;
      for (const csrf of ['forged-csrf-token-value', false] as const) {
        const res = await call(key, { ...req, as: session }, session, { csrf });
        if (res.status !== 403) failures.push(`${key} with ${csrf === false ? 'no' : 'a forged'} CSRF token: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('turns away an expired, a revoked and another workspace’s API token on every route that needs sign-in', async () => {
    const accounts = t.server.context.accounts;
    const expiring = await accounts.createToken(t.users.admin.id, { name: 'short', scope: 'write', expiresAt: new Date(t.clock.now().getTime() + 60_000) });
    const revoked = await accounts.createToken(t.users.admin.id, { name: 'revoked', scope: 'write' });
    await accounts.revokeToken(revoked.record.id);
    t.clock.advance(60_000);
    const failures: string[] = [];
    try {
      for (const [key, entry] of Object.entries(matrix)) {
        if (entry.allow === 'public') continue;
        const req = await entry.req('admin');
        for (const [what, token] of [['expired', expiring.token], ['revoked', revoked.token], ['other workspace', s.other.token]] as const) {
          const res = await call(key, { ...req, as: { kind: 'token', token } }, { kind: 'token', token });
          if (res.status !== 401) failures.push(`${key} with an ${what} token: ${res.status}`);
        }
      }
    } finally {
      t.clock.set('2026-03-02T09:00:00.000Z');
    }
    expect(failures).toEqual([]);
  });

  it('refuses a read-only token every change', async () => {
    const failures: string[] = [];
    const token = (await t.server.context.accounts.createToken(t.users.admin.id, { name: 'ro', scope: 'read' })).token;
    for (const [key, entry] of Object.entries(matrix)) {
      if (methodOf(key) === 'GET' || entry.allow === 'public') continue;
      const req = await entry.req('admin');
      const res = await call(key, { ...req, as: { kind: 'token', token } }, { kind: 'token', token });
      if (res.status !== 403) failures.push(`${key} with a read token: ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers 404 for another workspace's ids, even to an admin", async () => {
    const o = s.other;
    const admin = t.users.admin.session;
    const cases: [string, string, unknown?][] = [
      ['GET', `/api/v1/findings/${o.finding}`],
      ['POST', `/api/v1/findings/${o.finding}/acknowledge`, {}],
      ['POST', `/api/v1/findings/${o.finding}/assign`, { owner: 'x@example.com' }],
      ['POST', `/api/v1/findings/${o.finding}/mute`, { reason: 'r', approver: 'a', until: '7d' }],
      ['GET', `/api/v1/evidence/${o.evidence}`],
      ['GET', `/api/v1/evidence/${o.evidence}/proof`],
      ['GET', `/api/v1/evidence/${o.evidence}/attachments/${s.evidence.sha256}`],
      ['PATCH', `/api/v1/users/${o.user}`, { name: 'x' }],
      ['POST', `/api/v1/users/${o.user}/invitation`],
      ['DELETE', `/api/v1/tokens/${o.tokenId}`],
      ['GET', `/api/v1/audit-periods/${o.period}`],
      ['PUT', `/api/v1/audit-periods/${o.period}/auditors`, { auditorIds: [] }],
      ['DELETE', `/api/v1/audit-periods/${o.period}`],
      ['GET', `/api/v1/audit-periods/${o.period}/bundle`],
    ];
    for (const [method, path, body] of cases) {
      const res = await t.request(method, path, { as: admin, body });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const bulk = await t.request('POST', '/api/v1/findings/bulk', { as: admin, body: { ids: [o.finding], action: 'acknowledge' } });
    expect(((await bulk.json()) as { results: { ok: boolean; error: { error: string } }[] }).results[0]).toMatchObject({ ok: false, error: { error: 'NotFound' } });
    const list = (await (await t.request('GET', '/api/v1/findings?status=open,acknowledged,resolved,muted&limit=500', { as: admin })).json()) as { items: { id: string }[] };
    expect(list.items.map((f) => f.id)).not.toContain(o.finding);
    const ev = (await (await t.request('GET', '/api/v1/evidence?limit=500', { as: admin })).json()) as { items: { id: string }[] };
    expect(ev.items.map((e) => e.id)).not.toContain(o.evidence);
  });
});
