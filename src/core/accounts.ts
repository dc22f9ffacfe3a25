/**
 * Accounts: local users and their roles, passwords, sessions, API tokens and one-time links (the
 * first admin's setup link, invitations). Scoped to one workspace at construction.
 *
 * No secret is stored: passwords only as scrypt hashes; session, CSRF, API and link tokens are
 * 256-bit random values shown once and kept as their SHA-256 (a stolen database yields nothing to
 * sign in with). Sign-in is rate limited per account and per address, counted in the database so
 * the limit holds across processes and restarts. There is no default password: the first admin
 * chooses one through the setup link `vigil start` prints while no admin exists.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { and, asc, eq, gt, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { accountLinks, type LinkPurpose } from '../db/schema/account-links.ts';
import { apiTokens, type ApiTokenRow, type TokenScope } from '../db/schema/api-tokens.ts';
import { sessions, type SessionRow } from '../db/schema/sessions.ts';
import { signInAttempts } from '../db/schema/sign-in-attempts.ts';
import { users, type UserRole, type UserRow } from '../db/schema/users.ts';
import { DAY_MS, HOUR_MS, type Clock } from '../lib/clock.ts';
import { VigilError, conflict, invalidInput, notFound } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';

export { userRoles, type UserRole } from '../db/schema/users.ts';
export { tokenScopes, type TokenScope } from '../db/schema/api-tokens.ts';

/** A user as the rest of Vigil sees one: never the password hash. */
export type User = Omit<UserRow, 'passwordHash'> & { hasPassword: boolean };
export type ApiToken = Omit<ApiTokenRow, 'tokenHash'>;

/** A user as the API and `vigil users --json` show one: no hash, times as ISO 8601. */
export const userView = (u: User) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  disabled: u.disabledAt !== null,
  hasPassword: u.hasPassword,
  lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
  createdAt: u.createdAt.toISOString(),
});

export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

/** OWASP's minimum for scrypt is N=2^17 with r=8; 2^15 keeps a sign-in near 100 ms on a small VM. */
export const DEFAULT_SCRYPT: ScryptParams = { log2N: 15, r: 8, p: 1 };

export const limits = {
  passwordMin: 12,
  passwordMax: 256,
  sessionIdle: DAY_MS,
  sessionMax: 7 * DAY_MS,
  setupLink: DAY_MS,
  inviteLink: 7 * DAY_MS,
  /** Failed sign-ins allowed per account, and per address, within the window. */
  perAccount: 5,
  perAddress: 20,
  window: 15 * 60_000,
} as const;

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, opts, (e, key) => (e ? reject(e) : resolve(key))));

const scryptOptions = (p: ScryptParams): ScryptOptions => ({ N: 2 ** p.log2N, r: p.r, p: p.p, maxmem: 256 * 2 ** p.log2N * p.r });

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, scryptOptions(params));
  return `scrypt$${params.log2N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, scryptOptions({ log2N: Number(n), r: Number(r), p: Number(p) }));
  return timingSafeEqual(key, expected);
}

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');
export const API_TOKEN_PREFIX = 'vgl_';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function normalizeEmail(email: string, where = 'email'): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 254) throw invalidInput(`"${email}" is not an email address`, { where });
  return e;
}

function checkPassword(password: string, where = 'password'): void {
  if (password.length < limits.passwordMin || password.length > limits.passwordMax) {
    throw invalidInput(`a password must be ${limits.passwordMin} to ${limits.passwordMax} characters long`, {
      where,
      hint: 'a passphrase of a few unrelated words is long enough and easy to remember',
    });
  }
}

const toUser = (r: UserRow): User => {
  const { passwordHash, ...rest } = r;
  return { ...rest, hasPassword: passwordHash !== null };
};

const toToken = (r: ApiTokenRow): ApiToken => {
  const { tokenHash: _hash, ...rest } = r;
  return rest;
};

const authFailed = (message: string, hint?: string) => new VigilError('AuthFailed', message, hint ? { hint } : {});

export interface NewSession {
  /** The cookie value; shown once. */
  token: string;
  /** The double-submit CSRF token; shown once. */
  csrfToken: string;
  session: SessionRow;
}

export interface AuthenticatedSession {
  user: User;
  session: SessionRow;
}

export interface AuthenticatedToken {
  user: User;
  token: ApiToken;
}

export interface AccountDeps {
  db: Database;
  clock: Clock;
}

export function createAccountService({ db, clock }: AccountDeps, workspaceId: string, options: { scrypt?: ScryptParams } = {}) {
  const orm = db.orm;
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  // Compared against when an email is unknown, so a sign-in takes as long whether or not it exists.
  let dummyHash: Promise<string> | undefined;

  /** True until an enabled admin has chosen a password at the setup link. */
  async function needsSetup(): Promise<boolean> {
    const [r] = await orm
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(and(eq(users.workspaceId, workspaceId), eq(users.role, 'admin'), isNull(users.disabledAt), sql`${users.passwordHash} IS NOT NULL`));
    return (r?.n ?? 0) === 0;
  }

  async function userRow(id: string): Promise<UserRow> {
    const [u] = await orm.select().from(users).where(and(eq(users.workspaceId, workspaceId), eq(users.id, id)));
    if (!u) throw notFound(`no user ${id} in this workspace`);
    return u;
  }

  async function activeAdmins(exceptId?: string): Promise<number> {
    const [r] = await orm
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(and(eq(users.workspaceId, workspaceId), eq(users.role, 'admin'), isNull(users.disabledAt), exceptId ? ne(users.id, exceptId) : undefined));
    return r?.n ?? 0;
  }

  async function newLink(purpose: LinkPurpose, userId: string | null, ttl: number, createdBy: string | null) {
    const token = randomToken();
    const now = clock.now();
    // Only the newest link of a kind works: printing or sending a new one retires the older ones.
    await orm
      .update(accountLinks)
      .set({ expiresAt: now })
      .where(
        and(
          eq(accountLinks.workspaceId, workspaceId),
          eq(accountLinks.purpose, purpose),
          userId ? eq(accountLinks.userId, userId) : isNull(accountLinks.userId),
          isNull(accountLinks.usedAt),
          gt(accountLinks.expiresAt, now),
        ),
      );
    const expiresAt = new Date(now.getTime() + ttl);
    await orm.insert(accountLinks).values({ id: newId('lnk', now.getTime()), workspaceId, purpose, userId, tokenHash: sha256Hex(token), createdAt: now, expiresAt, createdBy });
    return { token, expiresAt };
  }

  /** The link for `token`, locked for update inside `tx`; AuthFailed when unusable. */
  async function usableLink(tx: Tx, token: string, purpose: LinkPurpose) {
    const [link] = await tx
      .select()
      .from(accountLinks)
      .where(and(eq(accountLinks.workspaceId, workspaceId), eq(accountLinks.tokenHash, sha256Hex(token))))
      .for('update');
    if (!link || link.purpose !== purpose || link.usedAt || link.expiresAt <= clock.now()) {
      throw authFailed(
        `this ${purpose === 'setup' ? 'setup' : 'invitation'} link is not valid: it was used, replaced or has expired`,
        purpose === 'setup' ? 'restart `vigil start` to print a new setup link' : 'ask an admin to send a new invitation',
      );
    }
    return link;
  }

  async function createSession(userId: string, meta: { ip?: string | undefined; userAgent?: string | undefined }): Promise<NewSession> {
    const token = randomToken();
    const csrfToken = randomToken();
    const now = clock.now();
    const row: SessionRow = {
      id: newId('ses', now.getTime()),
      workspaceId,
      userId,
      tokenHash: sha256Hex(token),
      csrfHash: sha256Hex(csrfToken),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + limits.sessionMax),
      revokedAt: null,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
    };
    await orm.insert(sessions).values(row);
    return { token, csrfToken, session: row };
  }

  async function revokeSessions(userId: string, keepSessionId?: string) {
    await orm
      .update(sessions)
      .set({ revokedAt: clock.now() })
      .where(and(eq(sessions.workspaceId, workspaceId), eq(sessions.userId, userId), isNull(sessions.revokedAt), keepSessionId ? ne(sessions.id, keepSessionId) : undefined));
  }

  /** Failed attempts in the window for this account and this address, and when the oldest leaves it. */
  async function recentFailures(email: string, ip: string, now: Date) {
    const since = new Date(now.getTime() - limits.window);
    const count = async (col: typeof signInAttempts.email | typeof signInAttempts.ip, value: string) => {
      const [r] = await orm
        .select({ n: sql<number>`count(*)::int`, oldest: sql<string | null>`min(${signInAttempts.at})` })
        .from(signInAttempts)
        .where(and(eq(signInAttempts.workspaceId, workspaceId), eq(col, value), eq(signInAttempts.ok, false), gt(signInAttempts.at, since)));
      return { n: r?.n ?? 0, oldest: r?.oldest ? new Date(r.oldest) : null };
    };
    return { account: await count(signInAttempts.email, email), address: await count(signInAttempts.ip, ip) };
  }

  return {
    workspaceId,

    // ---- users ----

    async list(): Promise<User[]> {
      return (await orm.select().from(users).where(eq(users.workspaceId, workspaceId)).orderBy(asc(users.email))).map(toUser);
    },

    async get(id: string): Promise<User> {
      return toUser(await userRow(id));
    },

    async byEmail(email: string): Promise<User | undefined> {
      const [u] = await orm.select().from(users).where(and(eq(users.workspaceId, workspaceId), eq(users.email, email.trim().toLowerCase())));
      return u ? toUser(u) : undefined;
    },

    /** True while no enabled admin has a password: the state `vigil start` prints a setup link in. */
    needsSetup,

    /** A one-time link (valid 24 h) at which the first admin chooses a password. */
    async createSetupLink(): Promise<{ token: string; expiresAt: Date }> {
      if (!(await this.needsSetup())) throw conflict('an admin already exists; sign in as that admin to invite people');
      return newLink('setup', null, limits.setupLink, 'vigil');
    },

    async completeSetup(token: string, input: { email: string; name: string; password: string }): Promise<User> {
      const email = normalizeEmail(input.email);
      checkPassword(input.password);
      const name = input.name.trim() || email;
      const passwordHash = await hashPassword(input.password, params);
      return orm.transaction(async (tx) => {
        const link = await usableLink(tx, token, 'setup');
        // Serialises two setups racing with two links; the loser sees the admin and stops.
        await tx.execute(sql`SELECT id FROM workspaces WHERE id = ${workspaceId} FOR UPDATE`);
        const [admin] = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.workspaceId, workspaceId), eq(users.role, 'admin'), isNull(users.disabledAt), sql`${users.passwordHash} IS NOT NULL`));
        if (admin) throw conflict('an admin already exists; sign in as that admin');
        const now = clock.now();
        const [existing] = await tx.select().from(users).where(and(eq(users.workspaceId, workspaceId), eq(users.email, email)));
        let row: UserRow;
        if (existing) {
          [row] = (await tx
            .update(users)
            .set({ role: 'admin', name, passwordHash, disabledAt: null, updatedAt: now })
            .where(eq(users.id, existing.id))
            .returning()) as [UserRow];
        } else {
          [row] = (await tx
            .insert(users)
            .values({ id: newId('usr', now.getTime()), workspaceId, email, name, role: 'admin', passwordHash, createdAt: now, updatedAt: now })
            .returning()) as [UserRow];
        }
        await tx.update(accountLinks).set({ usedAt: now }).where(eq(accountLinks.id, link.id));
        return toUser(row);
      });
    },

    /** Add a user; they choose a password at the returned one-time link (valid 7 days). */
    async create(input: { email: string; name?: string; role: UserRole }, createdBy: string): Promise<{ user: User; invite: { token: string; expiresAt: Date } }> {
      const email = normalizeEmail(input.email);
      const now = clock.now();
      const [row] = await orm
        .insert(users)
        .values({ id: newId('usr', now.getTime()), workspaceId, email, name: input.name?.trim() || email, role: input.role, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning();
      if (!row) throw conflict(`a user with the email ${email} already exists`, { where: 'email' });
      const invite = await newLink('invite', row.id, limits.inviteLink, createdBy);
      return { user: toUser(row), invite };
    },

    /** A new invitation link for a user (also how a forgotten password is reset); older links stop working. */
    async invite(userId: string, createdBy: string): Promise<{ user: User; invite: { token: string; expiresAt: Date } }> {
      const u = await userRow(userId);
      if (u.disabledAt) throw conflict(`user ${u.email} is disabled; enable them first`);
      return { user: toUser(u), invite: await newLink('invite', u.id, limits.inviteLink, createdBy) };
    },

    /** What a link is for, so the page can say "choose a password for ada@example.com". */
    async inspectLink(token: string): Promise<{ purpose: LinkPurpose; email: string | null; name: string | null; expiresAt: Date }> {
      const [link] = await orm.select().from(accountLinks).where(and(eq(accountLinks.workspaceId, workspaceId), eq(accountLinks.tokenHash, sha256Hex(token))));
      if (!link || link.usedAt || link.expiresAt <= clock.now()) throw authFailed('this link is not valid: it was used, replaced or has expired');
      const u = link.userId ? await userRow(link.userId) : undefined;
      return { purpose: link.purpose, email: u?.email ?? null, name: u?.name ?? null, expiresAt: link.expiresAt };
    },

    async acceptInvite(token: string, input: { password: string; name?: string | undefined }): Promise<User> {
      checkPassword(input.password);
      const passwordHash = await hashPassword(input.password, params);
      const user = await orm.transaction(async (tx) => {
        const link = await usableLink(tx, token, 'invite');
        const now = clock.now();
        const name = input.name?.trim();
        const [row] = (await tx
          .update(users)
          .set({ passwordHash, updatedAt: now, ...(name ? { name } : {}) })
          .where(and(eq(users.workspaceId, workspaceId), eq(users.id, link.userId!), isNull(users.disabledAt)))
          .returning()) as [UserRow | undefined];
        if (!row) throw authFailed('this invitation is for a user who is disabled or was removed');
        await tx.update(accountLinks).set({ usedAt: now }).where(eq(accountLinks.id, link.id));
        return row;
      });
      await revokeSessions(user.id);
      return toUser(user);
    },

    /** Change name, role or enabled state. The last enabled admin can be neither demoted nor disabled. */
    async update(id: string, change: { name?: string | undefined; role?: UserRole | undefined; disabled?: boolean | undefined }): Promise<User> {
      const u = await userRow(id);
      const losesAdmin = u.role === 'admin' && !u.disabledAt && ((change.role && change.role !== 'admin') || change.disabled === true);
      if (losesAdmin && (await activeAdmins(u.id)) === 0) {
        throw conflict(`${u.email} is the last admin; make someone else admin first`);
      }
      const now = clock.now();
      const [row] = (await orm
        .update(users)
        .set({
          updatedAt: now,
          ...(change.name?.trim() ? { name: change.name.trim() } : {}),
          ...(change.role ? { role: change.role } : {}),
          ...(change.disabled === undefined ? {} : { disabledAt: change.disabled ? (u.disabledAt ?? now) : null }),
        })
        .where(eq(users.id, u.id))
        .returning()) as [UserRow];
      if (change.disabled) await revokeSessions(u.id);
      return toUser(row);
    },

    async changePassword(userId: string, current: string, next: string, keepSessionId?: string): Promise<void> {
      const u = await userRow(userId);
      if (!u.passwordHash || !(await verifyPassword(current, u.passwordHash))) throw authFailed('the current password is wrong', undefined);
      checkPassword(next, 'newPassword');
      await orm.update(users).set({ passwordHash: await hashPassword(next, params), updatedAt: clock.now() }).where(eq(users.id, u.id));
      await revokeSessions(u.id, keepSessionId);
    },

    // ---- sessions ----

    /**
     * Check a password and open a session. Fails with RateLimited (details.retryAfterSeconds) after
     * too many failures for the account or the address, and with one message for a wrong email or
     * password, so it does not tell which accounts exist.
     */
    async signIn(input: { email: string; password: string; ip: string; userAgent?: string | undefined }): Promise<NewSession & { user: User }> {
      const email = input.email.trim().toLowerCase();
      const now = clock.now();
      const f = await recentFailures(email, input.ip, now);
      const over = f.account.n >= limits.perAccount ? f.account.oldest : f.address.n >= limits.perAddress ? f.address.oldest : null;
      if (over) {
        const retryAfterSeconds = Math.max(1, Math.ceil((over.getTime() + limits.window - now.getTime()) / 1000));
        throw new VigilError('RateLimited', `too many failed sign-ins ${f.account.n >= limits.perAccount ? 'for this account' : 'from this address'}`, {
          hint: `wait ${Math.ceil(retryAfterSeconds / 60)} minute(s) and try again`,
          details: { retryAfterSeconds },
        });
      }
      const [u] = await orm.select().from(users).where(and(eq(users.workspaceId, workspaceId), eq(users.email, email)));
      dummyHash ??= hashPassword(randomToken(), params);
      const ok = await verifyPassword(input.password, u?.passwordHash ?? (await dummyHash));
      // Prune what no window needs any more, so the table stays small.
      await orm.delete(signInAttempts).where(lt(signInAttempts.at, new Date(now.getTime() - DAY_MS)));
      await orm.insert(signInAttempts).values({ workspaceId, email, ip: input.ip, at: now, ok: ok && Boolean(u) && !u?.disabledAt });
      if (!u || !ok) throw authFailed('wrong email or password');
      if (u.disabledAt) throw authFailed('this account is disabled', 'ask an admin to enable it');
      await orm.update(users).set({ lastSignInAt: now }).where(eq(users.id, u.id));
      const s = await createSession(u.id, { ip: input.ip, userAgent: input.userAgent });
      return { ...s, user: toUser({ ...u, lastSignInAt: now }) };
    },

    createSession,

    /**
     * Sign in a person the identity provider vouched for (OpenID Connect): their Vigil account by
     * email, or — when `create` allows their email's domain — a new account with its role. The
     * first admin is never made this way: setup stays with the one-time link.
     */
    async signInWithIdentity(
      identity: { email: string; name: string },
      meta: { ip?: string | undefined; userAgent?: string | undefined },
      create?: { role: Exclude<UserRole, 'admin'>; domains: string[] },
    ): Promise<NewSession & { user: User; created: boolean }> {
      const email = normalizeEmail(identity.email);
      const now = clock.now();
      if (await needsSetup()) throw authFailed('Vigil has no admin yet', 'finish setup at the link `vigil start` printed first');
      let [u] = await orm.select().from(users).where(and(eq(users.workspaceId, workspaceId), eq(users.email, email)));
      let created = false;
      if (!u) {
        const domain = email.split('@')[1] ?? '';
        if (!create || !create.domains.map((d) => d.toLowerCase()).includes(domain)) {
          throw authFailed(`there is no Vigil account for ${email}`, 'ask an admin to add you (Settings → Users) with this email');
        }
        [u] = await orm
          .insert(users)
          .values({ id: newId('usr', now.getTime()), workspaceId, email, name: identity.name.trim() || email, role: create.role, createdAt: now, updatedAt: now })
          .onConflictDoNothing()
          .returning();
        if (!u) [u] = await orm.select().from(users).where(and(eq(users.workspaceId, workspaceId), eq(users.email, email)));
        created = true;
      }
      if (!u) throw authFailed(`there is no Vigil account for ${email}`);
      if (u.disabledAt) throw authFailed('this account is disabled', 'ask an admin to enable it');
      await orm.update(users).set({ lastSignInAt: now }).where(eq(users.id, u.id));
      const s = await createSession(u.id, meta);
      return { ...s, user: toUser({ ...u, lastSignInAt: now }), created };
    },

    /** The session and user behind a cookie value, or undefined when unknown, expired, idle too long or revoked. */
    async authenticateSession(token: string): Promise<AuthenticatedSession | undefined> {
      const [r] = await orm
        .select({ s: sessions, u: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.workspaceId, workspaceId), eq(sessions.tokenHash, sha256Hex(token))));
      const now = clock.now();
      if (!r || r.s.revokedAt || r.s.expiresAt <= now || r.s.lastSeenAt.getTime() + limits.sessionIdle <= now.getTime() || r.u.disabledAt) return undefined;
      // Written at most every five minutes: a busy dashboard should not write on every request.
      if (now.getTime() - r.s.lastSeenAt.getTime() > 5 * 60_000) {
        await orm.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, r.s.id));
      }
      return { user: toUser(r.u), session: r.s };
    },

    /** Does `csrfToken` belong to this session? */
    csrfMatches(session: SessionRow, csrfToken: string): boolean {
      const a = Buffer.from(sha256Hex(csrfToken), 'hex');
      return timingSafeEqual(a, Buffer.from(session.csrfHash, 'hex'));
    },

    async signOut(sessionId: string): Promise<void> {
      await orm.update(sessions).set({ revokedAt: clock.now() }).where(and(eq(sessions.workspaceId, workspaceId), eq(sessions.id, sessionId)));
    },

    // ---- API tokens ----

    /** A new API token for a user; the token itself is returned once and never again. */
    async createToken(userId: string, input: { name: string; scope: TokenScope; expiresAt?: Date | undefined }): Promise<{ token: string; record: ApiToken }> {
      const u = await userRow(userId);
      if (u.disabledAt) throw conflict(`user ${u.email} is disabled`);
      if (input.scope === 'write' && (u.role === 'auditor' || u.role === 'viewer')) {
        throw new VigilError('PermissionDenied', `a ${u.role} can only have read tokens`, { where: 'scope' });
      }
      const now = clock.now();
      if (input.expiresAt && input.expiresAt <= now) throw invalidInput('a token must expire in the future', { where: 'expiresAt' });
      const name = input.name.trim();
      if (!name || name.length > 100) throw invalidInput('a token needs a name of 1 to 100 characters', { where: 'name' });
      const token = `${API_TOKEN_PREFIX}${randomToken()}`;
      const [row] = (await orm
        .insert(apiTokens)
        .values({ id: newId('tok', now.getTime()), workspaceId, userId, name, tokenHash: sha256Hex(token), prefix: token.slice(0, 12), scope: input.scope, createdAt: now, expiresAt: input.expiresAt ?? null })
        .returning()) as [ApiTokenRow];
      return { token, record: toToken(row) };
    },

    async listTokens(filter: { userId?: string } = {}): Promise<ApiToken[]> {
      const rows = await orm
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.workspaceId, workspaceId), filter.userId ? eq(apiTokens.userId, filter.userId) : undefined))
        .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
      return rows.map(toToken);
    },

    /** Revoke a token (only the user's own when `ownerId` is given). Revoking twice is harmless. */
    async revokeToken(id: string, ownerId?: string): Promise<ApiToken> {
      const [row] = await orm
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.workspaceId, workspaceId), eq(apiTokens.id, id), ownerId ? eq(apiTokens.userId, ownerId) : undefined));
      if (!row) throw notFound(`no API token ${id}${ownerId ? ' of yours' : ''}`);
      if (row.revokedAt) return toToken(row);
      const [updated] = (await orm.update(apiTokens).set({ revokedAt: clock.now() }).where(eq(apiTokens.id, id)).returning()) as [ApiTokenRow];
      return toToken(updated);
    },

    /** The token and user behind a bearer token, or undefined when unknown, expired, revoked or disabled. */
    async authenticateToken(token: string): Promise<AuthenticatedToken | undefined> {
      if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
      const [r] = await orm
        .select({ t: apiTokens, u: users })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(and(eq(apiTokens.workspaceId, workspaceId), eq(apiTokens.tokenHash, sha256Hex(token))));
      const now = clock.now();
      if (!r || r.t.revokedAt || (r.t.expiresAt && r.t.expiresAt <= now) || r.u.disabledAt) return undefined;
      if (!r.t.lastUsedAt || now.getTime() - r.t.lastUsedAt.getTime() > 60_000) {
        await orm.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, r.t.id));
      }
      // A token never carries more than its user's role allows today.
      return { user: toUser(r.u), token: toToken(r.t) };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;

/** How long until a link expires, for the terminal: "24 h". */
export const hoursLeft = (expiresAt: Date, now: Date) => `${Math.round((expiresAt.getTime() - now.getTime()) / HOUR_MS)} h`;
