/**
 * Alert channels added through the API (webhook, Slack, email), beside those of vigil.yaml. Each
 * is stored with its secrets sealed (the webhook's signing secret and URL, the Slack URL, the SMTP
 * password) and carries its own rules — which alerts it receives — since vigil.yaml's rules can
 * only name vigil.yaml's channels.
 *
 * Routing needs no secret (name, type, recipients), so the alerter reads stored channels without
 * the key; only sending opens them, and the dispatcher finds a stored channel by name when it meets
 * one, so a channel added in one process is used by the dispatcher of another.
 */
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database, Executor } from '../db/client.ts';
import { alertChannelConfigs, type AlertChannelConfigRow } from '../db/schema/alert-channel-configs.ts';
import type { Clock } from '../lib/clock.ts';
import { VigilError, conflict, invalidInput, notFound } from '../lib/errors.ts';
import { REDACTED } from '../connectors/sdk/index.ts';
import { createChannels, type Channel } from '../notify/index.ts';
import { alertChannelSchema, alertRuleSchema, type AlertChannelConfig, type AlertsConfig } from './config/schema.ts';
import { isSealed, type SecretBox } from './secret-box.ts';

export const storedRuleSchema = alertRuleSchema.omit({ channel: true });
export type StoredRule = z.infer<typeof storedRuleSchema>;
export type ChannelOrigin = 'config' | 'api';
type ChannelType = AlertChannelConfig['type'];

/** A URL safe to show: no user info, no query string (tokens hide in both). */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? `?${REDACTED}` : ''}`;
  } catch {
    return REDACTED;
  }
}

/** The secret fields of each channel type, and the value the API shows for each. */
const secretFields: Record<ChannelType, { path: string[]; shown: (v: string) => string }[]> = {
  webhook: [
    { path: ['url'], shown: maskUrl },
    { path: ['secret'], shown: () => REDACTED },
  ],
  // The incoming-webhook URL is itself the credential.
  slack: [{ path: ['url'], shown: () => REDACTED }],
  email: [{ path: ['smtp', 'password'], shown: () => REDACTED }],
};

const getAt = (o: unknown, path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
function setAt(o: Record<string, unknown>, path: string[], value: unknown): void {
  let at: Record<string, unknown> = o;
  for (const k of path.slice(0, -1)) {
    if (!at[k] || typeof at[k] !== 'object') return;
    at = at[k] as Record<string, unknown>;
  }
  if (value === undefined) delete at[path.at(-1)!];
  else at[path.at(-1)!] = value;
}

/** A channel's settings safe to show: secrets masked. */
export function channelView(ch: AlertChannelConfig): Record<string, unknown> {
  switch (ch.type) {
    case 'webhook':
      return { name: ch.name, type: ch.type, url: maskUrl(ch.url), secret: REDACTED, timeoutMs: ch.timeoutMs };
    case 'slack':
      return { name: ch.name, type: ch.type, url: REDACTED, timeoutMs: ch.timeoutMs };
    case 'email':
      return {
        name: ch.name,
        type: ch.type,
        to: ch.to,
        toOwner: ch.toOwner,
        from: ch.from,
        smtp: { host: ch.smtp.host, port: ch.smtp.port, secure: ch.smtp.secure, user: ch.smtp.user ?? null, password: ch.smtp.password ? REDACTED : null },
        timeoutMs: ch.timeoutMs,
      };
  }
}

/** Validate a channel's settings; the error names the field (`body.config.smtp.host`). */
function parseChannel(input: Record<string, unknown>, where: string): AlertChannelConfig {
  const r = alertChannelSchema.safeParse(input);
  if (r.success) {
    if (r.data.type === 'email' && r.data.to.length === 0 && !r.data.toOwner) throw invalidInput('an email channel needs recipients in "to", or toOwner: true', { where: `${where}.to` });
    return r.data;
  }
  const issue = r.error.issues[0]!;
  const field = [where, ...issue.path.map(String)].join('.');
  // A secret may be what failed: never echo the value, only the field and the rule.
  throw invalidInput(`${field}: ${issue.message}`, { where: field, details: { issues: r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })) } });
}

export interface StoredChannel {
  name: string;
  type: ChannelType;
  rules: StoredRule[];
  /** Settings with secrets still sealed: enough to route (name, type, recipients), not to send. */
  sealed: AlertChannelConfig;
  updatedAt: Date;
}

export interface ChannelStoreDeps {
  db: Database;
  clock: Clock;
  secrets: SecretBox;
  publicUrl?: string | undefined;
  /** Channel names vigil.yaml declares: those win over a stored channel of the same name. */
  declared?: readonly string[];
}

export function createChannelStore(deps: ChannelStoreDeps) {
  const { db, clock, secrets } = deps;
  const owner = (name: string) => `alert channel ${name}`;
  const aad = (ws: string, name: string, path: string[]) => `${ws}/channel/${name}/${path.join('.')}`;

  const toStored = (r: AlertChannelConfigRow): StoredChannel => ({
    name: r.name,
    type: r.type,
    rules: r.rules as StoredRule[],
    sealed: { ...(r.config as object), name: r.name, type: r.type } as AlertChannelConfig,
    updatedAt: r.updatedAt,
  });

  function open(r: AlertChannelConfigRow): AlertChannelConfig {
    const plain = structuredClone(r.config);
    for (const f of secretFields[r.type]) {
      const v = getAt(plain, f.path);
      if (isSealed(v)) setAt(plain, f.path, secrets.open(v, aad(r.workspaceId, r.name, f.path), owner(r.name)));
    }
    return alertChannelSchema.parse({ ...plain, name: r.name, type: r.type });
  }

  function seal(ws: string, ch: AlertChannelConfig): Record<string, unknown> {
    const { name: _n, type: _t, ...rest } = structuredClone(ch) as AlertChannelConfig & Record<string, unknown>;
    for (const f of secretFields[ch.type]) {
      const v = getAt(rest, f.path);
      if (typeof v === 'string' && v !== '') setAt(rest, f.path, secrets.seal(v, aad(ws, ch.name, f.path)));
    }
    return rest;
  }

  async function row(ws: string, name: string, ex: Executor = db.orm): Promise<AlertChannelConfigRow | undefined> {
    const [r] = await ex
      .select()
      .from(alertChannelConfigs)
      .where(and(eq(alertChannelConfigs.workspaceId, ws), eq(alertChannelConfigs.name, name)));
    return r;
  }

  // Built channels by name, rebuilt when the row changes (a webhook keeps no state; an email
  // channel's SMTP connection is closed when replaced).
  const built = new Map<string, { at: number; channel: Channel }>();

  async function list(ws: string, ex: Executor = db.orm): Promise<StoredChannel[]> {
    const rows = await ex.select().from(alertChannelConfigs).where(eq(alertChannelConfigs.workspaceId, ws)).orderBy(alertChannelConfigs.name);
    return rows.map(toStored);
  }

  return {
    list,

    async get(ws: string, name: string): Promise<StoredChannel | undefined> {
      const r = await row(ws, name);
      return r ? toStored(r) : undefined;
    },

    /** The settings with secrets opened (sending, tests); throws an error naming the channel. */
    async open(ws: string, name: string): Promise<AlertChannelConfig | undefined> {
      const r = await row(ws, name);
      return r ? open(r) : undefined;
    },

    /** A channel ready to send, for the dispatcher; undefined when no stored channel has the name. */
    async channel(ws: string, name: string): Promise<Channel | undefined> {
      const r = await row(ws, name);
      if (!r) return undefined;
      const cached = built.get(name);
      if (cached && cached.at === r.updatedAt.getTime()) return cached.channel;
      let settings: AlertChannelConfig;
      try {
        settings = open(r);
      } catch (e) {
        // The outbox records only the message: it must say which channel.
        if (e instanceof VigilError) throw new VigilError(e._tag, `${owner(name)}: ${e.message}`, { cause: e, ...(e.where ? { where: e.where } : {}), ...(e.hint ? { hint: e.hint } : {}) });
        throw e;
      }
      const channel = createChannels({ channels: [settings] }, { publicUrl: deps.publicUrl }).get(name)!;
      await cached?.channel.close?.();
      built.set(name, { at: r.updatedAt.getTime(), channel });
      return channel;
    },

    async add(ws: string, input: { config: Record<string, unknown>; rules: StoredRule[] }, options: { reserved?: readonly string[]; actor?: string | undefined } = {}): Promise<StoredChannel> {
      const ch = parseChannel(input.config, 'body.config');
      if (options.reserved?.includes(ch.name)) throw conflict(`a channel named "${ch.name}" is declared in vigil.yaml`, { where: 'body.config.name', hint: 'choose another name' });
      for (const f of secretFields[ch.type]) {
        const v = getAt(ch, f.path);
        if (typeof v === 'string' && v.includes(REDACTED)) throw invalidInput(`send the secret itself: "${REDACTED}" only stands for a stored one`, { where: `body.config.${f.path.join('.')}` });
      }
      const now = clock.now();
      const [r] = await db.orm
        .insert(alertChannelConfigs)
        .values({ workspaceId: ws, name: ch.name, type: ch.type, config: seal(ws, ch), rules: input.rules, createdBy: options.actor ?? null, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning();
      if (!r) throw conflict(`a channel named "${ch.name}" already exists`, { where: 'body.config.name' });
      return toStored(r);
    },

    /**
     * Change a stored channel. `config` replaces the settings (name and type stay); a secret left
     * out, or sent as the masked value the API shows, keeps the stored one.
     */
    async update(ws: string, name: string, patch: { config?: Record<string, unknown> | undefined; rules?: StoredRule[] | undefined }): Promise<StoredChannel> {
      const r = await row(ws, name);
      if (!r) throw notFound(`no alert channel named "${name}" was added through the API`);
      let config = r.config;
      if (patch.config) {
        if (patch.config.type !== undefined && patch.config.type !== r.type) throw invalidInput(`a channel's type cannot change (it is ${r.type}); delete it and add another`, { where: 'body.config.type' });
        if (patch.config.name !== undefined && patch.config.name !== name) throw invalidInput("a channel's name cannot change; delete it and add another", { where: 'body.config.name' });
        const stored = open(r);
        const next = { ...structuredClone(patch.config), name, type: r.type };
        for (const f of secretFields[r.type]) {
          const keep = getAt(stored, f.path) as string | undefined;
          const sent = getAt(next, f.path);
          if (keep !== undefined && (sent === undefined || sent === REDACTED || sent === f.shown(keep))) {
            if (f.path.length > 1 && !getAt(next, f.path.slice(0, -1))) continue;
            setAt(next, f.path, keep);
          }
        }
        config = seal(ws, parseChannel(next, 'body.config'));
      }
      const [updated] = await db.orm
        .update(alertChannelConfigs)
        .set({ config, ...(patch.rules ? { rules: patch.rules } : {}), updatedAt: clock.now() })
        .where(and(eq(alertChannelConfigs.workspaceId, ws), eq(alertChannelConfigs.name, name)))
        .returning();
      if (!updated) throw notFound(`no alert channel named "${name}" was added through the API`);
      return toStored(updated);
    },

    async remove(ws: string, name: string): Promise<boolean> {
      const gone = await db.orm
        .delete(alertChannelConfigs)
        .where(and(eq(alertChannelConfigs.workspaceId, ws), eq(alertChannelConfigs.name, name)))
        .returning({ name: alertChannelConfigs.name });
      const cached = built.get(name);
      built.delete(name);
      await cached?.channel.close?.();
      return gone.length > 0;
    },

    /** What the alerter routes by, beside vigil.yaml: stored channels (secrets sealed) and their rules. */
    async routing(ws: string, ex: Executor): Promise<Pick<AlertsConfig, 'channels' | 'rules'>> {
      const stored = (await list(ws, ex)).filter((c) => !deps.declared?.includes(c.name));
      return { channels: stored.map((c) => c.sealed), rules: stored.flatMap((c) => c.rules.map((r) => ({ ...r, channel: c.name }))) };
    },

    async close(): Promise<void> {
      await Promise.all([...built.values()].map((b) => b.channel.close?.()));
      built.clear();
    },
  };
}

export type ChannelStore = ReturnType<typeof createChannelStore>;

/** Refuse to change a vigil.yaml channel through the API. */
export function assertNotDeclared(alerts: Pick<AlertsConfig, 'channels'>, name: string): void {
  if (alerts.channels.some((c) => c.name === name)) {
    throw new VigilError('Conflict', `alert channel "${name}" is declared in vigil.yaml: edit vigil.yaml to change it`, { where: 'path.name', hint: 'only channels added through the API are changed here' });
  }
}
