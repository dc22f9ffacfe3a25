/** Acknowledge, assign and mute, for one finding or many (the bulk route), with their forms. */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { ErrorBox } from './ui.tsx';

type Action = 'acknowledge' | 'assign' | 'mute';

const in30Days = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

interface BulkResult {
  results: { id: string; ok: boolean; error?: { error: string; message: string } }[];
}

/** Runs the action on `ids`: one id goes to the single route, more to /findings/bulk. */
async function run(ids: string[], action: Action, body: Record<string, string>): Promise<string[]> {
  if (ids.length === 1) {
    await api.post(`/api/v1/findings/${encodeURIComponent(ids[0]!)}/${action}`, body);
    return [];
  }
  const r = await api.post<BulkResult>('/api/v1/findings/bulk', { ids, action, ...body });
  return r.results.filter((x) => !x.ok).map((x) => `${x.id}: ${x.error?.message ?? 'failed'}`);
}

export function FindingActions({ ids, onDone, compact }: { ids: string[]; onDone: () => void; compact?: boolean }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [action, setAction] = useState<Action>('acknowledge');
  const [form, setForm] = useState({ note: '', owner: '', reason: '', approver: '', until: in30Days() });
  const [error, setError] = useState<Error>();
  const [failures, setFailures] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const open = (a: Action) => {
    setAction(a);
    setError(undefined);
    setFailures([]);
    dialog.current?.showModal();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body: Record<string, string> =
        action === 'acknowledge' ? (form.note ? { note: form.note } : {}) : action === 'assign' ? { owner: form.owner } : { reason: form.reason, approver: form.approver, until: form.until };
      const failed = await run(ids, action, body);
      setFailures(failed);
      if (!failed.length) {
        dialog.current?.close();
        setForm({ note: '', owner: '', reason: '', approver: '', until: in30Days() });
      }
      onDone();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const n = ids.length;
  const what = n === 1 ? 'this finding' : `${n} findings`;
  return (
    <>
      <div className="actions" aria-label={`Actions on ${what}`}>
        <button onClick={() => open('acknowledge')} disabled={!n}>
          Acknowledge{compact ? '' : n > 1 ? ` ${n}` : ''}
        </button>
        <button className="secondary" onClick={() => open('assign')} disabled={!n}>
          Assign…
        </button>
        <button className="secondary" onClick={() => open('mute')} disabled={!n}>
          Mute…
        </button>
      </div>
      <dialog ref={dialog} aria-labelledby="act-h">
        <form className="stack" onSubmit={submit}>
          <h2 id="act-h">
            {action === 'acknowledge' ? 'Acknowledge' : action === 'assign' ? 'Assign' : 'Mute'} {what}
          </h2>
          {action === 'acknowledge' && (
            <label>
              Note <span className="field-help">Optional: who is on it, a ticket link.</span>
              <textarea value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />
            </label>
          )}
          {action === 'assign' && (
            <label>
              Owner <span className="field-help">An email or a team.</span>
              <input required value={form.owner} onChange={(e) => setForm({ ...form, owner: e.target.value })} />
            </label>
          )}
          {action === 'mute' && (
            <>
              <p className="small muted">A muted finding is an accepted risk, not a pass: it stays visible and comes back when the mute expires.</p>
              <label>
                Reason
                <textarea required value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
              </label>
              <label>
                Approved by
                <input required value={form.approver} onChange={(e) => setForm({ ...form, approver: e.target.value })} />
              </label>
              <label>
                Expires on <span className="field-help">At most one year from today.</span>
                <input type="date" required value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} />
              </label>
            </>
          )}
          {error && <ErrorBox error={error} />}
          {failures.length > 0 && (
            <div className="error" role="alert">
              {failures.length} of {n} were not changed:
              <ul className="small">
                {failures.slice(0, 10).map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : action === 'acknowledge' ? 'Acknowledge' : action === 'assign' ? 'Assign' : 'Mute'}
            </button>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
