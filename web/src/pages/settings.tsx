/** Settings: users and roles, API tokens, alert channels, SLAs and check parameters. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api/client.ts';
import type { SettingField, SettingOrigin, Settings, SettingsChanged } from '../api/shapes.ts';
import type { Role, User } from '../api/types.ts';
import { Async, Badge, Empty, ErrorBox, PageHead } from '../components/ui.tsx';
import { fmtDuration, fmtTime } from '../lib/format.ts';
import { useCan, useSession } from '../lib/session.tsx';
import { useApi } from '../lib/use-api.ts';
import { AuditPeriods } from './audit-periods.tsx';

const ROLES: [Role, string][] = [
  ['admin', 'admin — everything'],
  ['member', 'member — works findings of the controls they own'],
  ['auditor', 'auditor — read-only, their audit periods only'],
  ['viewer', 'viewer — read-only'],
];

function Users({ onChange }: { onChange: () => void }) {
  const state = useApi<User[]>('/api/v1/users');
  const [form, setForm] = useState<{ email: string; name: string; role: Role }>({ email: '', name: '', role: 'member' });
  const [invite, setInvite] = useState<{ email: string; url: string; expiresAt: string }>();
  const [error, setError] = useState<Error>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api.post<{ user: User; invite: { url: string; expiresAt: string } }>('/api/v1/users', form);
      setInvite({ email: r.user.email, url: r.invite.url, expiresAt: r.invite.expiresAt });
      setForm({ email: '', name: '', role: 'member' });
      state.reload();
      onChange();
    } catch (err) {
      setError(err as Error);
    }
  };
  const change = async (id: string, body: Partial<{ role: Role; disabled: boolean }>) => {
    try {
      await api.patch(`/api/v1/users/${encodeURIComponent(id)}`, body);
      state.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <section className="card" aria-labelledby="users-h">
      <h2 id="users-h">Users and roles</h2>
      <Async state={state} what="users">
        {(users) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Person</th>
                  <th>Role</th>
                  <th>Last sign-in</th>
                  <th>State</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id}>
                    <td>
                      {u.name || u.email}
                      <div className="small muted">{u.email}</div>
                    </td>
                    <td>
                      <select aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => void change(u.id, { role: e.target.value as Role })}>
                        {ROLES.map(([r]) => (
                          <option key={r}>{r}</option>
                        ))}
                      </select>
                    </td>
                    <td className="small">{fmtTime(u.lastSignInAt)}</td>
                    <td className="small">
                      {u.disabled ? <Badge value="disabled" /> : u.hasPassword ? <Badge value="active" /> : <Badge value="pending" label="invited" />}{' '}
                      <button className="link" onClick={() => void change(u.id, { disabled: !u.disabled })}>
                        {u.disabled ? 'enable' : 'disable'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Async>
      <h3 style={{ marginTop: '1rem' }}>Invite someone</h3>
      <form className="filters" onSubmit={submit}>
        <label>
          Email
          <input type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </label>
        <label>
          Name
          <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label>
          Role
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map(([r, l]) => (
              <option key={r} value={r}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Create invitation</button>
      </form>
      {error && <ErrorBox error={error} />}
      {invite && (
        <div className="notice" role="status">
          Send this one-time link to {invite.email} (valid until {fmtTime(invite.expiresAt)}); they choose their password there:
          <pre aria-label="Invitation link">{invite.url}</pre>
        </div>
      )}
    </section>
  );
}

interface Token {
  id: string;
  name: string;
  prefix: string;
  scope: 'read' | 'write';
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt?: string | null;
}

function Tokens() {
  const state = useApi<Token[]>('/api/v1/tokens');
  const { user } = useSession();
  const [form, setForm] = useState({ name: '', scope: 'read', expiresAt: '' });
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<Error>();
  const readOnly = user?.role === 'auditor' || user?.role === 'viewer';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api.post<{ token: string }>('/api/v1/tokens', { name: form.name, scope: form.scope, ...(form.expiresAt ? { expiresAt: form.expiresAt } : {}) });
      setCreated(r.token);
      setForm({ name: '', scope: 'read', expiresAt: '' });
      state.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  const revoke = async (id: string) => {
    try {
      await api.del(`/api/v1/tokens/${encodeURIComponent(id)}`);
      state.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <section className="card" aria-labelledby="tok-h">
      <h2 id="tok-h">Your API tokens</h2>
      <p className="small muted">For scripts and CI: send as <code>Authorization: Bearer …</code>. Vigil keeps only a hash; a token is shown once.</p>
      <Async state={state} what="tokens">
        {(list) =>
          list.length ? (
            <ul className="steps">
              {list.map((t) => (
                <li key={t.id} className="actions">
                  <strong>{t.name}</strong> <code>{t.prefix}…</code> <Badge value={t.scope === 'write' ? 'medium' : 'info'} label={t.scope} />
                  <span className="small muted">
                    created {fmtTime(t.createdAt)} · {t.expiresAt ? `expires ${fmtTime(t.expiresAt)}` : 'no expiry'} · last used {fmtTime(t.lastUsedAt)}
                  </span>
                  {t.revokedAt ? <Badge value="disabled" label="revoked" /> : <button className="link" onClick={() => void revoke(t.id)}>revoke</button>}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No tokens.</p>
          )
        }
      </Async>
      <form className="filters" onSubmit={submit} style={{ marginTop: '0.75rem' }}>
        <label>
          What it is for
          <input required value={form.name} placeholder="CI gate" onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label>
          Scope
          <select value={form.scope} onChange={(e) => setForm({ ...form, scope: e.target.value })}>
            <option value="read">read</option>
            {!readOnly && <option value="write">write</option>}
          </select>
        </label>
        <label>
          Expires
          <input type="date" value={form.expiresAt} onChange={(e) => setForm({ ...form, expiresAt: e.target.value })} />
        </label>
        <button type="submit">Create token</button>
      </form>
      {error && <ErrorBox error={error} />}
      {created && (
        <div className="notice" role="status">
          Copy it now — it will not be shown again:
          <pre aria-label="New API token">{created}</pre>
        </div>
      )}
    </section>
  );
}

interface Channels {
  channels: Record<string, unknown>[];
  rules: { channel: string; kinds: string[]; minSeverity?: string; owners?: string[] }[];
  digest: { schedule: string; channel: string } | null;
}

const ALERT_KINDS = ['finding.opened', 'finding.reopened', 'finding.sla_at_risk', 'finding.sla_breached', 'source.failing', 'source.recovered', 'mute.expiring'] as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
type ChannelType = 'webhook' | 'slack' | 'email';

/** Add a channel: its settings by type (secrets as password fields) and which alerts it receives. */
/** The one rule a channel added here receives: which alert kinds, and for findings from which severity. */
function AlertRule({ kinds, setKinds, minSeverity, setMinSeverity }: { kinds: string[]; setKinds: (k: string[]) => void; minSeverity: string; setMinSeverity: (s: string) => void }) {
  return (
    <fieldset style={{ border: '1px solid var(--border)', borderRadius: 6 }}>
      <legend>Alerts it receives</legend>
      {ALERT_KINDS.map((k) => (
        <label key={k} className="inline">
          <input type="checkbox" checked={kinds.includes(k)} onChange={(e) => setKinds(e.target.checked ? [...kinds, k] : kinds.filter((x) => x !== k))} /> {k}
        </label>
      ))}
      <label>
        Findings at or above
        <select value={minSeverity} onChange={(e) => setMinSeverity(e.target.value)}>
          <option value="">any severity</option>
          {SEVERITIES.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}

function AddChannel({ onAdded }: { onAdded: () => void }) {
  const [type, setType] = useState<ChannelType>('webhook');
  const [f, setF] = useState({ name: '', url: '', secret: '', to: '', from: '', host: '', port: '', user: '', password: '' });
  const [kinds, setKinds] = useState<string[]>(['finding.opened', 'source.failing']);
  const [minSeverity, setMinSeverity] = useState('');
  const [error, setError] = useState<Error>();
  const field = (k: keyof typeof f) => ({ value: f[k], onChange: (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value }) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const config =
      type === 'webhook'
        ? { name: f.name, type, url: f.url, secret: f.secret }
        : type === 'slack'
          ? { name: f.name, type, url: f.url }
          : {
              name: f.name,
              type,
              to: f.to.split(/[\s,]+/).filter(Boolean),
              from: f.from,
              smtp: { host: f.host, ...(f.port ? { port: Number(f.port) } : {}), ...(f.user ? { user: f.user } : {}), ...(f.password ? { password: f.password } : {}) },
            };
    try {
      await api.post('/api/v1/alerts/channels', { config, rules: kinds.length ? [{ kinds, ...(minSeverity ? { minSeverity } : {}) }] : [] });
      setF({ name: '', url: '', secret: '', to: '', from: '', host: '', port: '', user: '', password: '' });
      onAdded();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Add an alert channel" style={{ marginTop: '0.75rem' }}>
      <h3>Add a channel</h3>
      <label>
        Type
        <select value={type} onChange={(e) => setType(e.target.value as ChannelType)}>
          <option value="webhook">webhook (signed JSON)</option>
          <option value="slack">Slack incoming webhook</option>
          <option value="email">email (SMTP)</option>
        </select>
      </label>
      <label>
        Name <span className="field-help">Lower case, digits, - and _.</span>
        <input required pattern="[a-z0-9][a-z0-9_\-]*" {...field('name')} />
      </label>
      {type !== 'email' && (
        <label>
          URL <span className="field-help">{type === 'slack' ? 'The incoming-webhook URL Slack gave you (a secret).' : 'Where each alert is POSTed.'}</span>
          <input required type={type === 'slack' ? 'password' : 'url'} autoComplete="new-password" {...field('url')} />
        </label>
      )}
      {type === 'webhook' && (
        <label>
          Signing secret <span className="field-help">At least 16 characters, shared with the receiver (Vigil-Signature).</span>
          <input required type="password" autoComplete="new-password" minLength={16} {...field('secret')} />
        </label>
      )}
      {type === 'email' && (
        <>
          <label>
            To <span className="field-help">Addresses, separated by commas.</span>
            <input required {...field('to')} />
          </label>
          <label>
            From
            <input required placeholder="Vigil <vigil@example.com>" {...field('from')} />
          </label>
          <label>
            SMTP host
            <input required {...field('host')} />
          </label>
          <label>
            SMTP port <span className="field-help">(optional; default 587)</span>
            <input type="number" {...field('port')} />
          </label>
          <label>
            SMTP user <span className="field-help">(optional)</span>
            <input autoComplete="off" {...field('user')} />
          </label>
          <label>
            SMTP password <span className="field-help">(optional; stored encrypted)</span>
            <input type="password" autoComplete="new-password" {...field('password')} />
          </label>
        </>
      )}
      <AlertRule kinds={kinds} setKinds={setKinds} minSeverity={minSeverity} setMinSeverity={setMinSeverity} />
      <div className="actions">
        <button type="submit">Add channel</button>
      </div>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

type ChannelRule = { kinds: string[]; minSeverity?: string; owners?: string[] };

/**
 * Change a channel added here: its settings and the alerts it receives. Secrets are never shown:
 * a secret field left empty keeps the stored one (the API keeps a secret that is left out).
 */
function EditChannel({ c, onDone }: { c: Record<string, unknown>; onDone: (saved: boolean) => void }) {
  const type = String(c.type) as ChannelType;
  const name = String(c.name);
  const smtp = (c.smtp ?? {}) as { host?: string; port?: number; secure?: boolean; user?: string | null; password?: string | null };
  const rules = (c.rules ?? []) as ChannelRule[];
  const oneRule = rules.length <= 1;
  const [f, setF] = useState({
    url: '',
    secret: '',
    timeoutMs: String(c.timeoutMs ?? ''),
    to: Array.isArray(c.to) ? (c.to as string[]).join(', ') : '',
    toOwner: c.toOwner === true,
    from: String(c.from ?? ''),
    host: smtp.host ?? '',
    port: smtp.port ? String(smtp.port) : '',
    secure: smtp.secure === true,
    user: smtp.user ?? '',
    password: '',
  });
  const [kinds, setKinds] = useState<string[]>(rules[0]?.kinds ?? []);
  const [minSeverity, setMinSeverity] = useState(rules[0]?.minSeverity ?? '');
  const [error, setError] = useState<Error>();
  const text = (k: 'url' | 'secret' | 'timeoutMs' | 'to' | 'from' | 'host' | 'port' | 'user' | 'password') => ({ value: f[k], onChange: (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value }) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const timeout = f.timeoutMs ? { timeoutMs: Number(f.timeoutMs) } : {};
    // Secrets left empty are left out, so the stored ones are kept.
    const config =
      type === 'webhook'
        ? { name, type, ...(f.url ? { url: f.url } : {}), ...(f.secret ? { secret: f.secret } : {}), ...timeout }
        : type === 'slack'
          ? { name, type, ...(f.url ? { url: f.url } : {}), ...timeout }
          : {
              name,
              type,
              to: f.to.split(/[\s,]+/).filter(Boolean),
              toOwner: f.toOwner,
              from: f.from,
              smtp: { host: f.host, ...(f.port ? { port: Number(f.port) } : {}), secure: f.secure, ...(f.user ? { user: f.user } : {}), ...(f.password ? { password: f.password } : {}) },
              ...timeout,
            };
    try {
      await api.patch(`/api/v1/alerts/channels/${encodeURIComponent(name)}`, {
        config,
        ...(oneRule ? { rules: kinds.length ? [{ kinds, ...(minSeverity ? { minSeverity } : {}), ...(rules[0]?.owners ? { owners: rules[0].owners } : {}) }] : [] } : {}),
      });
      onDone(true);
    } catch (err) {
      setError(err as Error);
    }
  };
  const keep = <span className="field-help">Stored encrypted and not shown; leave empty to keep it.</span>;
  return (
    <form className="stack" onSubmit={submit} aria-label={`Edit ${name}`} style={{ marginTop: '0.5rem' }}>
      {type !== 'email' && (
        <label>
          URL {type === 'webhook' ? <span className="field-help">Where each alert is POSTed; stored encrypted, leave empty to keep it.</span> : keep}
          <input type={type === 'slack' ? 'password' : 'url'} autoComplete="new-password" placeholder="unchanged" {...text('url')} />
        </label>
      )}
      {type === 'webhook' && (
        <label>
          Signing secret {keep}
          <input type="password" autoComplete="new-password" minLength={16} placeholder="unchanged" {...text('secret')} />
        </label>
      )}
      {type === 'email' && (
        <>
          <label>
            To <span className="field-help">Addresses, separated by commas.</span>
            <input {...text('to')} />
          </label>
          <label className="inline">
            <input type="checkbox" checked={f.toOwner} onChange={(e) => setF({ ...f, toOwner: e.target.checked })} /> Also send to the owner
          </label>
          <label>
            From
            <input required {...text('from')} />
          </label>
          <label>
            SMTP host
            <input required {...text('host')} />
          </label>
          <label>
            SMTP port
            <input type="number" {...text('port')} />
          </label>
          <label className="inline">
            <input type="checkbox" checked={f.secure} onChange={(e) => setF({ ...f, secure: e.target.checked })} /> Implicit TLS (port 465)
          </label>
          <label>
            SMTP user <span className="field-help">(optional)</span>
            <input autoComplete="off" {...text('user')} />
          </label>
          <label>
            SMTP password {keep}
            <input type="password" autoComplete="new-password" placeholder="unchanged" {...text('password')} />
          </label>
        </>
      )}
      <label>
        Timeout (ms) <span className="field-help">1000–30000.</span>
        <input type="number" min={1000} max={30000} {...text('timeoutMs')} />
      </label>
      {oneRule ? (
        <AlertRule kinds={kinds} setKinds={setKinds} minSeverity={minSeverity} setMinSeverity={setMinSeverity} />
      ) : (
        <p className="small muted">Its {rules.length} rules were set through the API and are kept; change them there.</p>
      )}
      <div className="actions">
        <button type="submit">Save</button>
        <button type="button" className="link" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

function AlertChannels({ admin }: { admin: boolean }) {
  const state = useApi<Channels>('/api/v1/alerts/channels');
  const [error, setError] = useState<Error>();
  const [editing, setEditing] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const remove = async (name: string) => {
    if (!window.confirm(`Remove the alert channel "${name}"? Alerts stop going to it.`)) return;
    try {
      await api.del(`/api/v1/alerts/channels/${encodeURIComponent(name)}`);
      state.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section className="card" aria-labelledby="al-h">
      <h2 id="al-h">Alert channels</h2>
      <p className="small muted">From vigil.yaml (alerts), or added here with their secrets stored encrypted; secrets are always masked.</p>
      <Async state={state} what="alert channels">
        {(a) =>
          a.channels.length ? (
            <>
              <ul className="steps">
                {a.channels.map((c) => (
                  <li key={String(c.name)}>
                    <strong>{String(c.name)}</strong> <Badge value="info" label={String(c.type)} />{' '}
                    <span className="small muted">{c.origin === 'api' ? 'added here' : 'vigil.yaml'}</span>
                    {admin && c.origin === 'api' && editing !== String(c.name) && (
                      <>
                        {' '}
                        <button className="link" onClick={() => (setEditing(String(c.name)), setSaved(undefined))} aria-label={`Edit ${String(c.name)}`}>
                          Edit
                        </button>{' '}
                        <button className="link" onClick={() => void remove(String(c.name))} aria-label={`Remove ${String(c.name)}`}>
                          Remove
                        </button>
                      </>
                    )}
                    {admin && c.origin === 'config' && <span className="small muted"> (read-only here: edit vigil.yaml to change it)</span>}
                    <div className="small mono muted">
                      {Object.entries(c)
                        .filter(([k]) => !['name', 'type', 'origin', 'rules'].includes(k))
                        .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                        .join(' · ')}
                    </div>
                    {editing === String(c.name) && (
                      <EditChannel
                        c={c}
                        onDone={(ok) => {
                          setEditing(undefined);
                          if (ok) {
                            setSaved(`Channel “${String(c.name)}” saved.`);
                            state.reload();
                          }
                        }}
                      />
                    )}
                  </li>
                ))}
              </ul>
              <h3 style={{ marginTop: '0.75rem' }}>Routing</h3>
              <ul className="small">
                {a.rules.map((r, i) => (
                  <li key={i}>
                    {r.kinds.join(', ')} {r.minSeverity ? `(${r.minSeverity} and above)` : ''} → {r.channel}
                  </li>
                ))}
                {a.digest && <li>Digest {a.digest.schedule} → {a.digest.channel}</li>}
              </ul>
            </>
          ) : (
            <Empty title="No alert channels">{admin ? 'Add a webhook, Slack or email channel below, or under alerts: in vigil.yaml.' : 'An admin adds alert channels.'}</Empty>
          )
        }
      </Async>
      {saved && (
        <p className="small" role="status">
          {saved}
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {admin && <AddChannel onAdded={state.reload} />}
    </section>
  );
}

const ORIGIN_LABEL: Record<SettingOrigin, string> = { default: 'default', config: 'vigil.yaml', override: 'changed here' };

/** A value as text for an input of its kind (lists comma-separated, complex values as JSON). */
function toDraft(f: SettingField): string | boolean {
  if (f.input === 'boolean') return f.value === true;
  if (f.value === null || f.value === undefined) return '';
  if (f.input === 'string-list' && Array.isArray(f.value)) return f.value.join(', ');
  if (f.input === 'json') return JSON.stringify(f.value, null, 2);
  return String(f.value);
}

/** The value a draft stands for; throws with a message for the field when it cannot be read. */
function fromDraft(f: SettingField, d: string | boolean): unknown {
  if (f.input === 'boolean') return d === true;
  const text = String(d).trim();
  if (text === '' && f.nullable) return null;
  if (f.input === 'number' || f.input === 'integer') {
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) throw new Error('enter a number');
    return n;
  }
  if (f.input === 'string-list') return text.split(',').map((x) => x.trim()).filter(Boolean);
  if (f.input === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new Error(`not valid JSON: ${(e as Error).message}`);
    }
  }
  return text;
}

const shown = (f: SettingField, v: unknown) => (v === null || v === undefined ? 'none' : f.input === 'json' || Array.isArray(v) ? JSON.stringify(v) : String(v));
const idFor = (path: string) => `set-${path.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

/** One value: an input of its kind for an admin (with its origin, error and reset), text for everyone else. */
function FieldInput({ f, label, draft, setDraft, error, editable, onReset, busy }: { f: SettingField; label: string; draft: string | boolean; setDraft: (d: string | boolean) => void; error?: string; editable: boolean; onReset: () => void; busy: boolean }) {
  const id = idFor(f.path);
  const help = `${id}-help`;
  const err = `${id}-err`;
  const origin = (
    <span className="small muted">
      <Badge value={f.origin === 'override' ? 'medium' : 'info'} label={ORIGIN_LABEL[f.origin]} />
      {f.origin === 'override' && <> — vigil.yaml/default: <span className="mono">{shown(f, f.base)}</span></>}
    </span>
  );
  if (!editable || f.locked) {
    return (
      <div>
        <strong>{label}</strong>: <span className="mono small">{shown(f, f.value)}</span> {origin}
        {f.locked && <div className="small muted">{f.locked}</div>}
      </div>
    );
  }
  const describedBy = [help, error ? err : ''].filter(Boolean).join(' ');
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, disabled: busy };
  let input;
  if (f.input === 'boolean') input = <input type="checkbox" {...common} checked={draft === true} onChange={(e) => setDraft(e.target.checked)} />;
  else if (f.input === 'enum')
    input = (
      <select {...common} value={String(draft)} onChange={(e) => setDraft(e.target.value)}>
        {f.nullable && <option value="">none</option>}
        {(f.options ?? []).map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  else if (f.input === 'json') input = <textarea {...common} className="mono" rows={Math.min(8, String(draft).split('\n').length + 1)} value={String(draft)} onChange={(e) => setDraft(e.target.value)} />;
  else input = <input {...common} type={f.input === 'number' || f.input === 'integer' ? 'number' : 'text'} step={f.input === 'integer' ? 1 : 'any'} value={String(draft)} onChange={(e) => setDraft(e.target.value)} />;
  return (
    <div className="stack" style={{ gap: '0.2rem' }}>
      <label htmlFor={id} className={f.input === 'boolean' ? 'inline' : undefined} style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
        {f.input === 'boolean' && input}
        <span>{label}</span>
      </label>
      {f.input !== 'boolean' && input}
      <span id={help} className="field-help">
        {f.description ? `${f.description} ` : ''}
        {f.input === 'string-list' ? '(separate with commas) ' : ''}
        {f.input === 'json' ? '(JSON) ' : ''}
        {f.options && f.input === 'string-list' ? `Allowed: ${f.options.join(', ')}. ` : ''}
        {origin}
      </span>
      {f.origin === 'override' && (
        <div>
          <button type="button" className="link small" onClick={onReset} disabled={busy} aria-label={`Reset ${label} to vigil.yaml or the default`}>
            Reset to vigil.yaml/default
          </button>
        </div>
      )}
      {error && (
        <span id={err} className="small" role="alert" style={{ color: 'var(--fail)' }}>
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * A form over some settings fields: sends only what changed, as the PATCH body `build` makes from
 * { path: value }; an error the API names by path is shown next to that field.
 */
function SettingsForm({ fields, labelOf, build, editable, name, onSaved, children }: { fields: SettingField[]; labelOf: (f: SettingField) => string; build: (values: [SettingField, unknown][]) => unknown; editable: boolean; name: string; onSaved: (r: SettingsChanged) => void; children?: ReactNode }) {
  const [drafts, setDrafts] = useState<Record<string, string | boolean>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string>();
  const draftOf = (f: SettingField) => drafts[f.path] ?? toDraft(f);
  const send = async (values: [SettingField, unknown][]) => {
    setError(undefined);
    setErrors({});
    setSaved(undefined);
    if (!values.length) {
      setSaved('Nothing changed.');
      return;
    }
    setBusy(true);
    try {
      const r = await api.patch<SettingsChanged>('/api/v1/settings', build(values));
      setDrafts({});
      setSaved(r.changes.length ? `Saved: ${r.changes.map((c) => c.path.split('.').at(-1)).join(', ')}.${r.evaluated.length ? ` Judged again: ${r.evaluated.map((e) => `${e.check} (${e.outcome})`).join(', ')}.` : ''}` : 'Nothing changed.');
      onSaved(r);
    } catch (err) {
      const e = err as Error;
      const field = e instanceof ApiError && e.where ? fields.find((f) => f.path === e.where) : undefined;
      if (field) setErrors({ [field.path]: e.message });
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const values: [SettingField, unknown][] = [];
    const bad: Record<string, string> = {};
    for (const f of fields) {
      if (f.locked || !(f.path in drafts)) continue;
      try {
        const v = fromDraft(f, drafts[f.path]!);
        if (JSON.stringify(v) !== JSON.stringify(f.value)) values.push([f, v]);
      } catch (e) {
        bad[f.path] = (e as Error).message;
      }
    }
    if (Object.keys(bad).length) {
      setErrors(bad);
      return;
    }
    void send(values);
  };
  return (
    <form className="stack" onSubmit={submit} aria-label={name} style={{ maxWidth: '40rem' }}>
      {children}
      {fields.map((f) => (
        <FieldInput
          key={f.path}
          f={f}
          label={labelOf(f)}
          draft={draftOf(f)}
          setDraft={(d) => setDrafts({ ...drafts, [f.path]: d })}
          error={errors[f.path]}
          editable={editable}
          busy={busy}
          onReset={() => void send([[f, null]])}
        />
      ))}
      {editable && fields.some((f) => !f.locked) && (
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      )}
      {saved && (
        <p className="small" role="status">
          {saved}
        </p>
      )}
      {error && <ErrorBox error={error} />}
    </form>
  );
}

function SlasAndParams({ admin }: { admin: boolean }) {
  const state = useApi<Settings>('/api/v1/settings');
  const [filter, setFilter] = useState('');
  return (
    <section className="card" aria-labelledby="sla-h">
      <h2 id="sla-h">SLAs and check parameters</h2>
      <p className="small muted">
        In force now: vigil.yaml (findings.sla, alerts.slaAtRisk, checks.params), {admin ? 'with what is changed here' : 'with what an admin changed here'}. A changed SLA applies to
        findings opened from then on — existing findings keep their deadline. Checks are judged again as soon as their parameters change.
      </p>
      <Async state={state} what="settings">
        {(s) => {
          const sla = s.findings.fields.filter((f) => f.path.startsWith('findings.sla.'));
          const atRisk = s.findings.fields.filter((f) => f.path === 'alerts.slaAtRisk');
          const checks = s.checks.filter((c) => c.fields.length && (!filter || c.id.includes(filter) || c.title.toLowerCase().includes(filter.toLowerCase())));
          return (
            <>
              <h3>Time to remediate, by severity</h3>
              <SettingsForm
                name="Remediation SLAs"
                fields={[...sla, ...atRisk]}
                editable={admin}
                labelOf={(f) => (f.path === 'alerts.slaAtRisk' ? 'At risk after (share of the time, 0–1)' : `${f.name} (${fmtDuration(String(f.value))})`)}
                build={(values) => ({
                  findings: {
                    ...(values.some(([f]) => f.path.startsWith('findings.sla.')) ? { sla: Object.fromEntries(values.filter(([f]) => f.path.startsWith('findings.sla.')).map(([f, v]) => [f.name, v])) } : {}),
                    ...Object.fromEntries(values.filter(([f]) => f.path === 'alerts.slaAtRisk').map(([, v]) => ['slaAtRisk', v])),
                  },
                })}
                onSaved={state.set}
              />
              <h3 style={{ marginTop: '1rem' }}>Evidence</h3>
              <p className="small">
                A signed checkpoint every {fmtDuration(s.evidence.checkpointEvery)} · {s.evidence.witnesses} witness{s.evidence.witnesses === 1 ? '' : 'es'} · content kept{' '}
                {Object.entries(s.evidence.retention).map(([k, v]) => `${fmtDuration(v)} (${k})`).join(', ') || 'forever'} <span className="muted">(set in vigil.yaml only)</span>
              </p>
              <h3 style={{ marginTop: '1rem' }}>Check parameters</h3>
              <label>
                Find a check
                <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="access.inactive" />
              </label>
              {checks.map((c) => {
                const changed = c.fields.filter((f) => f.origin === 'override').length;
                return (
                  <details key={c.id} style={{ marginTop: '0.5rem' }}>
                    <summary>
                      <span className="mono small">{c.id}</span> — {c.title}
                      {changed > 0 && <span className="small muted"> · {changed} changed here</span>}
                    </summary>
                    <SettingsForm
                      name={`Parameters of ${c.id}`}
                      fields={c.fields}
                      editable={admin}
                      labelOf={(f) => f.name}
                      build={(values) => ({ checks: { [c.id]: Object.fromEntries(values.map(([f, v]) => [f.name, v])) } })}
                      onSaved={state.set}
                    />
                  </details>
                );
              })}
              {s.checks.filter((c) => !c.fields.length).length > 0 && <p className="small muted">{s.checks.filter((c) => !c.fields.length).length} checks take no parameters.</p>}
            </>
          );
        }}
      </Async>
    </section>
  );
}

export function SettingsPage() {
  const admin = useCan('admin');
  const ops = useCan('read:operations');
  const audits = useCan('audit:read');
  const [usersVersion, setUsersVersion] = useState(0);
  return (
    <>
      <PageHead title="Settings" />
      <div className="grid wide">
        {admin && <Users onChange={() => setUsersVersion((v) => v + 1)} />}
        {audits && <AuditPeriods usersVersion={usersVersion} />}
        <Tokens />
        {ops && <AlertChannels admin={admin} />}
        <SlasAndParams admin={admin} />
      </div>
    </>
  );
}
