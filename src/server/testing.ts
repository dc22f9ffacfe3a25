/**
 * A real Vigil behind the API for tests: the App composed as openApp composes it, over
 * createTestDb() (PGlite in memory, or a throwaway PostgreSQL database when TEST_DATABASE_URL is
 * set — an on-disk PGlite costs ~9 s to create per file), with controls and SQL checks written as
 * YAML, one signed-in user per role, and requests made in-process with `app.request()`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeApp, type App } from '../core/app.ts';
import type { UserRole } from '../core/accounts.ts';
import { configSchema, type VigilConfig } from '../core/config/schema.ts';
import { createTestDb } from '../db/testing.ts';
import { fixedClock, type Clock } from '../lib/clock.ts';
import { createServer, type VigilServer } from './app.ts';
import { collectionsSettled } from './routes/sources.ts';

export const PASSWORD = 'correct horse battery staple';
export const NOW = '2026-03-02T09:00:00.000Z';

export type Credential = { kind: 'session'; cookie: string; csrf: string } | { kind: 'token'; token: string } | { kind: 'none' };

export interface RoleUser {
  id: string;
  email: string;
  role: UserRole;
  session: Credential & { kind: 'session' };
  token: string;
  password: string;
}

export interface RequestOptions {
  as?: Credential | undefined;
  body?: unknown;
  form?: FormData;
  /** Override the CSRF header (a forged value), or false to leave it out. */
  csrf?: string | false;
  headers?: Record<string, string>;
}

export interface TestServer {
  app: App;
  server: VigilServer;
  clock: ReturnType<typeof fixedClock>;
  dir: string;
  users: Record<UserRole, RoleUser>;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** Sign in again as a role's user: a fresh session. */
  session(role: UserRole): Promise<Credential & { kind: 'session' }>;
  close(): Promise<void>;
}

/** Two controls of the test's own, so only the test's SQL checks test them. */
const controlsYaml = (memberEmail: string) => `controls:
  - id: TST-01
    title: Every user has MFA
    description: Test control owned by the member.
    area: access
    ownerRole: IT administrator
    owner: ${memberEmail}
    frequency: continuous
    requirements:
      soc2: { direct: [CC6.1] }
  - id: TST-02
    title: Default branches are protected
    description: Test control owned by someone else.
    area: change
    ownerRole: Engineering lead
    owner: someone-else@example.com
    frequency: continuous
    requirements:
      soc2: { supporting: [CC8.1] }
`;

const checksYaml = `checks:
  - id: test.mfa
    title: Every user has MFA
    controls: [TST-01]
    severity: high
    inputs: { resources: [test.users] }
    sql: SELECT key AS resource, 'pass' AS status, 'ok' AS reason FROM vigil_resources WHERE type = 'test.users'
  - id: test.branch
    title: Default branches are protected
    controls: [TST-02]
    severity: medium
    inputs: { resources: [test.repos] }
    sql: SELECT key AS resource, 'pass' AS status, 'ok' AS reason FROM vigil_resources WHERE type = 'test.repos'
`;

/** What openApp does, over a test database. */
async function composeTestApp(config: VigilConfig, dataDir: string, clock: Clock): Promise<App> {
  const db = await createTestDb();
  const loaded = { config, file: undefined, dataDir, databaseUrl: undefined };
  try {
    // A key file in the test's own data folder: VIGIL_SECRET_KEY from the environment is ignored.
    return await composeApp({ db, loaded, baseDir: dataDir, clock, env: {} });
  } catch (e) {
    await db.close();
    throw e;
  }
}

export const roles: UserRole[] = ['admin', 'member', 'auditor', 'viewer'];

export async function createTestServer(options: { config?: Record<string, unknown>; publicUrl?: string; withUsers?: boolean } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-api-'));
  writeFileSync(join(dir, 'controls.yaml'), controlsYaml('member@example.com'));
  writeFileSync(join(dir, 'checks.yaml'), checksYaml);
  writeFileSync(join(dir, 'people.csv'), 'email,name,start_date,termination_date\nada@example.com,Ada,2024-01-01,\n');
  const config = configSchema.parse({
    workspace: { slug: 'test', name: 'Test Org' },
    controls: { paths: [join(dir, 'controls.yaml')] },
    checks: { paths: [join(dir, 'checks.yaml')] },
    server: options.publicUrl ? { publicUrl: options.publicUrl } : {},
    sources: [
      { name: 'hr', type: 'hris-csv', config: { path: join(dir, 'people.csv') } },
      { name: 'ci-trivy', type: 'trivy', config: {} },
      { name: 'idp', type: 'okta', enabled: false, config: { baseUrl: 'https://acme.okta.com', token: 'okta-secret-token-0123456789' } },
    ],
    ...options.config,
  });
  const clock = fixedClock(NOW);
  const app = await composeTestApp(config, join(dir, 'data'), clock);
  const server = createServer(app, { validateResponses: true, eventsPollMs: 60_000, dashboardDir: join(dir, 'no-dashboard') });
  const accounts = server.context.accounts;

  const cookieOf = (res: Response) => {
    const jar = new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return jar;
  };

  async function request(method: string, path: string, o: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...o.headers };
    const as = o.as ?? { kind: 'none' };
    if (as.kind === 'session') {
      headers.cookie = `vigil_session=${as.cookie}; vigil_csrf=${as.csrf}`;
      if (o.csrf !== false) headers['x-csrf-token'] = o.csrf ?? as.csrf;
    } else if (as.kind === 'token') headers.authorization = `Bearer ${as.token}`;
    let body: string | FormData | undefined;
    if (o.form) body = o.form;
    else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    return server.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
  }

  async function signIn(email: string, password: string): Promise<Credential & { kind: 'session' }> {
    const res = await request('POST', '/api/v1/auth/sign-in', { body: { email, password } });
    if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
    const jar = cookieOf(res);
    return { kind: 'session', cookie: jar.get('vigil_session')!, csrf: jar.get('vigil_csrf')! };
  }

  const users = {} as Record<UserRole, RoleUser>;
  if (options.withUsers !== false) {
    const admin = await accounts.completeSetup((await accounts.createSetupLink()).token, { email: 'admin@example.com', name: 'Admin', password: PASSWORD });
    for (const role of roles) {
      let u = admin;
      if (role !== 'admin') {
        const { invite } = await accounts.create({ email: `${role}@example.com`, name: role, role }, admin.id);
        u = await accounts.acceptInvite(invite.token, { password: PASSWORD });
      }
      const { token } = await accounts.createToken(u.id, { name: 'test', scope: role === 'admin' || role === 'member' ? 'write' : 'read' });
      users[role] = { id: u.id, email: u.email, role, token, password: PASSWORD, session: await signIn(u.email, PASSWORD) };
    }
  }

  return {
    app,
    server,
    clock,
    dir,
    users,
    request,
    session: (role) => signIn(users[role].email, users[role].password),
    async close() {
      await collectionsSettled();
      server.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
