/** Settings: users and roles, API tokens, alert channels, SLAs and check parameters. */
import { Fragment, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
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
      <div className="actions">
        <button type="submit">Add channel</button>
      </div>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

function AlertChannels({ admin }: { admin: boolean }) {
  const state = useApi<Channels>('/api/v1/alerts/channels');
  const [error, setError] = useState<Error>();
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
                    {admin && c.origin === 'api' && (
                      <button className="link" onClick={() => void remove(String(c.name))} aria-label={`Remove ${String(c.name)}`}>
                        Remove
                      </button>
                    )}
                    <div className="small mono muted">
                      {Object.entries(c)
                        .filter(([k]) => !['name', 'type', 'origin', 'rules'].includes(k))
                        .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                        .join(' · ')}
                    </div>
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
      {error && <ErrorBox error={error} />}
      {admin && <AddChannel onAdded={state.reload} />}
    </section>
  );
}

interface Settings {
  findings: { sla: Record<string, string>; slaAtRisk: number };
  checks: { id: string; params: unknown; overridden: string[] }[];
  evidence: { retention: Record<string, string>; checkpointEvery: string; witnesses: number };
  publicUrl: string | null;
}

function SlasAndParams() {
  const state = useApi<Settings>('/api/v1/settings');
  return (
    <section className="card" aria-labelledby="sla-h">
      <h2 id="sla-h">SLAs and check parameters</h2>
      <p className="small muted">In force now; change them in vigil.yaml (findings.sla, checks.params).</p>
      <Async state={state} what="settings">
        {(s) => (
          <>
            <h3>Time to remediate, by severity</h3>
            <dl className="facts">
              {Object.entries(s.findings.sla).map(([k, v]) => (
                <Fragment key={k}>
                  <dt>{k}</dt>
                  <dd>
                    {fmtDuration(v)} <span className="small muted mono">{v}</span>
                  </dd>
                </Fragment>
              ))}
              <dt>At risk after</dt>
              <dd>{Math.round(s.findings.slaAtRisk * 100)}% of the time</dd>
            </dl>
            <h3 style={{ marginTop: '1rem' }}>Evidence</h3>
            <p className="small">
              A signed checkpoint every {fmtDuration(s.evidence.checkpointEvery)} · {s.evidence.witnesses} witness{s.evidence.witnesses === 1 ? '' : 'es'} · content kept{' '}
              {Object.entries(s.evidence.retention).map(([k, v]) => `${fmtDuration(v)} (${k})`).join(', ') || 'forever'}
            </p>
            <details style={{ marginTop: '1rem' }}>
              <summary>Parameters of {s.checks.length} checks</summary>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Check</th>
                      <th>Parameters</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.checks.map((c) => (
                      <tr key={c.id}>
                        <td className="mono small">{c.id}</td>
                        <td className="mono small">
                          {JSON.stringify(c.params)}
                          {c.overridden.length > 0 && <div className="muted">set in vigil.yaml: {c.overridden.join(', ')}</div>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </>
        )}
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
        <SlasAndParams />
      </div>
    </>
  );
}
