/** Audit periods: the windows auditors are invited to, and their evidence bundles. */
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { Async, ErrorBox } from '../components/ui.tsx';
import { fmtDate } from '../lib/format.ts';
import { useCan } from '../lib/session.tsx';
import { useApi } from '../lib/use-api.ts';

interface Period {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  auditors: { id: string; email: string; name: string }[];
}

function NewPeriod({ onDone, usersVersion }: { onDone: () => void; usersVersion: number }) {
  const users = useApi<User[]>('/api/v1/users');
  const reloadUsers = users.reload;
  // Someone just invited an auditor on this page: offer them here too.
  useEffect(() => {
    if (usersVersion) reloadUsers();
  }, [usersVersion, reloadUsers]);
  // The end is exclusive: tomorrow, so today's evidence is inside the period.
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  const [form, setForm] = useState({ name: '', startsAt: yearAgo, endsAt: tomorrow, auditorIds: [] as string[] });
  const [error, setError] = useState<Error>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.post('/api/v1/audit-periods', form);
      setForm({ ...form, name: '', auditorIds: [] });
      onDone();
    } catch (err) {
      setError(err as Error);
    }
  };
  const auditors = (users.data ?? []).filter((u) => u.role === 'auditor');
  return (
    <form className="stack" onSubmit={submit} aria-label="New audit period" style={{ marginTop: '0.75rem' }}>
      <h3>New audit period</h3>
      <label>
        Name
        <input required value={form.name} placeholder="SOC 2 Type II 2026" onChange={(e) => setForm({ ...form, name: e.target.value })} />
      </label>
      <div className="filters">
        <label>
          From
          <input type="date" required value={form.startsAt} onChange={(e) => setForm({ ...form, startsAt: e.target.value })} />
        </label>
        <label>
          To (exclusive)
          <input type="date" required value={form.endsAt} onChange={(e) => setForm({ ...form, endsAt: e.target.value })} />
        </label>
      </div>
      <fieldset style={{ border: 0, padding: 0 }}>
        <legend className="small"><strong>Auditors invited</strong> <span className="muted">(users with the auditor role)</span></legend>
        {auditors.length ? (
          auditors.map((u) => (
            <label className="inline" key={u.id}>
              <input
                type="checkbox"
                checked={form.auditorIds.includes(u.id)}
                onChange={(e) => setForm({ ...form, auditorIds: e.target.checked ? [...form.auditorIds, u.id] : form.auditorIds.filter((x) => x !== u.id) })}
              />{' '}
              {u.name || u.email} <span className="muted small">{u.email}</span>
            </label>
          ))
        ) : (
          <p className="small muted">No auditors yet: invite one above with the auditor role.</p>
        )}
      </fieldset>
      {error && <ErrorBox error={error} />}
      <div>
        <button type="submit">Create audit period</button>
      </div>
    </form>
  );
}

export function AuditPeriods({ usersVersion = 0 }: { usersVersion?: number }) {
  const state = useApi<Period[]>('/api/v1/audit-periods');
  const admin = useCan('admin');
  return (
    <section className="card" aria-labelledby="ap-h">
      <h2 id="ap-h">Audit periods</h2>
      <p className="small muted">An auditor sees only what is effective inside the periods they are invited to, and can export each period’s evidence bundle (verifiable offline).</p>
      <Async state={state} what="audit periods">
        {(list) =>
          list.length ? (
            <ul className="steps">
              {list.map((p) => (
                <li key={p.id}>
                  <strong>{p.name}</strong> {fmtDate(p.startsAt)} → {fmtDate(p.endsAt)}
                  <div className="small muted">auditors: {p.auditors.map((a) => a.email).join(', ') || 'none'}</div>
                  <a className="small" href={`/api/v1/audit-periods/${encodeURIComponent(p.id)}/bundle`} download>
                    Download evidence bundle
                  </a>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No audit periods{admin ? ' yet.' : ' you are invited to.'}</p>
          )
        }
      </Async>
      {admin && <NewPeriod onDone={state.reload} usersVersion={usersVersion} />}
    </section>
  );
}
